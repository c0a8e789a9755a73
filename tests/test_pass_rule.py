"""The one pass rule (checker.results.pass_rule): what makes a kata pass, and what never does."""

from __future__ import annotations

import pytest

from checker.results import (
    CHECK_ERROR,
    FAILED,
    LEARNER_ERROR,
    NEEDS_POSTGRES,
    PASSED,
    SKIPPED,
    TIMED_OUT,
    CheckResult,
)
from checker.results.pass_rule import KataEvidence, judge


def check(name: str, outcome: str = PASSED, message: str = "") -> CheckResult:
    return CheckResult(f"t.py::{name}", "1.1", name, "", outcome, message=message)


def evidence(*checks: CheckResult, collected: list[str] | None = None, **extra) -> KataEvidence:
    ids = [c.id for c in checks] if collected is None else collected
    return KataEvidence("1.1", "Demo", "katas/p1_demo/k01_demo.py", ids, list(checks), **extra)


def test_every_check_ran_and_passed_is_a_pass():
    result = judge(evidence(check("a"), check("b")))
    assert (result.status, result.headline, result.problem) == ("passed", "passed", None)


def test_postgres_only_checks_on_sqlite_pass_with_a_note_never_as_passes():
    result = judge(evidence(check("a"), check("b", NEEDS_POSTGRES), check("c", NEEDS_POSTGRES)))
    assert result.status == "passed" and result.needs_postgres == 2
    assert result.headline == "passed on SQLite — 2 checks need Postgres"
    assert result.passed_count == 1, "a check that needs Postgres is not counted as passed"


def test_a_kata_whose_every_check_needs_postgres_does_not_pass_on_sqlite():
    result = judge(evidence(check("a", NEEDS_POSTGRES)))
    assert result.status == "incomplete" and "--db postgres" in result.problem


@pytest.mark.parametrize("reason", ["flaky", "an earlier check of this kata failed"])
def test_any_other_skip_is_not_a_pass(reason):
    result = judge(evidence(check("a"), check("b", SKIPPED, reason)))
    assert result.status == "incomplete" and reason in result.problem


def test_fewer_results_than_collected_checks_is_not_a_pass():
    result = judge(evidence(check("a"), collected=["t.py::a", "t.py::b"]))
    assert result.status == "incomplete" and "1 of 2 checks reported no result" in result.problem


def test_zero_checks_is_not_a_pass():
    result = judge(evidence())
    assert result.status == "incomplete" and "no checks" in result.problem


@pytest.mark.parametrize("outcome", [FAILED, LEARNER_ERROR])
def test_a_failure_or_an_error_in_the_learners_code_fails_the_kata(outcome):
    assert judge(evidence(check("a"), check("b", outcome))).status == "failing"


def test_an_error_in_the_check_is_the_workbooks_fault_and_asks_for_a_report():
    result = judge(evidence(check("a"), check("b", CHECK_ERROR)))
    assert result.status == "workbook_error" and "please report it" in result.problem


def test_a_learner_failure_outranks_a_check_error():
    assert judge(evidence(check("a", FAILED), check("b", CHECK_ERROR))).status == "failing"


def test_a_timed_out_check_or_a_killed_child_is_a_timeout():
    assert judge(evidence(check("a", TIMED_OUT), timeout=5.0)).status == "timeout"
    killed = judge(evidence(check("a"), collected=["t.py::a", "t.py::b"], killed=True, timeout=9))
    assert killed.status == "timeout" and "(9 s)" in killed.problem


def test_a_crash_or_a_load_error_is_broken():
    assert judge(evidence(check("a"), crashed=9)).status == "broken"
    broken = judge(evidence(check("a", LEARNER_ERROR), load_error="k.py:1: SyntaxError"))
    assert broken.status == "broken" and broken.problem == "k.py:1: SyntaxError"


def test_a_collection_error_is_the_workbooks_fault():
    result = judge(evidence(collected=[], collection_error="SyntaxError in the checks"))
    assert result.status == "workbook_error" and "SyntaxError in the checks" in result.problem
