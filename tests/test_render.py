"""The one renderer: every outcome shown in words (plain output, as when piped), only the
learner's SQL under "SQL your code sent", and the same words in text and JSON."""

from __future__ import annotations

from pathlib import Path

from checker.cli import render
from checker.results import (
    CHECK_ERROR,
    FAILED,
    LEARNER_ERROR,
    NEEDS_POSTGRES,
    PASSED,
    SKIPPED,
    TIMED_OUT,
    CheckResult,
    KataResult,
    RunResult,
    Statement,
)
from checker.workbook.legacy import ASYNC, REMOVED
from tests.schema import validate_output

SENT = (
    Statement("CREATE TABLE post (id INTEGER)", "", False, "fixture"),
    Statement("BEGIN", "", False, "learner", "transaction"),
    Statement("SELECT * FROM post WHERE id = ?", "(1,)", False, "learner"),
    Statement("SELECT * FROM post WHERE id = ?", "(2,)", False, "learner"),
    Statement("SELECT count(*) FROM post", "", False, "check"),
)


def result(*checks: CheckResult, status: str = "failing", needs_postgres: int = 0) -> KataResult:
    return KataResult(
        "1.1", "Demo", "katas/p1_demo/k01_demo.py", status, checks, None, needs_postgres
    )


def make(name: str, outcome: str, message: str = "", **extra) -> CheckResult:
    return CheckResult(
        f"t.py::{name}", "1.1", name, f"{name} does its job.", outcome, message=message, **extra
    )


def test_each_outcome_has_its_own_words(capsys):
    render.render_kata_result(
        result(
            make("ok", PASSED),
            make("wrong", FAILED, "f() returned 1; expected 2.", kind="assertion"),
            make("raised", LEARNER_ERROR, "Your code raised KeyError: 'x'", kind="exception"),
            make("broken_fixture", CHECK_ERROR, "ValueError in the setup", kind="fixture"),
            make("skipped", SKIPPED, "flaky"),
            make("pg", NEEDS_POSTGRES, "needs PostgreSQL"),
            make("slow", TIMED_OUT, "Stopped after the time limit", kind="timeout"),
        ),
        Path("."),
    )
    out = capsys.readouterr().out
    for word, name in [
        ("PASS", "ok"),
        ("FAIL", "wrong"),
        ("FAIL", "raised"),
        ("WORKBOOK ERROR", "broken_fixture"),
        ("SKIPPED", "skipped"),
        ("NEEDS POSTGRES", "pg"),
        ("TIMEOUT", "slow"),
    ]:
        assert f"  {word} {name} does its job." in out, (word, name, out)
    assert "pg does its job.  (needs Postgres)" in out


def test_sql_your_code_sent_shows_only_the_learners_statements(capsys):
    failed = make(
        "wrong",
        FAILED,
        "f() returned 1; expected 2.",
        kind="assertion",
        statements=SENT,
        reference_statements=1,
    )
    render.render_kata_result(result(failed), Path("."))
    out = capsys.readouterr().out
    assert "SQL your code sent: 2 statements; the reference solution sent 1" in out
    assert "BEGIN" in out and "SELECT * FROM post WHERE id = ?  — ×2" in out
    assert "CREATE TABLE" not in out, "the fixture's statements are not the learner's"
    assert "SELECT count(*)" not in out, "nor are the check's own"


def test_a_pass_on_sqlite_with_postgres_checks_says_so_everywhere(capsys):
    passed = result(
        make("ok", PASSED), make("pg", NEEDS_POSTGRES), status="passed", needs_postgres=1
    )
    run = RunResult("SQLite", (passed,))
    render.render_kata_run(run, Path("."))
    out = capsys.readouterr().out
    assert "PASS (passed on SQLite — 1 check needs Postgres)" in out
    assert "Kata 1.1 passed on SQLite — 1 check needs Postgres. `checker next`" in out
    data = run.to_json()
    validate_output(data, "run")
    assert data["katas"][0]["headline"] == "passed on SQLite — 1 check needs Postgres"


def test_an_explanation_is_labelled_by_what_it_explains(capsys):
    removed = next(entry.advice for entry in REMOVED if "Engine.execute()" in entry.advice)
    render.render_kata_result(
        result(
            make("old", LEARNER_ERROR, "Your code raised AttributeError", advice=removed),
            make("lazy", LEARNER_ERROR, "Your code raised StatementError", advice=ASYNC[0].advice),
        ),
        Path("."),
    )
    out = " ".join(capsys.readouterr().out.split())  # the renderer wraps long lines
    assert "2.0: SQLAlchemy 2.0 removed Engine.execute()" in out, out
    assert "async: MissingGreenlet: reading an attribute needed the database" in out, out
