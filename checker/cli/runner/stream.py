"""The CLI's side of the result stream: reading the JSON lines the child appends
(`checker.plugin.stream`), whole lines only, as often as the watchdog likes."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any


class StreamReader:
    """Reads the records appended to a stream file since the last call."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records: list[dict[str, Any]] = []
        self._offset = 0
        self._partial = b""

    def poll(self) -> list[dict[str, Any]]:
        """The records that arrived since the last poll (a half-written line waits)."""
        try:
            with self.path.open("rb") as file:
                file.seek(self._offset)
                chunk = file.read()
        except FileNotFoundError:
            return []
        self._offset += len(chunk)
        lines = (self._partial + chunk).split(b"\n")
        self._partial = lines.pop()
        fresh = []
        for line in lines:
            try:
                fresh.append(json.loads(line))
            except ValueError:  # a line cut short when the child was killed: nothing to read
                continue
        self.records.extend(fresh)
        return fresh

    def current_check(self) -> dict[str, Any] | None:
        """The check_start record of a check that has not reported yet, if any."""
        started: dict[str, Any] | None = None
        for record in self.records:
            if record["type"] == "check_start":
                started = record
            elif record["type"] == "check" and started and record["id"] == started["id"]:
                started = None
        return started


class StreamTail:
    """While a child runs, hands each record it streams to `on_record` as it arrives (a thread
    polling the file), so the CLI can show progress check by check."""

    POLL = 0.05

    def __init__(self, path: Path, on_record: Callable[[dict[str, Any]], None]) -> None:
        self._reader = StreamReader(path)
        self._on_record = on_record
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, daemon=True, name="checker-tail")

    def _follow(self) -> None:
        while not self._stop.wait(self.POLL):
            self._deliver()
        self._deliver()

    def _deliver(self) -> None:
        for record in self._reader.poll():
            self._on_record(record)

    def __enter__(self) -> StreamTail:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
