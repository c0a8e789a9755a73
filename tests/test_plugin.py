"""The pytest plugin, exercised with pytester on a tiny workbook of its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.plugin.pg_roles import run_prefix
from tests.conftest import postgres_url
from tests.factory import module_kata, write_workbook
from tests.schema import validate_record

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


def read_stream(path: Path) -> dict | None:
    """The records a run streamed, sorted the way the tests read them."""
    if not path.exists():
        return None
    records = [json.loads(line) for line in path.read_text().splitlines()]
    for record in records:
        validate_record(record)  # every record the child streams matches the shipped schema
    by_type: dict[str, list] = {}
    for record in records:
        by_type.setdefault(record["type"], []).append(record)
    return {
        "records": records,
        "checks": by_type.get("check", []),
        "katas": {r["kata_id"]: r for r in by_type.get("kata", [])},
        "collected": [c for r in by_type.get("collected", []) for c in r["checks"]],
        "collection_errors": by_type.get("collection_error", []),
        "environment_error": (by_type.get("environment_error") or [None])[0],
    }


def checks_by_name(report):
    return {c["name"]: c for c in report["checks"]}


@pytest.fixture
def demo(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    """A workbook with one phase and one kata: phases/p1_demo/test_k01_demo.py and friends."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # as the runner does

    def run(checks: str, *args: str, kata: str | None = None, solution: str = KATA):
        spec = module_kata(solution, checks)
        spec.stubs = {"k01_demo.py": kata if kata is not None else KATA}
        write_workbook(pytester.path, [spec])
        stream = pytester.path / "stream.jsonl"
        stream.unlink(missing_ok=True)
        options = ["-p", "checker.plugin.hooks", "--checker-stream", str(stream), *args]
        if (url := postgres_url()) and "--checker-db" not in args:
            options += ["--checker-db", "postgres", "--checker-db-url", url]
        result = pytester.runpytest_subprocess(*options, "phases/p1_demo/test_k01_demo.py")
        return result, read_stream(stream)

    return run


def test_kata_fixture_grades_the_learners_file_and_reports(demo):
    result, report = demo('''
        def test_answer(kata):
            """answer() is 42."""
            assert kata.answer() == 42
    ''')
    result.assert_outcomes(passed=1)
    check = report["checks"][0]
    assert check["kata_id"] == "1.1" and check["outcome"] == "passed"
    assert check["description"] == "answer() is 42."
    assert report["katas"]["1.1"]["file"] == "katas/p1_demo/k01_demo.py"


def test_kata_root_and_kata_file_choose_what_is_graded(demo, pytester):
    solution = KATA.replace("42", "43")
    checks = """
        def test_answer(kata, reference):
            assert kata.answer() == reference.answer() == 43
    """
    demo(checks, solution=solution)[0].assert_outcomes(failed=1)
    demo(checks, "--kata-root", "solutions", solution=solution)[0].assert_outcomes(passed=1)
    tree = f"1.1={pytester.path / 'solutions'}"
    demo(checks, "--kata-tree", tree, solution=solution)[0].assert_outcomes(passed=1)


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
    assert check["outcome"] == "learner_error" and check["kind"] == "todo"
    assert check["message"] == "`todo()` is not written yet (TODO: write it)."
    assert check["where"] == "katas/p1_demo/k01_demo.py:11"


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
    assert report["checks"][0]["outcome"] == "learner_error"
    assert report["checks"][0]["kind"] == "load_error"


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
                    "CREATE TABLE child (id INTEGER PRIMARY KEY, "
                    "parent_id INTEGER REFERENCES parent (id))"
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
    by_origin = [(s["origin"], s["type"], s["sql"]) for s in check["statements"]]
    assert ("fixture", "sql", "CREATE TABLE t (id INTEGER PRIMARY KEY)") in by_origin
    assert ("fixture", "transaction", "COMMIT") in by_origin
    in_check = [sql for origin, kind, sql in by_origin if origin == "check" and kind == "sql"]
    assert in_check == ["SELECT count(*) FROM t"] * 3, "the check's own statements, tagged"


def test_queries_parameters_are_the_values_the_driver_received(demo):
    checks = """
        from sqlalchemy import Column, Integer, MetaData, String, Table, insert, text

        HOSTILE = ["O'Brien", "back\\\\slash", "100%", "'; --"]
        u = Table("u", MetaData(), Column("id", Integer, primary_key=True), Column("name", String))

        def test_values(engine, queries):
            with engine.begin() as connection:
                connection.execute(text("CREATE TABLE t (name VARCHAR(20))"))
                u.create(connection)
                connection.execute(
                    text("INSERT INTO t (name) VALUES (:name)"), [{"name": v} for v in HOSTILE]
                )
                # several rows in one INSERT ... RETURNING ("insertmanyvalues"), on both drivers
                connection.execute(insert(u).returning(u.c.id), [{"name": v} for v in HOSTILE])
                connection.execute(text("SELECT name FROM t WHERE name = 'inline'"))
            inserted = [v for values in queries.parameters(r"^INSERT INTO t") for v in values]
            assert inserted == HOSTILE, inserted
            batched = [v for values in queries.parameters(r"^INSERT INTO u") for v in values]
            assert batched == HOSTILE, batched
            assert queries.parameters(r"^SELECT") == [()], queries.parameters(r"^SELECT")
            assert len(queries.parameters()) == len(queries.statements)
    """
    result, _ = demo(checks)
    result.assert_outcomes(passed=1)


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
    assert report["checks"][0]["outcome"] == "timed_out"


def test_collection_errors_are_reported(demo):
    result, report = demo("def test_broken(:\n    pass\n")
    assert report["collection_errors"]
    assert "test_k01_demo.py" in report["collection_errors"][0]["id"]
    assert not report["collected"]


def test_unreachable_postgres_is_an_environment_error(demo):
    result, report = demo(
        "def test_x(engine):\n    pass\n",
        "--checker-db",
        "postgres",
        "--checker-db-url",
        "postgresql+psycopg2://nobody@127.0.0.1:1/none",
    )
    assert result.ret == 3
    problem = report["environment_error"]
    assert problem["problem"] == "database_unreachable" and "127.0.0.1:1/none" in problem["url"]
    assert problem["reason"]


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
    result, report = demo(checks)
    result.assert_outcomes(passed=1)
    # This run's objects only: other runs on the server (a learner's, CI's) hold their own.
    pid = next(r["pid"] for r in report["records"] if r["type"] == "start")
    admin = create_engine(postgres_url())
    with admin.connect() as connection:
        left = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM pg_namespace WHERE starts_with(nspname, :prefix))"
                " + (SELECT count(*) FROM pg_roles WHERE starts_with(rolname, :prefix))"
            ),
            {"prefix": f"{run_prefix(pid)}_"},
        ).scalar_one()
    admin.dispose()
    assert left == 0, "every check's schema and role are dropped after it"


N_PLUS_ONE_KATA = '''
"""Kata 1.1 — demo with an N+1."""
from sqlalchemy import text


def totals(engine):
    with engine.connect() as connection:
        ids = connection.execute(text("SELECT id FROM post ORDER BY id")).scalars().all()
        return [
            connection.execute(
                text("SELECT count(*) FROM comment WHERE post_id = :p"), {"p": i}
            ).scalar_one()
            for i in ids
        ]
'''

N_PLUS_ONE_CHECKS = """
    import pytest
    from sqlalchemy import text

    @pytest.fixture
    def posts(engine):
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE post (id INTEGER PRIMARY KEY)"))
            connection.execute(
                text("CREATE TABLE comment (id INTEGER PRIMARY KEY, post_id INTEGER)")
            )
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
        counts = dict(
            connection.execute(
                text("SELECT post_id, count(*) FROM comment GROUP BY post_id")
            ).all()
        )
        return [counts.get(i, 0) for i in ids]
'''


def test_budget_names_the_repeated_statement_and_compares_with_the_reference(demo):
    result, report = demo(N_PLUS_ONE_CHECKS, kata=N_PLUS_ONE_KATA, solution=N_PLUS_ONE_FIXED)
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
    learner_sql = [
        s for s in check["statements"] if s["origin"] == "learner" and s["type"] == "sql"
    ]
    assert len(learner_sql) == 6
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


def test_an_error_before_the_learners_code_ran_is_the_workbooks_and_says_so(demo):
    result, report = demo("""
        import pytest

        @pytest.fixture
        def broken():
            raise ValueError("the fixture's own bug")

        def test_fixture(broken, kata):
            assert kata.answer() == 42, "answer() should be 42."

        def test_check_itself(kata):
            settings = {}
            limit = settings["limit"]  # the check's own bug, before it calls the kata
            assert kata.answer() == limit, "answer() should be the limit."
    """)
    result.assert_outcomes(errors=1, failed=1)
    checks = checks_by_name(report)
    fixture, itself = checks["test_fixture"], checks["test_check_itself"]
    assert (fixture["outcome"], fixture["kind"]) == ("check_error", "fixture")
    assert (itself["outcome"], itself["kind"]) == ("check_error", "check")
    for check in (fixture, itself):
        assert "before your code was called" in check["message"]
        assert "please report it" in check["message"]
        assert "Your code raised" not in check["message"]
        assert check["where"].startswith("phases/p1_demo/test_k01_demo.py:")


def test_an_error_in_the_learners_code_is_the_learners(demo):
    result, report = demo(
        """
        from sqlalchemy.orm import configure_mappers

        def test_raises(kata):
            assert kata.answer() == 42, "answer() should be 42."

        def test_misuse(kata):
            configure_mappers()
            kata.Broken  # the learner's model: mapping it fails inside SQLAlchemy
            kata.Broken.__table__.c.missing
    """,
        kata="""
        def answer():
            return {}["x"]

        class Broken:
            pass
    """,
    )
    result.assert_outcomes(failed=2)
    checks = checks_by_name(report)
    raised = checks["test_raises"]
    assert (raised["outcome"], raised["kind"]) == ("learner_error", "exception")
    assert raised["message"] == "Your code raised KeyError: 'x'"
    assert raised["where"] == "katas/p1_demo/k01_demo.py:2"
    misuse = checks["test_misuse"]
    assert misuse["outcome"] == "learner_error"
    assert misuse["message"].startswith("AttributeError while the check used your code")


def test_a_catalog_timeout_and_the_command_line_override(demo):
    hang = """
        import time

        def test_slow():
            time.sleep(30)
    """
    result, report = demo(hang, "-p", "pytest_timeout", "--kata-timeout", "1.1=0.3")
    result.assert_outcomes(failed=1)
    assert report["checks"][0]["outcome"] == "timed_out"
    assert "0.3" in report["checks"][0]["message"]
