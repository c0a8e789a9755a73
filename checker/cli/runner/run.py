"""Runs katas' checks in a child process and turns the records it streams into results.

Learner code never runs in the CLI's process: it can hang, crash or leak. Each check has a time
limit (pytest-timeout; a kata's catalog entry may raise it, `--timeout` overrides both); as a
backstop the watchdog kills a child whose stream has gone silent for longer than that. A kata
that hung or crashed the child is reported as such; the katas after it are graded in a fresh one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.cli.databases import DatabaseTarget, unreachable_message
from checker.cli.runner.launch import Launch, backstop_for, subprocess_launch
from checker.cli.runner.stream import StreamReader, StreamTail
from checker.errors import CheckerError
from checker.plugin.containment import DEFAULT_MEMORY_MB
from checker.results import KATA_NOT_RUN, CheckResult, KataResult, RunResult
from checker.results.pass_rule import KataEvidence, expected_checks, judge
from checker.workbook.catalog import Kata
from checker.workbook.kinds import files_of

DEFAULT_TIMEOUT = 5.0  # seconds per check; learner code that needs longer is almost always stuck
_INI = Path(__file__).resolve().parents[2] / "plugin" / "checks.ini"


def memory_limit() -> int:
    """The grading child's memory limit in MB: $CHECKER_MEMORY_MB (which --memory-limit sets),
    else the default; 0 turns it off."""
    try:
        return max(0, int(os.environ.get("CHECKER_MEMORY_MB", DEFAULT_MEMORY_MB)))
    except ValueError:
        return DEFAULT_MEMORY_MB


def effective_timeout(kata: Kata, override: float | None) -> float:
    """The command line's --timeout, else the kata's own, else the default."""
    return override or kata.timeout or DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Plan:
    """What one child process grades, and from where."""

    root: Path
    katas: list[Kata]
    target: DatabaseTarget
    kata_root: Path | None = None
    trees: Mapping[str, Path] = field(default_factory=dict)
    timeout: float | None = None
    first_failure: bool = False
    first_checks: Mapping[str, str] = field(default_factory=dict)  # kata id -> check to run first
    memory_mb: int = field(default_factory=lambda: memory_limit())  # Linux; 0: none

    def pytest_args(self, stream: Path) -> list[str]:
        args = ["-c", str(_INI), "--rootdir", str(self.root), "-p", "checker.plugin.hooks"]
        args += ["-p", "pytest_timeout", "--timeout", str(self.timeout or DEFAULT_TIMEOUT)]
        args += ["-p", "pytest_asyncio.plugin"]
        args += ["--checker-db", self.target.kind, "--checker-stream", str(stream)]
        args += ["--checker-contain", "--checker-memory-mb", str(self.memory_mb)]
        if self.target.url:
            args += ["--checker-db-url", self.target.url]
        if self.kata_root:
            args += ["--kata-root", str(self.kata_root)]
        if self.first_failure:
            args.append("--checker-first-failure")
        for kata in self.katas:
            args += ["--kata-timeout", f"{kata.id}={effective_timeout(kata, self.timeout)}"]
            if kata.id in self.trees:
                args += ["--kata-tree", f"{kata.id}={self.trees[kata.id]}"]
            if kata.id in self.first_checks:
                args += ["--kata-first-check", f"{kata.id}={self.first_checks[kata.id]}"]
        return args + [files_of(kata).checks for kata in self.katas]

    def backstop(self) -> float:
        return backstop_for([effective_timeout(k, self.timeout) for k in self.katas])


@dataclass
class ChildRun:
    """What one child's stream said, sorted by kata."""

    records: list[dict[str, Any]]
    code: int | None
    output: str
    collected: dict[str, list[str]] = field(default_factory=dict)
    checks: dict[str, list[CheckResult]] = field(default_factory=dict)
    loads: dict[str, dict[str, Any]] = field(default_factory=dict)
    collection_errors: dict[str, str] = field(default_factory=dict)
    tampering: dict[str, list[str]] = field(default_factory=dict)  # kata id -> what changed
    importing: set[str] = field(default_factory=set)  # katas whose import began but never ended
    isolation_note: str | None = None
    ended: bool = False  # the child reached the end of its session
    interrupted: str | None = None  # the kata whose check was running when the child died

    def sort(self, katas: list[Kata], current: dict[str, Any] | None) -> None:
        by_checks = {files_of(k).checks: k.id for k in katas}
        for record in self.records:
            kind = record["type"]
            if kind == "environment_error":
                raise CheckerError(unreachable_message(record["url"], record["reason"]))
            if kind == "start":
                self.isolation_note = record.get("isolation_note")
            elif kind == "collected":
                for check in record["checks"]:
                    self.collected.setdefault(check["kata_id"], []).append(check["id"])
            elif kind == "collection_error":
                kata_id = by_checks.get(record["id"].split("::", 1)[0])
                if kata_id:
                    self.collection_errors[kata_id] = record["message"]
            elif kind == "load_start":
                self.importing.add(record["kata_id"])
            elif kind == "kata":
                self.loads[record["kata_id"]] = record
                self.importing.discard(record["kata_id"])
            elif kind == "tamper":
                where = _TAMPER_WHEN.get(record["when"], record["when"])
                self.tampering.setdefault(record["kata_id"], []).extend(
                    f"{change} ({where})" for change in record["changes"]
                )
            elif kind == "session_end":
                self.ended = True
            elif kind == "check":
                self.checks.setdefault(record["kata_id"], []).append(CheckResult.from_json(record))
        # A child that did not reach the end of its session died, whatever its exit code (a
        # learner's os._exit(0) exits with 0): the kata it was grading is the one to blame.
        if not self.ended:
            last = current or next(
                (r for r in reversed(self.records) if r["type"] == "check"), None
            )
            self.interrupted = last["kata_id"] if last else None


OnRecord = Callable[[dict[str, Any]], None]
_TAMPER_WHEN = {"import": "after your module was imported", "check": "during a check"}


def _run_child(
    plan: Plan, launch: Launch, folder: Path, attempt: int, on_record: OnRecord | None
) -> ChildRun:
    stream = folder / f"stream{attempt}.jsonl"
    args = plan.pytest_args(stream)
    if on_record is None:
        code, output = launch(args, plan.root, stream, plan.backstop())
    else:
        with StreamTail(stream, on_record):
            code, output = launch(args, plan.root, stream, plan.backstop())
    reader = StreamReader(stream)
    reader.poll()
    child = ChildRun(reader.records, code, output)
    child.sort(plan.katas, reader.current_check())
    if not reader.records:
        raise CheckerError(
            f"The grader's test run stopped before it could report anything (exit code {code}). "
            f"Its last output was:\n{output.strip()[-1500:]}"
        )
    if not child.ended and child.interrupted is None:
        what = "stopped responding" if code is None else f"failed (pytest exit code {code})"
        raise CheckerError(
            f"The grader's test run {what} before any check started:\n{output[-1500:]}"
        )
    return child


def _evidence(kata: Kata, child: ChildRun, plan: Plan) -> KataEvidence:
    load = child.loads.get(kata.id, {})
    interrupted = kata.id == child.interrupted
    return KataEvidence(
        kata_id=kata.id,
        title=kata.title,
        file=load.get("file") or files_of(kata).shown(),
        collected=child.collected.get(kata.id, []),
        checks=child.checks.get(kata.id, []),
        load_error=load.get("load_error"),
        collection_error=child.collection_errors.get(kata.id),
        crashed=child.code if interrupted and child.code is not None else None,
        killed=interrupted and child.code is None,
        timeout=effective_timeout(kata, plan.timeout),
        died_importing=interrupted and kata.id in child.importing,
        tampering=tuple(child.tampering.get(kata.id, ())),
        expected=expected_checks(plan.root / files_of(kata).checks),
    )


def _finished(kata: Kata, child: ChildRun) -> bool:
    """Whether the child got to this kata at all (check files run in order): one interrupted
    early leaves the katas after it for a fresh child."""
    if child.interrupted is None or kata.id == child.interrupted:
        return True
    return kata.id in child.checks or kata.id in child.collection_errors


def run_checks(
    root: Path,
    katas: Iterable[Kata],
    target: DatabaseTarget,
    *,
    kata_root: Path | None = None,
    trees: Mapping[str, Path] | None = None,
    timeout: float | None = None,
    launch: Launch = subprocess_launch,
    first_failure: bool = False,
    first_checks: Mapping[str, str] | None = None,
    on_record: OnRecord | None = None,
) -> RunResult:
    """Grade `katas` (from katas/, or `kata_root`, or per-kata `trees`) on `target`.
    `on_record`, if given, sees every streamed record as it arrives."""
    ordered = list(katas)
    graded: dict[str, KataResult] = {}
    for kata in ordered:
        if not kata.runs_on(target.kind):
            problem = "This kata needs Postgres: run it with --db postgres."
            graded[kata.id] = KataResult(
                kata.id, kata.title, files_of(kata).shown(), KATA_NOT_RUN, problem=problem
            )
    pending = [k for k in ordered if k.id not in graded]
    note = None
    with tempfile.TemporaryDirectory(prefix="checker-run-") as folder:
        attempt = 0
        while pending:
            attempt += 1
            plan = Plan(
                root,
                pending,
                target,
                kata_root,
                dict(trees or {}),
                timeout,
                first_failure,
                dict(first_checks or {}),
            )
            child = _run_child(plan, launch, Path(folder), attempt, on_record)
            note = note or child.isolation_note
            for kata in pending:
                if _finished(kata, child):
                    graded[kata.id] = judge(_evidence(kata, child, plan))
            pending = [k for k in pending if k.id not in graded]
    return RunResult(target.label, tuple(graded[k.id] for k in ordered), note)
