"""Runs a kata's checks in a child process and reads back what happened.

Learner code never runs in the CLI's process: it can hang, crash or leak. Each check has a time
limit (pytest-timeout); as a backstop the runner watches the report the plugin rewrites after
every check and kills a child whose current check has outlived its limit. The hung kata is
reported as such and the katas after it are graded in a fresh child.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from checker import results as r
from checker.catalog import Kata
from checker.databases import DatabaseTarget
from checker.errors import CheckerError

DEFAULT_TIMEOUT = 5.0  # seconds per check; learner code that needs longer is almost always stuck
_GRACE = 5.0  # the backstop waits this much longer than pytest-timeout before killing
_INI = Path(__file__).with_name("checks.ini")


def _command(
    root: Path, katas: Iterable[Kata], target: DatabaseTarget, report: Path,
    kata_root: Path | None, overrides: Mapping[str, Path], timeout: float,
) -> list[str]:
    command = [
        sys.executable, "-m", "pytest", "-c", str(_INI), "--rootdir", str(root),
        "-p", "checker.plugin", "-p", "pytest_timeout", "--timeout", str(timeout),
        "--checker-db", target.kind, "--checker-report", str(report),
    ]
    if target.url:
        command += ["--checker-db-url", target.url]
    if kata_root:
        command += ["--kata-root", str(kata_root)]
    for kata_id, path in overrides.items():
        command += ["--kata-file", f"{kata_id}={path}"]
    return command + [kata.test_path for kata in katas]


def _read(report: Path) -> dict[str, Any] | None:
    try:
        return json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _run_child(command: list[str], root: Path, report: Path, timeout: float) -> tuple[int | None, dict | None, str]:
    """Run until the child exits, or kill it when one check outlives its limit.
    Returns (exit code or None if killed, the last report, the child's output)."""
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONUNBUFFERED="1")
    env.pop("PYTEST_ADDOPTS", None)
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as output:
        child = subprocess.Popen(command, cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT)
        last_change, last_seen = time.monotonic(), None
        killed = False
        while child.poll() is None:
            time.sleep(0.05)
            try:
                stamp = report.stat().st_mtime_ns
            except FileNotFoundError:
                stamp = None
            if stamp != last_seen:
                last_seen, last_change = stamp, time.monotonic()
            elif time.monotonic() - last_change > timeout + _GRACE + (20 if stamp is None else 0):
                child.kill()
                child.wait()
                killed = True
        output.seek(0)
        return (None if killed else child.returncode), _read(report), output.read()


def _kata_result(kata: Kata, shown_file: str, checks: list[dict], load_error: str | None, hung: bool) -> r.KataResult:
    parsed = tuple(
        r.CheckResult(
            name=c["name"], description=c["description"], outcome=c["outcome"], kind=c["kind"],
            message=c["message"], where=c["where"], duration=c["duration"],
            statements=tuple(r.StatementRecord(**s) for s in c["statements"]),
            statements_dropped=c["statements_dropped"],
            reference_statements=c.get("reference_statements"), comparison=c.get("comparison"),
        )
        for c in checks
    )
    if load_error:
        return r.KataResult(kata.id, kata.title, shown_file, r.KATA_BROKEN, parsed, load_error)
    if hung or any(c.kind == r.KIND_TIMEOUT for c in parsed):
        problem = (
            f"A check of kata {kata.id} did not finish within the time limit and was stopped. "
            "Look for a loop that never ends or a query waiting on a lock in your code."
        )
        return r.KataResult(kata.id, kata.title, shown_file, r.KATA_TIMEOUT, parsed, problem)
    if not parsed:
        return r.KataResult(kata.id, kata.title, shown_file, r.KATA_FAILED, (), "No checks ran for this kata.")
    status = r.KATA_PASSED if all(c.ok for c in parsed) else r.KATA_FAILED
    return r.KataResult(kata.id, kata.title, shown_file, status, parsed)


def run_checks(
    root: Path, katas: Iterable[Kata], target: DatabaseTarget, *,
    kata_root: Path | None = None, overrides: Mapping[str, Path] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> r.RunResult:
    """Grade `katas` (from katas/, or `kata_root`, or per-kata `overrides`) on `target`."""
    overrides = dict(overrides or {})
    ordered = list(katas)
    graded: dict[str, r.KataResult] = {}
    pending = [k for k in ordered if k.runs_on(target.kind)]
    for kata in ordered:
        if not kata.runs_on(target.kind):
            graded[kata.id] = r.KataResult(
                kata.id, kata.title, f"katas/{kata.rel_path}", r.KATA_NOT_RUN,
                problem="This kata needs Postgres: run it with --db postgres.",
            )
    with tempfile.TemporaryDirectory(prefix="checker-run-") as folder:
        attempt = 0
        while pending:
            attempt += 1
            report = Path(folder) / f"report{attempt}.json"
            command = _command(root, pending, target, report, kata_root, overrides, timeout)
            code, data, output = _run_child(command, root, report, timeout)
            if data is None:
                raise CheckerError(
                    "The grader's test run stopped before it could report anything (exit code "
                    f"{code}). Its last output was:\n{output.strip()[-1500:]}"
                )
            if data["environment_error"]:
                raise CheckerError(data["environment_error"])
            if code not in (0, 1, None):
                raise CheckerError(
                    f"The grader's test run failed (pytest exit code {code}):\n{output.strip()[-1500:]}"
                )
            hung_kata = _kata_of_node(data["current"]) if code is None else None
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
                        kata.id, kata.title, shown, r.KATA_BROKEN,
                        problem=f"The checks in {kata.test_path} could not be collected (a bug in "
                        f"the workbook, not in your code):\n{broken_files[kata.test_path]}",
                    )
                elif code is not None or kata.id == hung_kata or kata.id in by_kata:
                    # Files run in order: a kata with results before the hung one is complete.
                    graded[kata.id] = _kata_result(
                        kata, shown, by_kata.get(kata.id, []), info.get("load_error"),
                        hung=kata.id == hung_kata,
                    )
                else:
                    still_pending.append(kata)
            if code is None and hung_kata is None:
                raise CheckerError("The grader's test run stopped responding before any check started.")
            # Katas finished before the hang are graded; the rest run again in a fresh child.
            pending = [k for k in still_pending if k.id not in graded]
    return r.RunResult(target.label, tuple(graded[k.id] for k in ordered))


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
