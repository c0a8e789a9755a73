"""`checker watch [N.M]`: re-check the current kata every time a file in katas/ is saved.

Three sources feed one queue: file events (watchfiles, or polling with --poll), key presses
(h hint, e edit, n next, r re-run, q quit) and the runs themselves, which happen on the main
thread in a warm worker's forked child. Saves that arrive while a run is in progress are
coalesced into one re-run, never queued one per save.
"""

from __future__ import annotations

import os
import queue
import select
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from checker import results as r
from checker.cli import render as ui
from checker.cli.commands.grade import first_unsolved, grade
from checker.cli.databases import DatabaseTarget
from checker.cli.editor import open_in_editor
from checker.cli.state.progress import Progress
from checker.errors import CheckerError
from checker.workbook.catalog import Catalog, Kata

CHANGE, KEY = "change", "key"


class _Keys:
    """Single key presses from the terminal, without Enter (cbreak mode), pausable for an editor."""

    def __init__(self, events: queue.Queue) -> None:
        self.events = events
        self.paused = threading.Event()
        self.stopped = threading.Event()
        self._saved = None
        self.fd = sys.stdin.fileno() if sys.stdin.isatty() else None

    def start(self) -> None:
        if self.fd is None:
            return
        self._cbreak(True)
        threading.Thread(target=self._read, daemon=True, name="checker-keys").start()

    def _cbreak(self, on: bool) -> None:
        import termios
        import tty

        if on:
            self._saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)
        elif self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def _read(self) -> None:
        while not self.stopped.is_set():
            if self.paused.is_set():
                time.sleep(0.05)
                continue
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready and not self.paused.is_set():
                self.events.put((KEY, os.read(self.fd, 1).decode(errors="ignore").lower()))

    def pause(self) -> None:
        if self.fd is not None:
            self.paused.set()
            self._cbreak(False)

    def resume(self) -> None:
        if self.fd is not None:
            self._cbreak(True)
            self.paused.clear()

    def stop(self) -> None:
        self.stopped.set()
        if self.fd is not None:
            self._cbreak(False)


def _watch_files(folder: Path, events: queue.Queue, stop: threading.Event, poll: bool) -> None:
    import watchfiles

    for changes in watchfiles.watch(
        folder,
        watch_filter=watchfiles.PythonFilter(),
        stop_event=stop,
        force_polling=poll or None,
        poll_delay_ms=100,
        step=25,
        debounce=400,
        rust_timeout=500,
        raise_interrupt=False,
    ):
        events.put((CHANGE, (time.perf_counter(), sorted(path for _, path in changes))))


class WatchSession:
    def __init__(
        self,
        catalog: Catalog,
        kata: Kata,
        target: DatabaseTarget,
        timeout: float,
        launch: Callable,
        on_verdict: Callable[[r.KataResult, float], None] | None = None,
    ) -> None:
        self.catalog, self.kata, self.target, self.timeout = catalog, kata, target, timeout
        self.launch = launch
        self.on_verdict = on_verdict
        self.events: queue.Queue = queue.Queue()
        self.hints_shown = Progress.load(catalog.root).hints.get(kata.id, 0)
        self.result: r.KataResult | None = None

    def run(self, saved_at: float | None = None) -> r.KataResult:
        started = saved_at or time.perf_counter()
        run = grade(self.catalog, [self.kata], self.target, self.timeout, launch=self.launch)
        self.result = run.katas[0]
        if self.on_verdict:
            self.on_verdict(self.result, started)
        return self.result

    def next_kata(self) -> Kata | None:
        progress = Progress.load(self.catalog.root)
        later = [
            k
            for k in self.catalog.katas
            if k.id != self.kata.id and progress.status(k) != r.KATA_PASSED
        ]
        after = [k for k in later if (k.phase, k.number) > (self.kata.phase, self.kata.number)]
        return (after or later or [None])[0]

    def show(self) -> None:
        assert self.result is not None
        ui.render_watch(
            self.result, self.kata, self.catalog.root, self.hints_shown, self.next_kata()
        )

    def drain(self) -> tuple[float | None, list[str]]:
        """Everything queued since the last run: changes collapse into one; keys are kept."""
        first_change, keys = None, []
        while True:
            try:
                kind, value = self.events.get_nowait()
            except queue.Empty:
                return first_change, keys
            if kind == CHANGE:
                first_change = value[0] if first_change is None else min(first_change, value[0])
            else:
                keys.append(value)


def watch(
    catalog: Catalog, kata: Kata | None, target: DatabaseTarget, timeout: float, poll: bool
) -> int:
    from checker.cli.runner.launch import subprocess_launch
    from checker.cli.runner.warm import WarmRunner

    kata = kata or first_unsolved(catalog, Progress.load(catalog.root))
    if kata is None:
        ui.out.print(
            "Every kata passes: there is nothing to watch. `checker watch N.M` watches one anyway."
        )
        return 0
    runner = WarmRunner(1) if WarmRunner.available() else None
    session = WatchSession(
        catalog, kata, target, timeout, runner.launch if runner else subprocess_launch
    )
    stop = threading.Event()
    keys = _Keys(session.events)
    watcher = threading.Thread(
        target=_watch_files, args=(catalog.root / "katas", session.events, stop, poll), daemon=True
    )
    try:
        watcher.start()
        keys.start()
        session.run()
        session.show()
        while True:
            try:
                kind, value = session.events.get(timeout=0.2)
            except queue.Empty:
                continue
            session.events.put((kind, value))
            changed_at, pressed = session.drain()
            for key in pressed:
                if key in ("q", "\x1b"):
                    return 0
                if key == "h":
                    session.hints_shown = Progress.load(catalog.root).reveal_hint(session.kata)
                elif key == "n" and session.result and session.result.status == r.KATA_PASSED:
                    following = session.next_kata()
                    if following:
                        session.kata = following
                        session.hints_shown = Progress.load(catalog.root).hints.get(following.id, 0)
                        changed_at = changed_at or time.perf_counter()
                elif key == "e":
                    keys.pause()
                    try:
                        open_in_editor(catalog.root / "katas" / session.kata.rel_path)
                    except CheckerError as exc:
                        ui.error(str(exc))
                        time.sleep(2)
                    finally:
                        keys.resume()
                elif key == "r":
                    changed_at = changed_at or time.perf_counter()
            if changed_at is not None:
                session.run(changed_at)
            session.show()
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()
        keys.stop()
        if runner:
            runner.close()
        ui.out.print("\nStopped watching.")
