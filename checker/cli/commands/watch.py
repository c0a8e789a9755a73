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
from typing import Any

from checker.cli import render as ui
from checker.cli.commands.grade import grade
from checker.cli.databases import DatabaseTarget
from checker.cli.editor import open_in_editor
from checker.cli.runner.launch import Launch
from checker.cli.state.progress import Progress
from checker.errors import CheckerError
from checker.results import KATA_PASSED, KataResult
from checker.workbook.catalog import Catalog, Kata
from checker.workbook.kinds import LEARNER_TREE, files_of

CHANGE, KEY = "change", "key"
QUIT, RERUN = "quit", "rerun"


class _Keys:
    """Single key presses from the terminal, without Enter (cbreak mode), pausable for an editor."""

    def __init__(self, events: queue.Queue[tuple[str, Any]]) -> None:
        self.events = events
        self.paused = threading.Event()
        self.stopped = threading.Event()
        self._saved: list[Any] | None = None
        self.fd: int | None = sys.stdin.fileno() if sys.stdin.isatty() else None

    def start(self) -> None:
        if self.fd is None:
            return
        self._cbreak(True)
        threading.Thread(
            target=self._read, args=(self.fd,), daemon=True, name="checker-keys"
        ).start()

    def _cbreak(self, on: bool) -> None:
        import termios
        import tty

        if self.fd is None:
            return
        if on:
            self._saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)
        elif self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def _read(self, fd: int) -> None:
        while not self.stopped.is_set():
            if self.paused.is_set():
                time.sleep(0.05)
                continue
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready and not self.paused.is_set():
                self.events.put((KEY, os.read(fd, 1).decode(errors="ignore").lower()))

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
        watch_filter=watchfiles.DefaultFilter(),
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
    """The kata being watched, its last result, and what each event does to them."""

    def __init__(
        self,
        catalog: Catalog,
        kata: Kata,
        target: DatabaseTarget,
        timeout: float | None,
        launch: Launch,
        on_verdict: Callable[[KataResult, float], None] | None = None,
    ) -> None:
        self.catalog, self.kata, self.target, self.timeout = catalog, kata, target, timeout
        self.launch = launch
        self.on_verdict = on_verdict
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.hints_shown = Progress.load(catalog.root).hints.get(kata.id, 0)
        self.result: KataResult | None = None

    def run(self, saved_at: float | None = None) -> KataResult:
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
            if k.id != self.kata.id and progress.status(k) != KATA_PASSED
        ]
        after = [k for k in later if (k.phase, k.number) > (self.kata.phase, self.kata.number)]
        return (after or later or [None])[0]  # type: ignore[list-item]

    def show(self) -> None:
        assert self.result is not None
        ui.render_watch(
            self.result, self.kata, self.catalog.root, self.hints_shown, self.next_kata()
        )

    def concerns(self, paths: list[str]) -> bool:
        """Whether a save touched one of the watched kata's files."""
        files = files_of(self.kata)
        tree = self.catalog.root / LEARNER_TREE
        return any(files.owns(Path(path), tree) for path in paths)

    def drain(self) -> tuple[float | None, list[str]]:
        """Everything queued since the last run: saves of the kata's files collapse into one
        (the time of the first); keys are kept in order."""
        first_change: float | None = None
        keys: list[str] = []
        while True:
            try:
                kind, value = self.events.get_nowait()
            except queue.Empty:
                return first_change, keys
            if kind == KEY:
                keys.append(value)
            elif self.concerns(value[1]):
                first_change = value[0] if first_change is None else min(first_change, value[0])

    def press(self, key: str, keys: _Keys) -> str | None:
        """Act on one key: returns QUIT, RERUN, or None (the screen is redrawn either way)."""
        if key in ("q", "\x1b"):
            return QUIT
        if key == "h":
            self.hints_shown = Progress.load(self.catalog.root).reveal_hint(self.kata)
        elif key == "n" and self.result and self.result.status == KATA_PASSED:
            following = self.next_kata()
            if following:
                self.kata = following
                self.hints_shown = Progress.load(self.catalog.root).hints.get(following.id, 0)
                return RERUN
        elif key == "e":
            self.edit(keys)
        elif key == "r":
            return RERUN
        return None

    def edit(self, keys: _Keys) -> None:
        keys.pause()
        try:
            open_in_editor(*files_of(self.kata).first_todo(self.catalog.root / LEARNER_TREE))
        except CheckerError as exc:
            ui.error(str(exc))
            time.sleep(2)
        finally:
            keys.resume()

    def loop(self, keys: _Keys) -> None:
        """Run, show, then wait for saves and keys until the learner quits."""
        self.run()
        self.show()
        while True:
            try:
                self.events.put(self.events.get(timeout=0.2))
            except queue.Empty:
                continue
            changed_at, pressed = self.drain()
            for key in pressed:
                action = self.press(key, keys)
                if action == QUIT:
                    return
                if action == RERUN:
                    changed_at = changed_at or time.perf_counter()
            if changed_at is not None:
                self.run(changed_at)
            self.show()


def watch(
    catalog: Catalog, kata: Kata | None, target: DatabaseTarget, timeout: float | None, poll: bool
) -> int:
    from checker.cli.runner.launch import subprocess_launch
    from checker.cli.runner.warm import WarmRunner

    kata = kata or Progress.load(catalog.root).first_unsolved(catalog)
    if kata is None:
        ui.render_nothing_to_watch()
        return 0
    runner = WarmRunner(1) if WarmRunner.available() else None
    session = WatchSession(
        catalog, kata, target, timeout, runner.launch if runner else subprocess_launch
    )
    stop = threading.Event()
    keys = _Keys(session.events)
    watcher = threading.Thread(
        target=_watch_files,
        args=(catalog.root / LEARNER_TREE, session.events, stop, poll),
        daemon=True,
    )
    try:
        watcher.start()
        keys.start()
        session.loop(keys)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()
        keys.stop()
        if runner:
            runner.close()
        ui.render_stopped_watching()
