"""`python -m checker.plugin.serve`: the process behind the `live_server` fixture.

It imports the kata from the file or package folder it is given (the tree being graded, so a
mutant is served as a mutant), records every statement the app sends into a JSON-lines file with
its origin, and runs the kata's `app` under uvicorn on the given loopback port.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from checker.plugin.capture import Capture, attach
from checker.plugin.loading import KataLoadError, load_module


class FileCapture(Capture):
    """A capture that appends each statement to a file as it is sent (the server may be killed
    at any time: what it recorded is already on disk)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def record(self, sql: str, parameters: Any, many: bool, kind: str = "sql") -> None:
        before = len(self.statements)
        super().record(sql, parameters, many, kind)
        if len(self.statements) > before:
            line = json.dumps(self.statements[-1].__dict__, ensure_ascii=False) + "\n"
            os.write(self._fd, line.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entry", required=True, help="the kata's file or package folder")
    parser.add_argument("--module", required=True, help="the name to import it as")
    parser.add_argument("--root", required=True, help="the workbook, for paths in messages")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--statements", required=True, help="append the app's SQL here")
    args = parser.parse_args()

    entry = Path(args.entry)
    capture = FileCapture(Path(args.statements))
    capture.start((str(entry.resolve()),))
    capture.phase = "call"  # everything the server sends happens while the check runs
    attach(capture)
    try:
        module = load_module(entry, args.module, Path(args.root))
    except KataLoadError as exc:
        raise SystemExit(str(exc)) from None  # one line in the check's message, no traceback

    import uvicorn

    uvicorn.run(module.app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="on")


if __name__ == "__main__":
    main()
