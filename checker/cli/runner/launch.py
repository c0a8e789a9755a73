"""Starting a child that runs pytest, and stopping it when a check hangs.

Two ways to start one: a fresh `python -m pytest` (works everywhere), or a fork of a warm worker
that has already imported the heavy libraries (`checker.cli.runner.warm`, POSIX only). Both are
watched the same way: the plugin appends a record to its stream as every check starts and ends,
so a stream that stops growing for longer than the backstop means the child is stuck, and it is
killed. On POSIX the child leads a process group of its own, killed as a whole when it ends, so
nothing the learner's code started outlives grading; Ctrl-C is passed on to it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from checker.plugin.containment import signal_group

GROUPS = os.name == "posix"  # the child gets a process group of its own, killed as a whole
GRACE = 5.0  # the backstop waits this much longer than a check's own time limit
STARTUP = 20.0  # extra time before the first record: imports and collection

# (pytest arguments, working folder, stream path, backstop seconds) -> (exit code or None
# when the child was killed, everything it printed)
Launch = Callable[[list[str], Path, Path, float], tuple[int | None, str]]


def backstop_for(timeouts: list[float]) -> float:
    """How long the stream may stay silent: the longest time limit of any kata in the run, plus
    a grace period, so the watchdog never cuts a kata short of its own budget."""
    return max(timeouts, default=0.0) + GRACE


def child_environment() -> dict[str, str]:
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONUNBUFFERED="1")
    env.pop("PYTEST_ADDOPTS", None)  # the learner's own pytest settings must not change grading
    return env


def watch_child(
    poll: Callable[[], int | None], kill: Callable[[], None], stream: Path, backstop: float
) -> int | None:
    """Wait for the child; kill it when its stream stops growing for longer than `backstop`."""
    last_change, last_seen = time.monotonic(), None
    pause = 0.002
    while (code := poll()) is None:
        time.sleep(pause)
        pause = min(pause * 2, 0.05)  # quick children answer quickly; slow ones cost no CPU
        try:
            stamp: int | None = stream.stat().st_size
        except FileNotFoundError:
            stamp = None
        if stamp != last_seen:
            last_seen, last_change = stamp, time.monotonic()
        elif time.monotonic() - last_change > backstop + (STARTUP if not stamp else 0):
            kill()
            return None
    return code


def kill_group(pid: int, number: int = signal.SIGKILL) -> None:
    """Signal the child's process group: the child and whatever the learner's code started that
    is still in it (a subprocess, a daemonised grandchild). Nothing there outlives grading."""
    if GROUPS:
        signal_group(pid, number)


def interrupt_group(pid: int, done: Callable[[], bool], patience: float = 10.0) -> None:
    """Ctrl-C reached the CLI but not the child, which has a process group of its own: pass it
    on, so pytest ends the session and drops the check's database; kill what has not ended
    after `patience` seconds."""
    kill_group(pid, signal.SIGINT)
    deadline = time.monotonic() + patience
    while not done() and time.monotonic() < deadline:
        time.sleep(0.05)
    kill_group(pid)


def subprocess_launch(
    args: list[str], cwd: Path, stream: Path, backstop: float
) -> tuple[int | None, str]:
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", "pytest", *args],
            cwd=cwd,
            env=child_environment(),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            process_group=0 if GROUPS else None,
        )

        def kill() -> None:
            kill_group(child.pid)
            child.kill()
            child.wait()

        try:
            code = watch_child(child.poll, kill, stream, backstop)
        except KeyboardInterrupt:
            interrupt_group(child.pid, lambda: child.poll() is not None)
            raise
        finally:
            kill_group(child.pid)
        output.seek(0)
        return code, output.read()
