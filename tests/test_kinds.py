"""Kata kinds: a package kata (a folder of files) works with every command, on a small workbook
of the tests' own; a module kata beside it has a Postgres-only check, to show the pass rule."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from checker.cli.databases import DatabaseTarget
from checker.workbook.catalog import load_catalog
from checker.workbook.kinds import files_of
from tests.conftest import postgres_url
from tests.factory import KataSpec, write_workbook
from tests.schema import validate_output

MODULE_SOLUTION = '''
    """Kata 1.1 — Answer.

    Build: 1. `answer()` returns 42.
    """


    def answer():
        # BEGIN SOLUTION return the answer
        return 42
        # END SOLUTION
'''

MODULE_CHECKS = """
    import pytest


    def test_answer(kata):
        \"\"\"answer() is 42.\"\"\"
        assert kata.answer() == 42, f"answer() returned {kata.answer()!r}; expected 42."


    @pytest.mark.postgres_only
    def test_on_postgres(kata, db):
        \"\"\"The answer holds on Postgres too.\"\"\"
        assert db.dialect == "postgresql" and kata.answer() == 42, "answer() on Postgres."
"""

PACKAGE_FILES = {
    "__init__.py": '''
        """Kata 1.2 — A small app as a package.

        Build: 1. `add_post` in logic.py inserts a post. 2. `count_posts` counts them.
        """

        from .db import Base, Post
        from .logic import add_post, count_posts

        __all__ = ["Base", "Post", "add_post", "count_posts"]
    ''',
    "db.py": '''
        """The models: given, nothing to write here."""

        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class Post(Base):
            __tablename__ = "post"
            id: Mapped[int] = mapped_column(primary_key=True)
            title: Mapped[str]
    ''',
    "logic.py": '''
        """What the app does with posts."""

        from sqlalchemy import func, select
        from sqlalchemy.orm import Session

        from .db import Post


        def add_post(session: Session, title: str) -> Post:
            # BEGIN SOLUTION add a Post and flush it, so it has an id
            post = Post(title=title)
            session.add(post)
            session.flush()
            return post
            # END SOLUTION


        def count_posts(session: Session) -> int:
            # BEGIN SOLUTION count the posts with one SELECT count(*)
            return session.scalar(select(func.count()).select_from(Post))
            # END SOLUTION
    ''',
}

PACKAGE_CHECKS = """
    import pytest


    @pytest.fixture
    def tables(kata, engine):
        kata.Base.metadata.create_all(engine)


    def test_add_post(kata, tables, session):
        \"\"\"add_post inserts a post with an id.\"\"\"
        post = kata.add_post(session, "hello")
        assert post.id is not None, "add_post returned a post without an id; flush it."


    def test_count_posts(kata, tables, session):
        \"\"\"count_posts counts every post.\"\"\"
        kata.add_post(session, "a")
        kata.add_post(session, "b")
        got = kata.count_posts(session)
        assert got == 2, f"count_posts(session) returned {got!r}; expected 2."
"""

PACKAGE_MUTANTS = """
    [[kata.mutants]]
    name = "no flush: the post has no id yet"
    file = "logic.py"
    find = "    session.flush()\\n"
    replace = ""

    [[kata.mutants]]
    name = "counts from 1"
    file = "logic.py"
    find = "return session.scalar(select(func.count()).select_from(Post))"
    replace = "return 1 + session.scalar(select(func.count()).select_from(Post))"
"""

MODULE_MUTANTS = """
    [[kata.mutants]]
    name = "off by one"
    find = "return 42"
    replace = "return 41"

    [[kata.mutants]]
    name = "a string"
    find = "return 42"
    replace = "return '42'"
"""


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workbook of one module kata (1.1) and one package kata (1.2), stubs generated."""
    from checker.cli.main import main

    module = KataSpec(1, "answer", {"k01_answer.py": MODULE_SOLUTION}, MODULE_CHECKS)
    module.extra = MODULE_MUTANTS
    package = KataSpec(
        2, "app", PACKAGE_FILES, PACKAGE_CHECKS, kind="package", extra=PACKAGE_MUTANTS
    )
    root = write_workbook(tmp_path / "small", [module, package])
    monkeypatch.setenv("CHECKER_ROOT", str(root))
    monkeypatch.chdir(root)
    assert main(["stubs"]) == 0
    shutil.rmtree(root / ".checker", ignore_errors=True)  # the stubs' backups of the solutions
    return root


def solve(root: Path, kata_id: str) -> None:
    files = files_of(load_catalog(root).kata(kata_id))
    files.write(root / "katas", files.read(root / "solutions"))


def test_a_package_kata_is_found_listed_and_shown(small, cli):
    listed = json.loads(cli("list", "--json").out)
    validate_output(listed, "list")
    row = listed["katas"][1]
    assert (row["kind"], row["file"]) == ("package", "katas/p1_demo/k02_app/")
    shown = cli("show", "1.2")
    assert "A small app as a package" in shown.out and "k02_app/" in shown.out
    assert (small / "katas/p1_demo/k02_app/db.py").read_text() == (
        small / "solutions/p1_demo/k02_app/db.py"
    ).read_text(), "a file without markers is handed to the learner as it is"
    assert "NotImplementedError" in (small / "katas/p1_demo/k02_app/logic.py").read_text()


def test_stubs_and_static_verify_know_every_file(small, cli):
    assert cli("stubs", "--check").code == 0
    assert cli("verify", "--static").code == 0
    (small / "katas/p1_demo/k02_app/logic.py").write_text("# edited\n")
    stale = cli("stubs", "--check")
    assert stale.code == 1 and "katas/p1_demo/k02_app/logic.py" in stale.out, stale


def test_verify_grades_the_package_and_its_mutants_by_file(small, cli):
    args = ["--db", "postgres", "--db-url", postgres_url()] if postgres_url() else []
    result = cli("verify", "--json", *args)
    data = json.loads(result.out)
    validate_output(data, "verify")
    assert result.code == 0, data
    package = data["katas"][1]
    assert package["mutants_caught"] == package["mutants_total"] == 2
    assert package["stub_failing"] == package["checks"] == 2


def test_grading_the_package_from_stub_to_pass(small, cli):
    stub = cli("kata", "1.2")
    assert stub.code == 1 and "`add_post()` is not written yet" in stub.out, stub
    assert "katas/p1_demo/k02_app/logic.py:" in stub.out, "the TODO's file and line"
    solve(small, "1.2")
    passed = cli("kata", "1.2", "--json")
    data = json.loads(passed.out)
    validate_output(data, "run")
    assert passed.code == 0 and data["katas"][0]["status"] == "passed", data
    # an edit to any of its files after passing shows as "edited"
    logic = small / "katas/p1_demo/k02_app/logic.py"
    logic.write_text(logic.read_text() + "\n# another thought\n")
    row = json.loads(cli("list", "--json").out)["katas"][1]
    assert row["status"] == "edited"


def test_sql_from_the_package_is_the_learners(small, cli):
    solve(small, "1.2")
    (small / "katas/p1_demo/k02_app/logic.py").write_text(
        (small / "katas/p1_demo/k02_app/logic.py")
        .read_text()
        .replace("return session.scalar", "return 7 + session.scalar")
    )
    data = json.loads(cli("kata", "1.2", "--json").out)
    failing = next(c for c in data["katas"][0]["checks"] if c["outcome"] == "failed")
    origins = {(s["origin"], s["sql"].split()[0]) for s in failing["statements"]}
    assert ("learner", "INSERT") in origins and ("learner", "SELECT") in origins
    assert ("fixture", "CREATE") in origins, (
        "create_all in the check's fixture is not the learner's"
    )
    text = cli("kata", "1.2").out
    assert "SQL your code sent:" in text and "CREATE TABLE" not in text


def test_reset_backs_up_every_changed_file_and_restore_puts_them_back(small, cli):
    solve(small, "1.2")
    mine = (small / "katas/p1_demo/k02_app/logic.py").read_text()
    assert cli("reset", "1.2", "--yes").code == 0
    assert "NotImplementedError" in (small / "katas/p1_demo/k02_app/logic.py").read_text()
    backups = json.loads(cli("backups", "--json").out)
    validate_output(backups, "backups")
    assert backups["backups"][0]["files"] == ["katas/p1_demo/k02_app/logic.py"]
    assert cli("restore", "1.2", "--yes").code == 0
    assert (small / "katas/p1_demo/k02_app/logic.py").read_text() == mine


def test_solution_shows_every_file_once_passed(small, cli):
    solve(small, "1.2")
    assert cli("kata", "1.2").code == 0
    shown = cli("solution", "1.2")
    for name in PACKAGE_FILES:
        assert f"solutions/p1_demo/k02_app/{name}" in shown.out


def test_watch_and_the_editor_follow_the_packages_files(small):
    from checker.cli.commands.watch import CHANGE, WatchSession
    from checker.cli.runner.launch import subprocess_launch

    catalog = load_catalog(small)
    kata = catalog.kata("1.2")
    path, line = files_of(kata).first_todo(small / "katas")
    assert path.name == "logic.py" and "TODO" in path.read_text().splitlines()[line - 1]
    session = WatchSession(catalog, kata, DatabaseTarget("sqlite"), None, subprocess_launch)
    session.events.put(
        (CHANGE, (time.perf_counter(), [str(small / "katas/p1_demo/k01_answer.py")]))
    )
    assert session.drain() == (None, []), "a save of another kata's file is not this kata's"
    session.events.put(
        (CHANGE, (time.perf_counter(), [str(small / "katas/p1_demo/k02_app/db.py")]))
    )
    assert session.drain()[0] is not None


def test_postgres_only_checks_say_needs_postgres_on_sqlite(small, cli):
    if postgres_url():
        pytest.skip("this run grades on Postgres, where the check runs")
    solve(small, "1.1")
    result = cli("kata", "1.1")
    assert result.code == 0, result
    assert "NEEDS POSTGRES The answer holds on Postgres too." in result.out
    assert "passed on SQLite — 1 check needs Postgres" in result.out
    listed = cli("list")
    assert "passed on SQLite — 1 check needs Postgres" in listed.out
    status = cli("status")
    assert "Kata 1.1: passed on SQLite — 1 check needs Postgres" in status.out


def test_verify_on_sqlite_says_a_postgres_only_kata_was_not_run_never_a_problem(
    small, cli, monkeypatch
):
    if postgres_url():
        pytest.skip("this run grades on Postgres, where the kata runs")
    catalog = small / "phases/p1_demo/phase.toml"
    catalog.write_text(catalog.read_text().replace('id = "1.1"', 'id = "1.1"\ndb = "postgres"', 1))
    result = cli("verify", "--json")
    data = json.loads(result.out)
    validate_output(data, "verify")
    assert result.code == 0, data
    first = data["katas"][0]
    assert (first["ok"], first["needs"], first["checks"]) == (True, "postgres", 0), first
    assert "not run here (need Postgres): 1" in data["summary"], data["summary"]
    assert "NOT RUN (needs postgres)" in cli("verify").out


SLOW_KATA = '''
    """Kata 1.1 — Slow."""

    import time


    def wait():
        time.sleep(30)
'''


def test_a_katas_catalog_timeout_holds_and_the_command_line_overrides_it(
    tmp_path, monkeypatch, cli
):
    slow = KataSpec(
        1,
        "slow",
        {"k01_slow.py": SLOW_KATA},
        "def test_wait(kata):\n    kata.wait()\n",
        extra="timeout = 0.5\n",
    )
    root = write_workbook(tmp_path / "slow", [slow])
    monkeypatch.setenv("CHECKER_ROOT", str(root))
    monkeypatch.chdir(root)
    own = json.loads(cli("kata", "1.1", "--json").out)["katas"][0]
    assert own["status"] == "timeout" and "(0.5 s)" in own["problem"], own
    overridden = json.loads(cli("kata", "1.1", "--json", "--timeout", "1").out)["katas"][0]
    assert overridden["status"] == "timeout" and "(1 s)" in overridden["problem"], overridden
    assert overridden["checks"][0]["timings"]["call"] > 0.9


def test_status_phase_next_and_hint_with_a_package_kata(small, cli, monkeypatch, tmp_path):
    solve(small, "1.1")
    phase = cli("phase", "1")
    assert phase.code == 1 and "1.2" in phase.out and "katas/p1_demo/k02_app/" in phase.out, phase
    status = cli("status", "--json")
    validate_output(json.loads(status.out), "status")
    assert json.loads(status.out)["next_kata"] == "1.2"
    log = tmp_path / "opened"
    editor = tmp_path / "editor"
    editor.write_text(f'#!/bin/sh\necho "$@" > {log}\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    following = cli("next", "--edit")
    assert following.code == 1 and "A small app as a package" in following.out, following
    assert "k02_app/logic.py" in log.read_text(), "the editor opens the file with the first TODO"
    hint = cli("hint", "1.2")
    assert hint.code == 0 and "Hint 1/2" in hint.out
