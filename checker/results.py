"""What a run of checks found: the data every command returns and every renderer shows.

The pytest plugin writes a JSON report (schema below, version 1); the runner reads it into
these frozen dataclasses. `to_json()` gives the shape `--json` prints and a contract test pins.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

REPORT_VERSION = 1

# Outcomes of one check, and what kind of failure it was.
PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"
KIND_ASSERTION = "assertion"  # a check's expectation was not met
KIND_TODO = "todo"  # the learner's code raised NotImplementedError: not written yet
KIND_EXCEPTION = "exception"  # the learner's code raised something else
KIND_TIMEOUT = "timeout"  # stopped after the per-check time limit
KIND_LOAD = "load-error"  # the kata's file could not be imported

# Status of a whole kata.
KATA_PASSED, KATA_FAILED, KATA_BROKEN, KATA_TIMEOUT, KATA_NOT_RUN = (
    "passed",
    "failing",
    "broken",  # does not import: a syntax error or an exception at import time
    "timeout",
    "not run",
)


def group_repeats(statements: Any) -> list[tuple[str, int, str]]:
    """(sql, times, first parameters) for each run of consecutive identical statements, so an
    N+1 loop reads as one statement ×N. Takes anything with `.sql` and `.params`."""
    groups: list[tuple[str, int, str]] = []
    for statement in statements:
        if groups and groups[-1][0] == statement.sql:
            sql, times, params = groups[-1]
            groups[-1] = (sql, times + 1, params)
        else:
            groups.append((statement.sql, 1, statement.params))
    return groups


@dataclass(frozen=True)
class StatementRecord:
    sql: str
    params: str
    many: bool = False


@dataclass(frozen=True)
class CheckResult:
    name: str
    description: str
    outcome: str
    kind: str | None = None
    message: str = ""
    where: str | None = None
    duration: float = 0.0
    statements: tuple[StatementRecord, ...] = ()
    statements_dropped: int = 0
    reference_statements: int | None = None  # for checks marked compare_sql, when they fail
    comparison: dict[str, Any] | None = None  # a result ladder's details (checker.plugin.compare)

    @property
    def ok(self) -> bool:
        return self.outcome in (PASSED, SKIPPED)


@dataclass(frozen=True)
class KataResult:
    kata_id: str
    title: str
    file: str
    status: str
    checks: tuple[CheckResult, ...] = ()
    problem: str | None = None  # one paragraph for a broken or hung kata

    @property
    def passed_count(self) -> int:
        return sum(1 for c in self.checks if c.outcome == PASSED)

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if not c.ok)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed_checks"] = self.passed_count
        data["total_checks"] = len(self.checks)
        return data


@dataclass(frozen=True)
class RunResult:
    database: str
    katas: tuple[KataResult, ...] = field(default_factory=tuple)

    @property
    def all_passed(self) -> bool:
        return all(k.status == KATA_PASSED for k in self.katas)

    def to_json(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "all_passed": self.all_passed,
            "katas": [k.to_json() for k in self.katas],
        }
