"""The child's side of the result stream: one JSON line per record, appended and flushed as it
happens, so that a killed run loses nothing it already reported. The CLI reads these lines
(`checker.cli.runner.stream`); their shapes are in `checker/results/schema.json`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from checker.results import SCHEMA_VERSION


class StreamWriter:
    def __init__(self, path: Path | None) -> None:
        # Taken before any learner code runs: the guard reports tampering through these even
        # when the learner's code has replaced os.write or this class's methods.
        self._write = os.write
        # O_APPEND: each record is one write() of a whole line, never interleaved or half-seen.
        self._fd = (
            os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            if path is not None
            else None
        )

    def emit(self, type_: str, **fields: Any) -> None:
        if self._fd is None:
            return
        line = json.dumps({"type": type_, **fields}, ensure_ascii=False, default=repr)
        self.write_line(line)

    def write_line(self, line: str) -> None:
        """Append one record already encoded as JSON (the guard's, which bypasses `emit`)."""
        if self._fd is not None:
            self._write(self._fd, (line + "\n").encode("utf-8"))

    def start(self, database: str, isolation: str, isolation_note: str | None) -> None:
        self.emit(
            "start",
            schema_version=SCHEMA_VERSION,
            database=database,
            isolation=isolation,
            isolation_note=isolation_note,
            pid=os.getpid(),
        )

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
