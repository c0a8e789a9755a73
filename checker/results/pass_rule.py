"""The one pass rule: a kata passes when every check that applies to the database in use ran and
passed. A Postgres-only check on SQLite is "needs Postgres" (never a pass, never a failure); any
other skip, fewer results than collected checks, or no checks at all is not a pass, and the kata's
`problem` says why.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.results import (
    CHECK_ERROR,
    FAILED,
    KATA_BROKEN,
    KATA_FAILED,
    KATA_INCOMPLETE,
    KATA_PASSED,
    KATA_TAMPERED,
    KATA_TIMEOUT,
    KATA_WORKBOOK_ERROR,
    LEARNER_ERROR,
    NEEDS_POSTGRES,
    SKIPPED,
    TIMED_OUT,
    CheckResult,
    KataResult,
)

REPORT_IT = "This is a bug in the workbook, not in your code: please report it (with this message)."


@dataclass(frozen=True)
class KataEvidence:
    """Everything a run said about one kata."""

    kata_id: str
    title: str
    file: str
    collected: Sequence[str]  # ids of the checks pytest collected for it
    checks: Sequence[CheckResult]  # the results that came back
    load_error: str | None = None
    collection_error: str | None = None
    crashed: int | None = None  # the exit code, when the process died while grading this kata
    killed: bool = False  # the watchdog stopped the process while grading this kata
    timeout: float = 0.0
    died_importing: bool = False  # the process ended while the learner's module was imported
    tampering: Sequence[str] = ()  # the grader's code changed under this kata, or its files
    expected: Sequence[str] = ()  # the check functions the pristine check file defines


def expected_checks(check_file: Path) -> tuple[str, ...]:
    """The names of the check functions a check file defines (`test_*`, at its top level or in a
    `Test*` class), read from the file itself: a run that reports fewer did not run them all,
    whatever the child claims it collected."""
    try:
        tree = ast.parse(check_file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return ()
    scopes = [tree.body] + [
        node.body
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test")
    ]
    return tuple(
        node.name
        for body in scopes
        for node in body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    )


def _function_name(check_id: str) -> str:
    """`phases/p1/test_k01_x.py::test_y[sqlite]` -> `test_y`."""
    return check_id.rsplit("::", 1)[-1].split("[", 1)[0]


def _count(checks: Sequence[CheckResult], *outcomes: str) -> int:
    return sum(1 for c in checks if c.outcome in outcomes)


def _status_and_problem(evidence: KataEvidence) -> tuple[str, str | None]:
    checks = evidence.checks
    kata = evidence.kata_id
    if evidence.tampering:
        return KATA_TAMPERED, (
            f"Kata {kata} cannot pass in this run: the grader was changed — "
            + "; ".join(evidence.tampering)
            + ". Checks only count when pytest and the checker run as shipped: remove the code "
            "or edits that change them. (Your instructor regrades in a clean copy anyway.)"
        )
    if evidence.collection_error:
        return KATA_WORKBOOK_ERROR, (
            f"The checks of kata {kata} could not be collected. {REPORT_IT}\n"
            f"{evidence.collection_error}"
        )
    if evidence.load_error:
        return KATA_BROKEN, evidence.load_error
    if evidence.crashed is not None and evidence.died_importing:
        return KATA_BROKEN, (
            f"Your module for kata {kata} ended the process while it was being imported (exit "
            f"code {evidence.crashed}): look for os._exit(), sys.exit() or code that crashes the "
            "interpreter at its top level. The other katas were graded in a fresh process."
        )
    if evidence.crashed is not None:
        return KATA_BROKEN, (
            f"While a check of kata {kata} ran, the process running it ended abruptly (exit code "
            f"{evidence.crashed}). Look for code that exits the interpreter (sys.exit, os._exit) "
            "or crashes it."
        )
    if evidence.killed or _count(checks, TIMED_OUT):
        return KATA_TIMEOUT, (
            f"A check of kata {kata} did not finish within its time limit "
            f"({evidence.timeout:g} s) and was stopped. Look for a loop that never ends or a query "
            "waiting on a lock in your code."
        )
    if _count(checks, FAILED, LEARNER_ERROR):
        return KATA_FAILED, None
    if errors := _count(checks, CHECK_ERROR):
        return KATA_WORKBOOK_ERROR, (
            f"{errors} check(s) of kata {kata} failed before your code was called. {REPORT_IT}"
        )
    return _completeness(evidence)


def _completeness(evidence: KataEvidence) -> tuple[str, str | None]:
    """All that came back passed (or needs Postgres): is it everything that should have run?"""
    checks = evidence.checks
    if not evidence.collected:
        return KATA_INCOMPLETE, f"Kata {evidence.kata_id} has no checks, so it cannot pass."
    if skipped := [c for c in checks if c.outcome == SKIPPED]:
        reasons = sorted({c.message or "no reason given" for c in skipped})
        return KATA_INCOMPLETE, (
            f"{len(skipped)} check(s) were skipped ({'; '.join(reasons)}); a pass needs every "
            "check to run."
        )
    reported = {c.id for c in checks}
    ran = {_function_name(c.id) for c in checks}
    if unreported := [name for name in evidence.expected if name not in ran]:
        return KATA_INCOMPLETE, (
            f"{len(unreported)} check(s) of the check file reported no result (the first: "
            f"{unreported[0]}); a pass needs every check to run and pass."
        )
    if missing := [check for check in evidence.collected if check not in reported]:
        return KATA_INCOMPLETE, (
            f"{len(missing)} of {len(evidence.collected)} checks reported no result (the first: "
            f"{missing[0]}); a pass needs every check to run and pass."
        )
    if _count(checks, NEEDS_POSTGRES) == len(checks):
        return (
            KATA_INCOMPLETE,
            "Every check of this kata needs Postgres: run it with --db postgres.",
        )
    return KATA_PASSED, None


def judge(evidence: KataEvidence) -> KataResult:
    status, problem = _status_and_problem(evidence)
    return KataResult(
        kata_id=evidence.kata_id,
        title=evidence.title,
        file=evidence.file,
        status=status,
        checks=tuple(evidence.checks),
        problem=problem,
        needs_postgres=_count(evidence.checks, NEEDS_POSTGRES),
    )
