"""Starting a child that runs pytest, and stopping it when a check hangs.

Two ways to start one: a fresh `python -m pytest` (works everywhere), or a fork of a warm worker
that has already imported the heavy libraries (`checker.cli.runner.warm`, POSIX only). Both are watched the
same way: the plugin rewrites its report after every check, so a report that stops changing for
longer than a check's time limit means the child is stuck, and it is killed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

GRACE = 5.0  # the backstop waits this much longer than pytest-timeout before killing
STARTUP = 20.0  # extra time before the first report: imports and collection

# (pytest arguments, working folder, report path, per-check timeout) -> (exit code or None
# when the child was killed, everything it printed)
Launch = Callable[[list[str], Path, Path, float], tuple[int | None, str]]


def heartbeat_path(report: Path) -> Path:
    """The small file the plugin rewrites as each check starts and ends (see checker.plugin.hooks)."""
    return report.with_name(report.name + ".current")


def child_environment() -> dict[str, str]:
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONUNBUFFERED="1")
    env.pop("PYTEST_ADDOPTS", None)  # the learner's own pytest settings must not change grading
    return env


def watch_child(
    poll: Callable[[], int | None], kill: Callable[[], None], report: Path, timeout: float
) -> int | None:
    """Wait for the child; kill it when its report stops changing for too long."""
    last_change, last_seen = time.monotonic(), None
    pause = 0.002
    while (code := poll()) is None:
        time.sleep(pause)
        pause = min(pause * 2, 0.05)  # quick children answer quickly; slow ones cost no CPU
        try:  # the plugin's heartbeat file changes as every check starts and ends
            stamp = heartbeat_path(report).stat().st_mtime_ns
        except FileNotFoundError:
            stamp = None
        if stamp != last_seen:
            last_seen, last_change = stamp, time.monotonic()
        elif time.monotonic() - last_change > timeout + GRACE + (STARTUP if stamp is None else 0):
            kill()
            return None
    return code


def subprocess_launch(
    args: list[str], cwd: Path, report: Path, timeout: float
) -> tuple[int | None, str]:
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", "pytest", *args],
            cwd=cwd,
            env=child_environment(),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )

        def kill() -> None:
            child.kill()
            child.wait()

        code = watch_child(child.poll, kill, report, timeout)
        output.seek(0)
        return code, output.read()
