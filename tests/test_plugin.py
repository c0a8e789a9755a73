"""The pytest plugin, exercised with pytester on a tiny workbook of its own."""

from __future__ import annotations

import json
import textwrap

import pytest

from checker.plugin.isolation import host_tag
from tests.conftest import postgres_url

KATA = '''
"""Kata 1.1 — demo."""
from sqlalchemy import text


def answer():
    return 42


def todo():
    # TODO: write it
    raise NotImplementedError("write it")


def count_rows(engine):
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM t")).scalar_one()
'''


@pytest.fixture
def demo(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    """A workbook with one phase and one kata: phases/p1_demo/test_k01_demo.py and friends."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # as the runner does
    for folder in ("katas", "solutions"):
        pytester.mkpydir(folder)
        (pytester.path / folder / "p1_demo").mkdir()
        (pytester.path / folder / "p1_demo" / "k01_demo.py").write_text(KATA)
    (pytester.path / "phases" / "p1_demo").mkdir(parents=True)

    def run(checks: str, *args: str, kata: str | None = None):
        (pytester.path / "phases/p1_demo/test_k01_demo.py").write_text(textwrap.dedent(checks))
        if kata is not None:
            (pytester.path / "katas/p1_demo/k01_demo.py").write_text(textwrap.dedent(kata))
        options = ["-p", "checker.plugin.hooks", "--checker-report", "report.json", *args]
        if (url := postgres_url()) and "--checker-db" not in args:
            options += ["--checker-db", "postgres", "--checker-db-url", url]
        result = pytester.runpytest_subprocess(*options, "phases/p1_demo/test_k01_demo.py")
        report_path = pytester.path / "report.json"
        report = json.loads(report_path.read_text()) if report_path.exists() else None
        return result, report

    return run


def checks_by_name(report):
    return {c["name"]: c for c in report["checks"]}


def test_kata_fixture_grades_the_learners_file_and_reports(demo):
    result, report = demo('''
        def test_answer(kata):
            """answer() is 42."""
            assert kata.answer() == 42
    ''')
    result.assert_outcomes(passed=1)
    check = report["checks"][0]
    assert check["kata"] == "1.1" and check["outcome"] == "passed"
    assert check["description"] == "answer() is 42."
    assert report["katas"]["1.1"]["file"] == "katas/p1_demo/k01_demo.py"


def test_kata_root_and_kata_file_choose_what_is_graded(demo, pytester):
    (pytester.path / "solutions/p1_demo/k01_demo.py").write_text(KATA.replace("42", "43"))
    checks = """
        def test_answer(kata, reference):
            assert kata.answer() == reference.answer() == 43
    """
    demo(checks)[0].assert_outcomes(failed=1)
    demo(checks, "--kata-root", "solutions")[0].assert_outcomes(passed=1)
    demo(checks, "--kata-file", f"1.1={pytester.path / 'solutions/p1_demo/k01_demo.py'}")[
        0
    ].assert_outcomes(passed=1)


def test_a_missing_name_fails_with_a_sentence(demo):
    result, report = demo("""
        def test_missing(kata):
            kata.make_engine()
    """)
    result.assert_outcomes(failed=1)
    check = report["checks"][0]
    assert "katas/p1_demo/k01_demo.py has no `make_engine`" in check["message"]


def test_not_implemented_names_the_function_and_line(demo):
    result, report = demo("""
        def test_todo(kata):
            kata.todo()
    """)
    result.assert_outcomes(failed=1)
    check = report["checks"][0]
    assert check["kind"] == "todo"
    assert check["message"] == "`todo()` is not written yet (TODO: write it)."
    assert check["where"] == "katas/p1_demo/k01_demo.py:12"


def test_assertion_message_is_kept_without_the_rewrite_noise(demo):
    result, report = demo("""
        def test_wrong(kata):
            got = kata.answer()
            assert got == 41, f"answer() returned {got!r}; expected 41."
    """)
    result.assert_outcomes(failed=1)
    check = report["checks"][0]
    assert check["kind"] == "assertion" and check["message"] == "answer() returned 42; expected 41."
    assert check["where"] == "phases/p1_demo/test_k01_demo.py:4"


def test_syntax_error_is_one_line_with_file_and_line(demo):
    result, report = demo(
        """
        def test_answer(kata):
            assert kata.answer() == 42
    """,
        kata="def answer(:\n    return 42\n",
    )
    result.assert_outcomes(errors=1)
    assert report["katas"]["1.1"]["load_error"].startswith(
        "katas/p1_demo/k01_demo.py:1: SyntaxError"
    )
    assert report["checks"][0]["kind"] == "load-error"


def test_every_check_gets_a_fresh_database(demo):
    checks = """
        from sqlalchemy import text

        def _fill(engine):
            with engine.begin() as connection:
                connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
                connection.execute(text("INSERT INTO t (id) VALUES (1)"))

        def test_first(kata, engine):
            _fill(engine)
            assert kata.count_rows(engine) == 1

        def test_second(kata, engine):
            _fill(engine)  # would fail on "table t already exists" if databases were shared
            assert kata.count_rows(engine) == 1
    """
    demo(checks)[0].assert_outcomes(passed=2)


def test_foreign_keys_are_enforced(demo):
    checks = """
        import pytest
        from sqlalchemy import text
        from sqlalchemy.exc import IntegrityError

        def test_fk(engine):
            with engine.begin() as connection:
                connection.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
                connection.execute(text(
                    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id))"
                ))
            with pytest.raises(IntegrityError), engine.begin() as connection:
                connection.execute(text("INSERT INTO child (id, parent_id) VALUES (1, 99)"))
    """
    demo(checks)[0].assert_outcomes(passed=1)


def test_sql_is_captured_during_the_check_only_and_budgets_fold_repeats(demo):
    checks = """
        from sqlalchemy import text
        import pytest

        @pytest.fixture
        def table(engine):
            with engine.begin() as connection:
                connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
            return engine

        def test_loop(table, queries):
            with queries.budget(2, "counting t three times"):
                for _ in range(3):
                    with table.connect() as connection:
                        connection.execute(text("SELECT count(*) FROM t")).scalar_one()
    """
    result, report = demo(checks)
    result.assert_outcomes(failed=1)
    check = report["checks"][0]
    assert "counting t three times sent 3 SQL statements; it can be done in 2." in check["message"]
    assert "SELECT count(*) FROM t  — ×3" in check["message"]
    assert [s["sql"] for s in check["statements"]] == ["SELECT count(*) FROM t"] * 3, (
        "no CREATE TABLE from the fixture"
    )


def test_a_check_that_hangs_is_stopped(demo):
    result, report = demo(
        """
        def test_forever():
            while True:
                pass
    """,
        "-p",
        "pytest_timeout",
        "--timeout",
        "0.5",
    )
    result.assert_outcomes(failed=1)
    assert report["checks"][0]["kind"] == "timeout"


def test_collection_errors_are_reported(demo):
    result, report = demo("def test_broken(:\n    pass\n")
    assert (
        report["collection_errors"]
        and "test_k01_demo.py" in report["collection_errors"][0]["nodeid"]
    )


def test_unreachable_postgres_is_an_environment_error(demo):
    result, report = demo(
        "def test_x(engine):\n    pass\n",
        "--checker-db",
        "postgres",
        "--checker-db-url",
        "postgresql+psycopg2://nobody@127.0.0.1:1/none",
    )
    assert result.ret == 3
    assert "127.0.0.1:1/none" in report["environment_error"]
    assert "docker compose up -d" in report["environment_error"]


@pytest.mark.skipif(not postgres_url(), reason="needs CHECKER_DATABASE_URL (Postgres)")
def test_postgres_schemas_are_private_and_dropped(demo):
    from sqlalchemy import create_engine, text

    checks = """
        from sqlalchemy import text

        def test_schema(engine):
            with engine.connect() as connection:
                schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            assert schema.startswith("ck_")
    """
    demo(checks)[0].assert_outcomes(passed=1)
    admin = create_engine(postgres_url())
    with admin.connect() as connection:
        left = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM pg_namespace WHERE starts_with(nspname, :prefix))"
                " + (SELECT count(*) FROM pg_roles WHERE starts_with(rolname, :prefix))"
            ),
            {"prefix": f"ck_{host_tag()}_"},
        ).scalar_one()
    admin.dispose()
    assert left == 0, "every check's schema and role are dropped after it"


N_PLUS_ONE_KATA = '''
"""Kata 1.1 — demo with an N+1."""
from sqlalchemy import text


def totals(engine):
    with engine.connect() as connection:
        ids = connection.execute(text("SELECT id FROM post ORDER BY id")).scalars().all()
        return [connection.execute(text("SELECT count(*) FROM comment WHERE post_id = :p"), {"p": i}).scalar_one() for i in ids]
'''

N_PLUS_ONE_CHECKS = """
    import pytest
    from sqlalchemy import text

    @pytest.fixture
    def posts(engine):
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE post (id INTEGER PRIMARY KEY)"))
            connection.execute(text("CREATE TABLE comment (id INTEGER PRIMARY KEY, post_id INTEGER)"))
            for i in range(1, 6):
                connection.execute(text("INSERT INTO post (id) VALUES (:i)"), {"i": i})
        return engine

    @pytest.mark.compare_sql
    def test_totals(kata, posts, engine, queries):
        with queries.budget(2, "totals(engine) for 5 posts"):
            assert kata.totals(engine) == [0] * 5
"""


N_PLUS_ONE_FIXED = '''
"""Kata 1.1 — demo without the N+1."""
from sqlalchemy import text


def totals(engine):
    with engine.connect() as connection:
        ids = connection.execute(text("SELECT id FROM post ORDER BY id")).scalars().all()
        counts = dict(connection.execute(text("SELECT post_id, count(*) FROM comment GROUP BY post_id")).all())
        return [counts.get(i, 0) for i in ids]
'''


def test_budget_names_the_repeated_statement_and_compares_with_the_reference(demo, pytester):
    (pytester.path / "solutions/p1_demo/k01_demo.py").write_text(N_PLUS_ONE_FIXED)
    result, report = demo(N_PLUS_ONE_CHECKS, kata=N_PLUS_ONE_KATA)
    result.assert_outcomes(failed=1)
    check = report["checks"][0]
    assert (
        "totals(engine) for 5 posts sent 6 SQL statements; it can be done in 2." in check["message"]
    )
    assert (
        "SELECT count(*) FROM comment WHERE post_id = " in check["message"]
        and "— ×5" in check["message"]
    )
    assert "ran 5 times" in check["message"] and "N+1" in check["message"]
    assert "selectinload() or joinedload()" in check["message"]
    assert len(check["statements"]) == 6
    assert check["reference_statements"] == 2, (
        "the reference ran the same check on a fresh database"
    )


def test_rows_ladder_reports_count_columns_values_and_order(demo):
    checks = """
        import pytest
        from checker.plugin.compare import assert_rows_match

        def test_count():
            assert_rows_match([(1, "a")], [(1, "a"), (2, "b")], ordered=False, what="q()")

        def test_values():
            assert_rows_match([(1, "a"), (2, "x")], [(1, "a"), (2, "b")], ordered=False, what="q()")

        def test_order():
            assert_rows_match([(2, "b"), (1, "a")], [(1, "a"), (2, "b")], ordered=True, what="q()")

        def test_unordered_passes():
            assert_rows_match([(2, "b"), (1, "a")], [(1, "a"), (2, "b")], ordered=False, what="q()")
    """
    result, report = demo(checks)
    result.assert_outcomes(failed=3, passed=1)
    checks_ = checks_by_name(report)
    count = checks_["test_count"]["comparison"]
    assert count["stage"] == "row count" and count["missing"] == [[2, "b"]]
    assert checks_["test_count"]["message"].startswith("q() returned 1 rows; expected 2.")
    values = checks_["test_values"]["comparison"]
    assert (
        values["stage"] == "values"
        and values["unexpected"] == [[2, "x"]]
        and values["missing"] == [[2, "b"]]
    )
    assert checks_["test_order"]["comparison"]["stage"] == "order"
    assert "ORDER BY" in checks_["test_order"]["message"]
