"""The pytest plugin that grades katas (load it with `-p checker.plugin.hooks`).

Fixtures for the checks:
  kata       the module under test (katas/ by default; --kata-root / --kata-file change it)
  reference  the solution module, for differential checks
  db         which database this run uses (`db.dialect` is "sqlite" or "postgresql")
  db_url     the URL of a fresh, empty database for this check only
  engine     an Engine on that database; session: a Session on it
  queries    the SQL the check's code sent, with `queries.budget(n, "what")`

It writes a JSON report (--checker-report) after every check, so that the CLI can read what was
graded even when it has to stop a run that hangs.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from checker import results as r
from checker.cli.runner.launch import heartbeat_path
from checker.cli.state.atomic import write_json_atomic
from checker.plugin.capture import Capture, QueryLog
from checker.plugin.isolation import Databases
from checker.plugin.loading import (
    KataLoadError,
    KataModule,
    describe_exception_site,
    display_path,
    frames_inside,
    load_module,
)

_TEST_FILE = re.compile(r"^test_(k\d+_\w+)\.py$")
_PHASE_DIR = re.compile(r"^p(\d+)_\w+$")
_KATA_NUMBER = re.compile(r"^k(\d+)_")

STATE = pytest.StashKey["CheckerState"]()
LOAD_FAILED = pytest.StashKey[bool]()
RESULT = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("checker", "grading katas")
    group.addoption(
        "--kata-root", help="folder holding pN_slug/kMM_slug.py to grade (default: katas/)"
    )
    group.addoption(
        "--kata-file",
        action="append",
        default=[],
        metavar="ID=PATH",
        help="grade PATH as kata ID (used for stubs and mutants); may repeat",
    )
    group.addoption("--checker-db", choices=("sqlite", "postgres"), default="sqlite")
    group.addoption("--checker-db-url", help="the Postgres server for --checker-db postgres")
    group.addoption("--checker-report", help="write the results here as JSON")
    group.addoption(
        "--checker-first-failure",
        action="store_true",
        help="skip a kata's remaining checks once one fails (verify: a mutant caught once is caught)",
    )


class KataRef:
    """Which kata a check file grades, worked out from its path: phases/p1_core/test_k01_x.py."""

    def __init__(self, test_path: Path) -> None:
        match = _TEST_FILE.match(test_path.name)
        phase = _PHASE_DIR.match(test_path.parent.name)
        if not match or not phase:
            raise pytest.UsageError(
                f"{test_path} is not a kata check file (phases/pN_slug/test_kMM_slug.py)"
            )
        self.stem = match[1]
        self.phase_dir = test_path.parent.name
        self.root = test_path.parent.parent.parent
        number = _KATA_NUMBER.match(self.stem)
        assert number
        self.id = f"{phase[1]}.{int(number[1])}"

    def source(self, folder: Path) -> Path:
        package = folder / self.phase_dir / self.stem
        return package if package.is_dir() else package.with_suffix(".py")


class CheckerState:
    def __init__(self, config: pytest.Config) -> None:
        option = config.option
        self.kata_root = Path(option.kata_root).resolve() if option.kata_root else None
        self.overrides = dict(self._parse_override(item) for item in option.kata_file)
        self.report_path = Path(option.checker_report) if option.checker_report else None
        self.databases = Databases(option.checker_db, option.checker_db_url)
        self.capture = Capture()
        self.first_failure_only = bool(option.checker_first_failure)
        self.failed_katas: set[str] = set()
        self.shadow: int | None = None  # set while a compare_sql check re-runs on the reference
        self.modules: dict[tuple[str, str], Any] = {}
        self.report: dict[str, Any] = {
            "version": r.REPORT_VERSION,
            "database": option.checker_db,
            "environment_error": None,
            "collection_errors": [],
            "katas": {},
            "checks": [],
        }

    @staticmethod
    def _parse_override(item: str) -> tuple[str, Path]:
        kata_id, sep, path = item.partition("=")
        if not sep:
            raise pytest.UsageError(f"--kata-file wants ID=PATH, not {item!r}")
        return kata_id, Path(path).resolve()

    def write(self) -> None:
        if self.report_path:
            write_json_atomic(self.report_path, self.report)

    def heartbeat(self, nodeid: str) -> None:
        """A tiny file rewritten as every check starts and ends: the runner watches its time to
        spot a hang and reads it to name the check that hung. (Rewriting the whole report after
        every check would cost more than the checks themselves.)"""
        if self.report_path:
            heartbeat_path(self.report_path).write_text(nodeid, encoding="utf-8")

    def module(self, ref: KataRef, role: str) -> Any:
        """The kata (role "kata") or its solution (role "reference"), imported once a run."""
        key = (ref.id, role)
        if key not in self.modules:
            if role == "reference":
                path, name = (
                    ref.source(ref.root / "solutions"),
                    f"solutions.{ref.phase_dir}.{ref.stem}",
                )
            else:
                path = self.overrides.get(ref.id) or ref.source(
                    self.kata_root or ref.root / "katas"
                )
                name = f"katas.{ref.phase_dir}.{ref.stem}"
            shown = display_path(path, ref.root)
            self.report["katas"].setdefault(ref.id, {"file": shown, "load_error": None})
            try:
                self.modules[key] = KataModule(load_module(path, name, ref.root), shown)
            except KataLoadError as exc:
                self.modules[key] = exc
                if role == "kata":
                    self.report["katas"][ref.id]["load_error"] = str(exc)
        return self.modules[key]


def _state(config: pytest.Config) -> CheckerState:
    return config.stash[STATE]


def _record_statement(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    for capture in _CAPTURES:
        capture.record(statement, parameters, executemany)


_CAPTURES: list[Capture] = []  # the listener is attached to the Engine class once per process


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres_only: the check needs PostgreSQL")
    config.addinivalue_line(
        "markers",
        "compare_sql: when the check fails, also count the statements the reference solution "
        "sends for it, and show both",
    )
    state = CheckerState(config)
    config.stash[STATE] = state
    if not event.contains(Engine, "before_cursor_execute", _record_statement):
        event.listen(Engine, "before_cursor_execute", _record_statement)
    _CAPTURES.append(state.capture)
    config.pluginmanager.register(ReportHooks(state), "checker-report")


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state:
        state.databases.stop()
        if state.capture in _CAPTURES:
            _CAPTURES.remove(state.capture)


class ReportHooks:
    """Hooks that need the run's state: set-up, collection errors, the check in progress."""

    def __init__(self, state: CheckerState) -> None:
        self.state = state
        self.last_file: str | None = None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        try:
            self.state.databases.start()
        except Exception as exc:
            from checker.cli.databases import unreachable_message

            message = unreachable_message(self.state.databases.server_url or "", str(exc))
            self.state.report["environment_error"] = message
            self.state.write()
            pytest.exit(message, returncode=3)
        self.state.write()

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.state.report["collection_errors"].append(
                {"nodeid": report.nodeid, "message": str(report.longrepr)[-2000:]}
            )
            self.state.write()

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        kata_file = nodeid.split("::", 1)[0]
        if kata_file != self.last_file:  # a kata's checks are done: make its results durable
            self.last_file = kata_file
            self.state.write()
        self.state.heartbeat(nodeid)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.state.write()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    state = _state(item.config)
    if state.first_failure_only and KataRef(item.path).id in state.failed_katas:
        pytest.skip("an earlier check of this kata failed")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    capture = _state(item.config).capture
    capture.reset()
    capture.active = True
    try:
        return (yield)
    finally:
        capture.active = False


def _describe_failure(
    item: pytest.Item, call: pytest.CallInfo[Any], state: CheckerState
) -> tuple[str, str, str | None]:
    """(kind, message, where) for a failed phase of a check."""
    excinfo = call.excinfo
    assert excinfo is not None
    exc = excinfo.value
    root = KataRef(item.path).root
    if item.stash.get(LOAD_FAILED, False):
        return r.KIND_LOAD, str(exc), None
    ref = KataRef(item.path)
    kata_source = state.overrides.get(ref.id) or ref.source(state.kata_root or root / "katas")
    learner_site = describe_exception_site(exc, kata_source, root)
    check_site = describe_exception_site(exc, item.path, root)
    text = str(exc)
    if text.startswith("Timeout") or "Timeout >" in text:
        return (
            r.KIND_TIMEOUT,
            f"Stopped after the time limit: {text.splitlines()[0].rstrip('.')}. Is there a loop that never ends, or a query waiting on a lock?",
            learner_site,
        )
    if isinstance(exc, NotImplementedError):
        function = _innermost_function(exc, kata_source)
        todo = f" (TODO: {text})" if text else ""
        return r.KIND_TODO, f"`{function}` is not written yet{todo}.", learner_site
    if isinstance(exc, AssertionError):
        message, _, _ = text.partition("\nassert ")
        return r.KIND_ASSERTION, (message.strip() or text), check_site
    if excinfo.errisinstance(pytest.fail.Exception):
        return r.KIND_ASSERTION, text, check_site
    return (
        r.KIND_EXCEPTION,
        f"Your code raised {type(exc).__name__}: {text}",
        learner_site or check_site,
    )


def _innermost_function(exc: BaseException, inside: Path) -> str:
    frames = frames_inside(exc, inside)
    return frames[-1][2] + "()" if frames else "this part"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[Any]:
    if call.excinfo is None:
        report = yield
    else:
        # Garbage from learner code (a leaked Connection, say) must not be collected while pytest
        # parses source for the failure's traceback: CPython 3.11's AST builder can fail then
        # ("AST constructor recursion depth mismatch"). Hold the GC off until the report is made.
        gc.disable()
        try:
            report = yield
        finally:
            gc.enable()
    state = _state(item.config)
    if state.shadow is not None:  # the reference's run of a compare_sql check: count only
        if call.when == "call":
            state.shadow = state.capture.count if report.passed else -1
        return report
    if call.when == "setup":
        item.stash[RESULT] = {
            "kata": KataRef(item.path).id,
            "nodeid": item.nodeid,
            "name": item.name,
            "description": _first_doc_line(item),
            "outcome": r.PASSED,
            "kind": None,
            "message": "",
            "where": None,
            "duration": 0.0,
            "statements": [],
            "statements_dropped": 0,
            "reference_statements": None,
            "comparison": None,
        }
    result = item.stash[RESULT]
    result["duration"] += report.duration
    if report.skipped and result["outcome"] == r.PASSED:
        result["outcome"] = r.SKIPPED
        result["message"] = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    elif report.failed and result["outcome"] in (r.PASSED, r.SKIPPED):
        kind, message, where = _describe_failure(item, call, state)
        result.update(
            outcome=r.FAILED if call.when == "call" and kind != r.KIND_LOAD else r.ERROR,
            kind=kind,
            message=message,
            where=where,
            comparison=getattr(call.excinfo.value, "details", None) if call.excinfo else None,
        )
    if call.when == "call":
        result["statements"] = [s.to_json() for s in state.capture.statements]
        result["statements_dropped"] = state.capture.dropped
    if result["outcome"] in (r.FAILED, r.ERROR):
        state.failed_katas.add(result["kata"])
    if call.when == "teardown":
        state.report["checks"].append(result)
        state.heartbeat("")
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[Any]:
    outcome = yield
    state = _state(item.config)
    result = item.stash.get(RESULT, None)
    if result and result["outcome"] == r.FAILED and item.get_closest_marker("compare_sql"):
        result["reference_statements"] = _reference_statement_count(item, nextitem, state)
    return outcome


def _reference_statement_count(
    item: pytest.Item, nextitem: pytest.Item | None, state: CheckerState
) -> int | None:
    """Run the failed check once more with the reference solution as `kata`, counting the
    statements it sends, so the learner sees "yours: 51, the reference: 2"."""
    from _pytest.runner import runtestprotocol

    state.shadow = 0
    item._initrequest()  # fresh fixtures (a fresh database) for the second run
    try:
        runtestprotocol(item, nextitem=nextitem, log=False)
        count = state.shadow
    finally:
        state.shadow = None
    return count if count is not None and count >= 0 else None


def _first_doc_line(item: pytest.Item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


# --- fixtures ---------------------------------------------------------------------------------


def _kata_fixture(request: pytest.FixtureRequest, role: str) -> Any:
    state = _state(request.config)
    if state.shadow is not None:
        role = "reference"
    module = state.module(KataRef(request.path), role)
    if isinstance(module, KataLoadError):
        request.node.stash[LOAD_FAILED] = role == "kata"
        who = "" if role == "kata" else "the reference solution: "
        pytest.fail(f"{who}{module}", pytrace=False)
    return module


@pytest.fixture
def kata(request: pytest.FixtureRequest) -> Any:
    """The learner's module (or whatever this run grades in its place)."""
    return _kata_fixture(request, "kata")


@pytest.fixture
def reference(request: pytest.FixtureRequest) -> Any:
    """The reference solution, for checks that compare against it."""
    return _kata_fixture(request, "reference")


@pytest.fixture
def db(request: pytest.FixtureRequest) -> Databases:
    return _state(request.config).databases


@pytest.fixture
def db_url(db: Databases) -> Iterator[str]:
    """A fresh, empty database for this check alone."""
    with db.fresh() as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    created = create_engine(db_url)
    yield created
    created.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as opened:
        yield opened


@pytest.fixture
def queries(request: pytest.FixtureRequest) -> QueryLog:
    return QueryLog(_state(request.config).capture)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.option.checker_db == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with --db postgres)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)
