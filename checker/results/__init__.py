"""What a run of checks found: the data the child process streams, every command returns and one
renderer shows. The shapes are declared once, in `schema.json` beside this file (its
`schema_version` is `SCHEMA_VERSION`); `to_json()` gives what `--json` prints, and the tests
validate every `--json` output and every streamed record against that schema.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = 3

# The outcome of one check.
PASSED = "passed"
FAILED = "failed"  # the check's expectation was not met
LEARNER_ERROR = (
    "learner_error"  # the learner's code raised (or is not written yet, or won't import)
)
CHECK_ERROR = "check_error"  # the workbook's fault: a fixture, collection, or the check itself
SKIPPED = "skipped"  # did not run (never a pass); the reason says why
NEEDS_POSTGRES = "needs_postgres"  # a Postgres-only check on SQLite: not run, not a pass
TIMED_OUT = "timed_out"  # stopped after its time limit
OUTCOMES = (PASSED, FAILED, LEARNER_ERROR, CHECK_ERROR, SKIPPED, NEEDS_POSTGRES, TIMED_OUT)

# What kind of failure (refines the outcome).
KIND_ASSERTION = "assertion"  # FAILED: an expectation not met
KIND_TODO = "todo"  # LEARNER_ERROR: NotImplementedError, the part is not written yet
KIND_EXCEPTION = "exception"  # LEARNER_ERROR: any other exception from the learner's code
KIND_LOAD = "load_error"  # LEARNER_ERROR: the kata's files could not be imported
KIND_FIXTURE = "fixture"  # CHECK_ERROR: a fixture failed before the learner's code was called
KIND_CHECK = "check"  # CHECK_ERROR: the check raised before calling the learner's code
KIND_TIMEOUT = "timeout"  # TIMED_OUT
KIND_LEFT_RUNNING = "left_running"  # LEARNER_ERROR: a thread or process outlived its check

# Where a statement came from.
ORIGIN_LEARNER, ORIGIN_FIXTURE, ORIGIN_CHECK = "learner", "fixture", "check"
SQL, TRANSACTION = "sql", "transaction"  # a statement, or BEGIN/COMMIT/ROLLBACK/SAVEPOINT

# The status of a whole kata (see `checker.results.pass_rule`).
KATA_PASSED = "passed"
KATA_FAILED = "failing"
KATA_BROKEN = "broken"  # does not import, or the process running it died
KATA_TIMEOUT = "timeout"
KATA_INCOMPLETE = "incomplete"  # skipped or missing checks, or none at all: not a pass
KATA_WORKBOOK_ERROR = "workbook_error"  # a check or fixture of the workbook failed: not your code
KATA_NOT_RUN = "not run"
KATA_TAMPERED = "tampered"  # the grader's code or files were changed: never a pass
KATA_STATUSES = (
    KATA_PASSED,
    KATA_FAILED,
    KATA_BROKEN,
    KATA_TIMEOUT,
    KATA_INCOMPLETE,
    KATA_WORKBOOK_ERROR,
    KATA_NOT_RUN,
    KATA_TAMPERED,
)


def as_json(value: Any) -> Any:
    """A dataclass's `asdict()` made JSON-shaped: tuples become lists."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return value


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
class Statement:
    """One statement a check caused, and where it came from."""

    sql: str
    params: str = ""
    many: bool = False
    origin: str = ORIGIN_LEARNER
    type: str = SQL

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Statement:
        return cls(data["sql"], data["params"], data["many"], data["origin"], data["type"])


@dataclass(frozen=True)
class Exchange:
    """One HTTP request a check sent to an app, and the statements sent while it ran
    (`statements` is a [start, end) range into the check's statements)."""

    method: str
    path: str
    status: int
    body: str
    statements: tuple[int, int]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Exchange:
        start, end = data["statements"]
        return cls(data["method"], data["path"], data["status"], data["body"], (start, end))


@dataclass(frozen=True)
class Timings:
    setup: float = 0.0
    call: float = 0.0
    teardown: float = 0.0


@dataclass(frozen=True)
class CheckResult:
    id: str  # pytest's node id
    kata_id: str
    name: str
    description: str
    outcome: str
    kind: str | None = None
    message: str = ""
    where: str | None = None  # file:line that the learner (or a maintainer) should look at
    timings: Timings = field(default_factory=Timings)
    statements: tuple[Statement, ...] = ()
    statements_dropped: int = 0
    reference_statements: int | None = None  # compare_sql checks, when they fail
    comparison: dict[str, Any] | None = None  # a result ladder's details (checker.plugin.compare)
    exchanges: tuple[Exchange, ...] = ()  # the HTTP requests the check sent to an app
    advice: str | None = None  # a removed API (its replacement) or an async pitfall, and why

    @property
    def ok(self) -> bool:
        return self.outcome == PASSED

    @property
    def learner_statements(self) -> tuple[Statement, ...]:
        """What "SQL your code sent" shows: the learner's statements only."""
        return tuple(s for s in self.statements if s.origin == ORIGIN_LEARNER)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        return cls(
            id=data["id"],
            kata_id=data["kata_id"],
            name=data["name"],
            description=data["description"],
            outcome=data["outcome"],
            kind=data["kind"],
            message=data["message"],
            where=data["where"],
            timings=Timings(**data["timings"]),
            statements=tuple(Statement.from_json(s) for s in data["statements"]),
            statements_dropped=data["statements_dropped"],
            reference_statements=data["reference_statements"],
            comparison=data["comparison"],
            exchanges=tuple(Exchange.from_json(e) for e in data.get("exchanges", [])),
            advice=data.get("advice"),
        )

    def to_json(self) -> dict[str, Any]:
        return as_json(asdict(self))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Nudge:
    """A legacy 1.x API in the learner's code that still works (so no check fails): the 2.0 form
    to write instead (`checker.workbook.legacy`). One per API per kata, with every place it is
    used."""

    rule: str
    found: str  # the first use, as written
    where: tuple[str, ...]  # file:line of each use
    advice: str


@dataclass(frozen=True)
class KataResult:
    kata_id: str
    title: str
    file: str
    status: str
    checks: tuple[CheckResult, ...] = ()
    problem: str | None = None  # one paragraph: why the kata is not a pass, beyond its checks
    needs_postgres: int = 0  # checks that did not run because this run is on SQLite
    nudges: tuple[Nudge, ...] = ()  # legacy APIs in the learner's files (grading commands only)
    # Code in the learner's files that reaches into the grader (`checker.workbook.scan`), as
    # "file:line: what it does"; flagged for a person to look at, it changes no status.
    flags: tuple[str, ...] = ()

    @property
    def passed_count(self) -> int:
        return sum(1 for c in self.checks if c.outcome == PASSED)

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.outcome not in (PASSED, NEEDS_POSTGRES))

    @property
    def headline(self) -> str:
        """The status in words, the same for `kata`, `phase`, `status`, `list` and `next`."""
        return status_words(self.status, self.needs_postgres)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = as_json(asdict(self))
        data["headline"] = self.headline
        data["passed_checks"] = self.passed_count
        data["total_checks"] = len(self.checks)
        return data


def status_words(status: str, needs_postgres: int) -> str:
    if status == KATA_PASSED and needs_postgres:
        plural = "s need" if needs_postgres != 1 else " needs"
        return f"passed on SQLite — {needs_postgres} check{plural} Postgres"
    return status.replace("_", " ")


@dataclass(frozen=True)
class RunResult:
    database: str
    katas: tuple[KataResult, ...] = ()
    isolation_note: str | None = None  # set when Postgres isolation had to fall back
    # The release it was graded with and whether its grader files were the release's
    # (`checker.release.integrity.Integrity.to_json`); None where nobody checked.
    workbook: dict[str, Any] | None = None
    # `checker grade --pristine`: where the learner's files came from, the release that copy
    # records and the one it was graded with, and notes (a release that could not be found).
    pristine: dict[str, Any] | None = None

    @property
    def all_passed(self) -> bool:
        return all(k.status == KATA_PASSED for k in self.katas)

    def find(self, kata_id: str) -> KataResult | None:
        return next((k for k in self.katas if k.kata_id == kata_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "type": "run",
            "database": self.database,
            "all_passed": self.all_passed,
            "isolation_note": self.isolation_note,
            "workbook": self.workbook,
            "pristine": self.pristine,
            "katas": [k.to_json() for k in self.katas],
        }
