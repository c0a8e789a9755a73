"""The pytest plugin that grades katas (load it with `-p checker.plugin.hooks`).

It registers the fixtures (`checker.plugin.fixtures`), runs every check against a database of its
own, records the statements each check causes, and streams one JSON record per check as it
finishes (`--checker-stream`): what was collected, each kata's load result, each check's
outcome. It emits data only; the CLI renders it.
"""

from __future__ import annotations

import gc
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from checker.plugin import (
    alembic_fixtures,
    app_fixtures,
    async_fixtures,
    capture,
    fault_fixtures,
    fixtures,
    pool_watch,
)
from checker.plugin.containment import (
    DEFAULT_MEMORY_MB,
    left_running_message,
    set_memory_limit,
    stray_threads,
)
from checker.plugin.fixtures import LOAD_FAILED, STATE, run_state
from checker.plugin.guard import Guard
from checker.plugin.outcomes import Context, classify
from checker.plugin.run_state import RunState, kata_of
from checker.plugin.zones import use_local_zone
from checker.results import (
    FAILED,
    KIND_LEFT_RUNNING,
    LEARNER_ERROR,
    NEEDS_POSTGRES,
    PASSED,
    SKIPPED,
)

RESULT = pytest.StashKey[dict[str, Any]]()
NEEDS_POSTGRES_REASON = "needs PostgreSQL (run with --db postgres)"
EARLIER_FAILURE = "an earlier check of this kata failed"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("checker", "grading katas")
    group.addoption("--kata-root", help="the tree to grade every kata from (default: katas/)")
    group.addoption(
        "--kata-tree",
        action="append",
        default=[],
        metavar="ID=FOLDER",
        help="grade kata ID from FOLDER, a tree laid out like katas/ (stubs, mutants); may repeat",
    )
    group.addoption(
        "--kata-timeout",
        action="append",
        default=[],
        metavar="ID=SECONDS",
        help="the time limit for each check of kata ID; may repeat",
    )
    group.addoption(
        "--kata-first-check",
        action="append",
        default=[],
        metavar="ID=NAME",
        help="run kata ID's check NAME before its others (verify: the check that caught a mutant "
        "last time, so with --checker-first-failure the rest are skipped)",
    )
    group.addoption("--checker-db", choices=("sqlite", "postgres"), default="sqlite")
    group.addoption("--checker-db-url", help="the Postgres server for --checker-db postgres")
    group.addoption("--checker-stream", help="append one JSON line per record to this file")
    group.addoption(
        "--checker-memory-mb",
        type=int,
        default=0,
        help=f"limit the run's memory (Linux; the CLI passes {DEFAULT_MEMORY_MB}); 0: no limit",
    )
    group.addoption(
        "--checker-contain",
        action="store_true",
        help="the run is a grading child: at its end, exit without waiting for threads the "
        "learner's code left running",
    )
    group.addoption(
        "--checker-first-failure",
        action="store_true",
        help="skip a kata's remaining checks once one fails (verify: a mutant caught is caught)",
    )


def pytest_configure(config: pytest.Config) -> None:
    use_local_zone()
    set_memory_limit(config.option.checker_memory_mb)
    config.addinivalue_line("markers", "postgres_only: the check needs PostgreSQL")
    config.addinivalue_line(
        "markers",
        "compare_sql: when the check fails, also count the statements the reference solution "
        "sends for it, and show both",
    )
    state = RunState(config)
    config.stash[STATE] = state
    capture.attach(state.capture)
    config.pluginmanager.register(fixtures, "checker-fixtures")
    config.pluginmanager.register(async_fixtures, "checker-async-fixtures")
    config.pluginmanager.register(app_fixtures, "checker-app-fixtures")
    config.pluginmanager.register(alembic_fixtures, "checker-alembic-fixtures")
    config.pluginmanager.register(fault_fixtures, "checker-fault-fixtures")
    config.pluginmanager.register(pool_watch, "checker-pool-watch")
    config.pluginmanager.register(GradingHooks(state), "checker-grading")


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state:
        state.stop()
        capture.detach(state.capture)
        if config.option.checker_contain and stray_threads():
            # Python would wait for them at exit, forever if they never end; their checks
            # have already failed for them. Leave now, with the exit code pytest chose.
            state.exit_now(state.exitstatus)


class GradingHooks:
    """The hooks that need the run's state."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        databases = self.state.databases
        try:
            databases.start()
        except Exception as exc:
            self.state.stream.emit(
                "environment_error",
                problem="database_unreachable",
                url=databases.server_url or "",
                reason=str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc),
            )
            pytest.exit("the database is unreachable", returncode=3)
        self.state.stream.start(databases.kind, databases.isolation, databases.isolation_note)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        # The parent counts a run without this record as one that died: whatever exit code a
        # learner's os._exit chose, a run that did not get here did not grade everything.
        self.state.stream.emit("session_end", exitstatus=int(exitstatus))
        self.state.exitstatus = int(exitstatus)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            message = str(report.longrepr)[-2000:]
            self.state.stream.emit("collection_error", id=report.nodeid, message=message)

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        on_sqlite = self.state.databases.kind == "sqlite"
        if self.state.first_checks:
            _put_first_checks_first(items, self.state.first_checks)
        for item in items:
            kata, _ = kata_of(item.path)
            if kata.id in self.state.timeouts:
                item.add_marker(pytest.mark.timeout(self.state.timeouts[kata.id]))
            if on_sqlite and item.get_closest_marker("postgres_only"):
                item.add_marker(pytest.mark.skip(reason=NEEDS_POSTGRES_REASON))

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        checks = [
            {"id": item.nodeid, "kata_id": kata_of(item.path)[0].id} for item in session.items
        ]
        self.state.stream.emit("collected", checks=checks)
        # Collected, and no learner code has run yet (fixtures import it): the guard's baseline.
        self.state.guard = Guard(session.config, self.state.stream.write_line)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Iterator[Any]:
        state = self.state
        kata, root = kata_of(item.path)
        state.stream.emit("check_start", id=item.nodeid, kata_id=kata.id)
        state.learner_called = False
        state.exchanges = []
        state.capture.start((str(state.learner_code(kata, root).resolve()),))
        state.leftovers.before()
        try:
            outcome = yield
        finally:
            state.capture.phase = None
        result = item.stash.get(RESULT, None)
        state.check_tampering(kata.id, "check", item.nodeid)
        left = state.leftovers.after()
        if result is not None and left:
            _fail_for_leftovers(result, left)
        if result is not None:
            result["statements"] = [s.__dict__ for s in state.capture.statements]
            result["statements_dropped"] = state.capture.dropped
            # A copy: a compare_sql re-run on the reference records its own requests in
            # state.exchanges, which must not join the learner's.
            result["exchanges"] = list(state.exchanges)
            if result["outcome"] == FAILED and item.get_closest_marker("compare_sql"):
                result["reference_statements"] = _count_on_reference(item, nextitem, state)
            if result["outcome"] not in (PASSED, SKIPPED, NEEDS_POSTGRES):
                state.failed_katas.add(result["kata_id"])
            state.stream.emit("check", **result)
        return outcome

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if self.state.first_failure_only and kata_of(item.path)[0].id in self.state.failed_katas:
            pytest.skip(EARLIER_FAILURE)


def _fail_for_leftovers(result: dict[str, Any], left: list[str]) -> None:
    message = left_running_message(left)
    if result["outcome"] in (PASSED, SKIPPED, NEEDS_POSTGRES):
        result.update(outcome=LEARNER_ERROR, kind=KIND_LEFT_RUNNING, message=message, where=None)
    else:
        result["message"] = f"{result['message']}\n{message}"


def _put_first_checks_first(items: list[pytest.Item], first: dict[str, str]) -> None:
    """Within each kata's checks (which stay together, in the order given), the checks named by
    --kata-first-check (comma-separated, a test's name or its function's) go first, in that
    order; everything else keeps its order."""
    files: dict[str, int] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], len(files))

    def key(item: pytest.Item) -> tuple[int, int]:
        wanted = first.get(kata_of(item.path)[0].id, "").split(",")
        names = (item.name, getattr(item, "originalname", item.name))
        rank = next((wanted.index(n) for n in names if n in wanted), len(wanted))
        return files[item.nodeid.split("::", 1)[0]], rank

    items.sort(key=key)


def _phase_wrapper(when: str) -> Any:
    @pytest.hookimpl(wrapper=True)
    def wrapper(item: pytest.Item, *args: Any) -> Iterator[None]:
        run_state(item.config).capture.phase = when
        return (yield)

    return wrapper


pytest_runtest_setup = _phase_wrapper("setup")
pytest_runtest_call = _phase_wrapper("call")
pytest_runtest_teardown = _phase_wrapper("teardown")


def _new_result(item: pytest.Item, kata_id: str) -> dict[str, Any]:
    doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
    return {
        "id": item.nodeid,
        "kata_id": kata_id,
        "name": item.name,
        "description": doc.strip().splitlines()[0] if doc.strip() else "",
        "outcome": PASSED,
        "kind": None,
        "message": "",
        "where": None,
        "timings": {"setup": 0.0, "call": 0.0, "teardown": 0.0},
        "statements": [],
        "statements_dropped": 0,
        "reference_statements": None,
        "comparison": None,
        "exchanges": [],
        "advice": None,
    }


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
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
    state = run_state(item.config)
    if state.rerunning_on_reference:
        if call.when == "call":
            state.reference_passed = report.passed
        return report
    kata, root = kata_of(item.path)
    if call.when == "setup":
        item.stash[RESULT] = _new_result(item, kata.id)
    result = item.stash[RESULT]
    result["timings"][call.when] = report.duration
    if report.skipped and result["outcome"] == PASSED:
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        reason = reason.removeprefix("Skipped: ")
        needs_postgres = reason == NEEDS_POSTGRES_REASON
        result.update(outcome=NEEDS_POSTGRES if needs_postgres else SKIPPED, message=reason)
    elif report.failed and result["outcome"] == PASSED and call.excinfo is not None:
        # The first failure of a check is the one worth reading (not a teardown's after it).
        context = Context(
            when=call.when,
            learner_called=state.learner_called,
            load_failed=item.stash.get(LOAD_FAILED, False),
            learner_code=state.learner_code(kata, root),
            check_file=item.path,
            root=root,
        )
        failure = classify(call.excinfo.value, context)
        result.update(
            outcome=failure.outcome,
            kind=failure.kind,
            message=failure.message,
            where=failure.where,
            advice=failure.advice,
            comparison=getattr(call.excinfo.value, "details", None),
        )
    return report


def _count_on_reference(
    item: pytest.Item, nextitem: pytest.Item | None, state: RunState
) -> int | None:
    """Run the failed check once more with the reference solution as `kata`, counting the
    statements it sends, so the learner sees "yours: 51, the reference: 2"."""
    from _pytest.runner import runtestprotocol

    kata, root = kata_of(item.path)
    state.rerunning_on_reference = True
    state.reference_passed = False
    state.stream.emit("check_start", id=item.nodeid, kata_id=kata.id, rerun="reference")
    state.capture.start((str(state.learner_code(kata, root).resolve()),))
    item._initrequest()  # type: ignore[attr-defined]  # fresh fixtures for the second run
    try:
        runtestprotocol(item, nextitem=nextitem, log=False)
        count = len(state.capture.sent_in_call()) + state.capture.dropped
    finally:
        state.rerunning_on_reference = False
        state.capture.phase = None
    return count if state.reference_passed else None
