"""Keeping what a kata's code starts inside that kata.

- Threads: a thread the learner's code started that is still running (and not a daemon) when
  its check ends keeps running their code while later checks run. It fails the check that left
  it, and at the end of the run the child exits without waiting for it.
- Processes: a child process still running when its check ends is killed (its process group
  too, if it leads one) and fails the check. The parent kills the child's whole process group
  when the child exits, which catches what escaped (`checker.cli.runner.launch`).
- Memory: a limit on the child's data segment (Linux, RLIMIT_DATA), so a query that loads a
  huge table ends in a MemoryError with a sentence instead of swapping the learner's machine.
  Data, not address space: thread stacks and allocator arenas reserve address space generously
  (40 threads reserve 1.4 GB here) without using it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

DEFAULT_MEMORY_MB = 2048
_GRACE = 0.5  # seconds a thread or process gets to finish after its check before it counts


def set_memory_limit(megabytes: int) -> None:
    """Limit this process's data segment to `megabytes` (0: no limit; not Linux: nothing)."""
    if megabytes <= 0:
        return
    try:
        import resource

        wanted = megabytes * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ImportError, ValueError, OSError):  # Windows, or a platform that refuses
        pass


def child_processes() -> set[int]:
    """The running direct children of this process (Linux; elsewhere: none are watched)."""
    found: set[int] = set()
    for listing in Path("/proc/self/task").glob("*/children"):
        try:
            found.update(int(pid) for pid in listing.read_text().split())
        except (OSError, ValueError):
            continue
    return {pid for pid in found if running(pid)}


def running(pid: int) -> bool:
    """Whether `pid` still runs. A zombie has finished (it only waits to be reaped), so on Linux
    its state in /proc decides; elsewhere, whether it can be signalled."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except IndexError:
        return False
    except OSError:
        if Path("/proc/self/stat").exists():  # Linux, and no such process
            return False
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    return state not in ("Z", "X")


def signal_group(pid: int, number: int) -> None:
    """Signal the process group `pid` leads; one already gone (or not ours) is not an error."""
    try:
        os.killpg(pid, number)
    except (ProcessLookupError, PermissionError):
        pass


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:80] or "?"


def _kill(pid: int) -> None:
    try:
        leads_a_group = os.getpgid(pid) == pid
        if not leads_a_group:
            os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return
    if leads_a_group:
        signal_group(pid, signal.SIGKILL)


def stray_threads() -> list[threading.Thread]:
    """Non-daemon threads other than the main one that are still running."""
    main = threading.main_thread()
    return [t for t in threading.enumerate() if t is not main and t.is_alive() and not t.daemon]


class Leftovers:
    """What one check started and left running."""

    def __init__(self) -> None:
        self._threads: set[int] = set()
        self._processes: set[int] = set()

    def before(self) -> None:
        self._threads = {t.ident for t in threading.enumerate() if t.ident is not None}
        self._processes = child_processes()

    def after(self) -> list[str]:
        """What the check left running, one phrase each; processes are killed."""
        deadline = time.monotonic() + _GRACE
        threads = [t for t in stray_threads() if t.ident not in self._threads]
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        processes = child_processes() - self._processes
        while processes and time.monotonic() < deadline:
            time.sleep(0.02)
            processes = child_processes() - self._processes
        left = [f"thread {t.name!r}" for t in threads if t.is_alive()]
        for pid in sorted(processes):
            left.append(f"process {pid} ({_command(pid)})")
            _kill(pid)
        return left


def left_running_message(left: list[str]) -> str:
    return (
        "Your code left running after the check ended: "
        + ", ".join(left)
        + ". Whatever you start, stop or wait for before returning (join a thread, close a "
        "pool, terminate() and wait() a process): left running, it keeps working while the "
        "next checks run. Processes were stopped."
    )
