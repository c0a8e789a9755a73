"""Runs a kata's checks in a child process and reads back what happened.

Learner code never runs in the CLI's process: it can hang, crash or leak. Each check has a time
limit (pytest-timeout); as a backstop the runner watches the report the plugin rewrites after
every check and kills a child whose current check has outlived its limit. The hung kata is
reported as such and the katas after it are graded in a fresh child.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from checker import results as r
from checker.cli.databases import DatabaseTarget
from checker.cli.runner.launch import Launch, heartbeat_path, subprocess_launch
from checker.errors import CheckerError
from checker.workbook.catalog import Kata

DEFAULT_TIMEOUT = 5.0  # seconds per check; learner code that needs longer is almost always stuck
_INI = Path(__file__).resolve().parents[2] / "plugin" / "checks.ini"


def _command(
    root: Path,
    katas: Iterable[Kata],
    target: DatabaseTarget,
    report: Path,
    kata_root: Path | None,
    overrides: Mapping[str, Path],
    timeout: float,
    first_failure: bool,
) -> list[str]:
    command = [
        "-c",
        str(_INI),
        "--rootdir",
        str(root),
        "-p",
        "checker.plugin.hooks",
        "-p",
        "pytest_timeout",
        "--timeout",
        str(timeout),
        "--checker-db",
        target.kind,
        "--checker-report",
        str(report),
    ]
    if target.url:
        command += ["--checker-db-url", target.url]
    if kata_root:
        command += ["--kata-root", str(kata_root)]
    if first_failure:
        command.append("--checker-first-failure")
    for kata_id, path in overrides.items():
        command += ["--kata-file", f"{kata_id}={path}"]
    return command + [kata.test_path for kata in katas]


def _read(report: Path) -> dict[str, Any] | None:
    try:
        return json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _run_child(
    launch: Launch, args: list[str], root: Path, report: Path, timeout: float
) -> tuple[int | None, dict | None, str]:
    """Run the child; returns (exit code or None if it was killed, its last report, its output)."""
    code, output = launch(args, root, report, timeout)
    return code, _read(report), output


_TIMED_OUT = (
    "A check of kata {kata} did not finish within the time limit and was stopped. "
    "Look for a loop that never ends or a query waiting on a lock in your code."
)


def _kata_result(
    kata: Kata, shown_file: str, checks: list[dict], load_error: str | None
) -> r.KataResult:
    parsed = tuple(
        r.CheckResult(
            name=c["name"],
            description=c["description"],
            outcome=c["outcome"],
            kind=c["kind"],
            message=c["message"],
            where=c["where"],
            duration=c["duration"],
            statements=tuple(r.StatementRecord(**s) for s in c["statements"]),
            statements_dropped=c["statements_dropped"],
            reference_statements=c.get("reference_statements"),
            comparison=c.get("comparison"),
        )
        for c in checks
    )
    if load_error:
        return r.KataResult(kata.id, kata.title, shown_file, r.KATA_BROKEN, parsed, load_error)
    if any(c.kind == r.KIND_TIMEOUT for c in parsed):
        problem = _TIMED_OUT.format(kata=kata.id)
        return r.KataResult(kata.id, kata.title, shown_file, r.KATA_TIMEOUT, parsed, problem)
    if not parsed:
        return r.KataResult(
            kata.id, kata.title, shown_file, r.KATA_FAILED, (), "No checks ran for this kata."
        )
    status = r.KATA_PASSED if all(c.ok for c in parsed) else r.KATA_FAILED
    return r.KataResult(kata.id, kata.title, shown_file, status, parsed)


def run_checks(
    root: Path,
    katas: Iterable[Kata],
    target: DatabaseTarget,
    *,
    kata_root: Path | None = None,
    overrides: Mapping[str, Path] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    launch: Launch = subprocess_launch,
    first_failure: bool = False,
) -> r.RunResult:
    """Grade `katas` (from katas/, or `kata_root`, or per-kata `overrides`) on `target`."""
    overrides = dict(overrides or {})
    ordered = list(katas)
    graded: dict[str, r.KataResult] = {}
    pending = [k for k in ordered if k.runs_on(target.kind)]
    for kata in ordered:
        if not kata.runs_on(target.kind):
            graded[kata.id] = r.KataResult(
                kata.id,
                kata.title,
                f"katas/{kata.rel_path}",
                r.KATA_NOT_RUN,
                problem="This kata needs Postgres: run it with --db postgres.",
            )
    with tempfile.TemporaryDirectory(prefix="checker-run-") as folder:
        attempt = 0
        while pending:
            attempt += 1
            report = Path(folder) / f"report{attempt}.json"
            command = _command(
                root, pending, target, report, kata_root, overrides, timeout, first_failure
            )
            code, data, output = _run_child(launch, command, root, report, timeout)
            if data is None:
                raise CheckerError(
                    "The grader's test run stopped before it could report anything (exit code "
                    f"{code}). Its last output was:\n{output.strip()[-1500:]}"
                )
            if data["environment_error"]:
                raise CheckerError(data["environment_error"])
            # A child that was killed (code None: a hang) or ended abnormally (learner code that
            # called os._exit or crashed the interpreter) names the check it was in.
            interrupted = _kata_of_node(_read_heartbeat(report)) if code not in (0, 1) else None
            if code not in (0, 1) and interrupted is None:
                if code is None:
                    raise CheckerError(
                        "The grader's test run stopped responding before any check started."
                    )
                raise CheckerError(
                    f"The grader's test run failed (pytest exit code {code}):\n{output.strip()[-1500:]}"
                )
            by_kata: dict[str, list[dict]] = {}
            for check in data["checks"]:
                by_kata.setdefault(check["kata"], []).append(check)
            broken_files = {e["nodeid"]: e["message"] for e in data["collection_errors"]}
            still_pending = []
            for kata in pending:
                info = data["katas"].get(kata.id, {})
                shown = info.get("file") or f"katas/{kata.rel_path}"
                if kata.test_path in broken_files:
                    graded[kata.id] = r.KataResult(
                        kata.id,
                        kata.title,
                        shown,
                        r.KATA_BROKEN,
                        problem=f"The checks in {kata.test_path} could not be collected (a bug in "
                        f"the workbook, not in your code):\n{broken_files[kata.test_path]}",
                    )
                elif kata.id == interrupted:
                    graded[kata.id] = _interrupted_result(
                        kata, shown, by_kata.get(kata.id, []), code
                    )
                elif interrupted is None or kata.id in by_kata:
                    # Files run in order: a kata with results before the interrupted one is complete.
                    graded[kata.id] = _kata_result(
                        kata, shown, by_kata.get(kata.id, []), info.get("load_error")
                    )
                else:
                    still_pending.append(kata)
            # Katas finished before a hang or crash are graded; the rest run again in a fresh child.
            pending = [k for k in still_pending if k.id not in graded]
    return r.RunResult(target.label, tuple(graded[k.id] for k in ordered))


def _interrupted_result(
    kata: Kata, shown_file: str, checks: list[dict], code: int | None
) -> r.KataResult:
    graded = _kata_result(kata, shown_file, checks, None)
    if code is None:
        problem = _TIMED_OUT.format(kata=kata.id)
        return r.KataResult(kata.id, kata.title, shown_file, r.KATA_TIMEOUT, graded.checks, problem)
    problem = (
        f"While a check of kata {kata.id} ran, the process running it ended abruptly (exit code "
        f"{code}). Look for code that exits the interpreter (sys.exit, os._exit) or crashes it."
    )
    return r.KataResult(kata.id, kata.title, shown_file, r.KATA_BROKEN, graded.checks, problem)


def _read_heartbeat(report: Path) -> str | None:
    try:
        return heartbeat_path(report).read_text(encoding="utf-8") or None
    except OSError:
        return None


def _kata_of_node(nodeid: str | None) -> str | None:
    """'phases/p1_core/test_k03_x.py::test_y' -> '1.3'."""
    if not nodeid:
        return None
    path = nodeid.split("::", 1)[0]
    parts = Path(path).parts
    try:
        phase = int(parts[-2].split("_", 1)[0][1:])
        number = int(Path(parts[-1]).stem.split("_", 2)[1][1:])
    except (IndexError, ValueError):
        return None
    return f"{phase}.{number}"
