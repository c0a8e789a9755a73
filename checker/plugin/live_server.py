"""The app under a real uvicorn, for checks that need a real server (`live_server` fixture).

The server is `python -m checker.plugin.serve` in a subprocess: it imports the app from the very
files this run grades (the learner's, the solution, or a mutant's tree — never whatever an import
path finds on disk), records the SQL it sends into a file this check reads back, and serves on a
free loopback port. It cannot outlive its check: it gets its own process group, killed when the
check ends, and on Linux the kernel kills it if the grading process itself dies (PDEATHSIG).
"""

from __future__ import annotations

import ctypes
import json
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from checker.plugin.containment import signal_group
from checker.plugin.run_state import RunState, kata_of
from checker.results import Statement
from checker.workbook.kinds import LEARNER_TREE, files_of

if TYPE_CHECKING:
    import httpx

# A traceback's last line: a dotted class name with a lowercase letter in it (so not a log
# level such as "ERROR:"), then ": ".
_EXCEPTION_LINE = re.compile(r"(?:[a-z_]\w*\.)*[A-Z]\w*[a-z]\w*: ")
READY_TIMEOUT = 15.0  # seconds for the app to import and start serving
STOP_TIMEOUT = 3.0  # seconds between SIGTERM and SIGKILL
_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:
    """In the server's process, before it runs: die when the grading process dies (Linux)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not Linux: the process group kill in stop() is what remains
        pass


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    folder: Path
    log: Path
    statements_file: Path
    hooks: dict[str, list[Any]] = field(default_factory=dict)  # set by the fixture
    _read: int = field(default=0)

    def client(self, **options: Any) -> httpx.AsyncClient:
        """An httpx client on the server whose requests are recorded like the app client's."""
        import httpx

        return httpx.AsyncClient(base_url=self.url, event_hooks=self.hooks, **options)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        """Stop the server and everything it started; returns when they are gone."""
        if self.process.poll() is None:
            signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        signal_group(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def read_statements(self) -> list[Statement]:
        """The statements the server recorded since the last read."""
        try:
            lines = self.statements_file.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        fresh, self._read = lines[self._read :], len(lines)
        statements = []
        for line in fresh:
            try:
                statements.append(Statement.from_json(json.loads(line)))
            except (ValueError, KeyError):  # a line cut off when the server was killed
                continue
        return statements

    def output(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def logged_exception(self, wait: float = 1.0) -> str:
        """The last exception the server logged ("IntegrityError: …"), or "" if none: what a 500
        it answered was about. Its log may lag the response a little, so wait up to `wait` s."""
        deadline = time.monotonic() + wait
        while True:
            raised = [line for line in self.output().splitlines() if _EXCEPTION_LINE.match(line)]
            if raised or time.monotonic() >= deadline:
                return raised[-1] if raised else ""
            time.sleep(0.05)


def _wait_until_ready(server: LiveServer, port: int) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    server.stop()
    what = "exited" if server.process.returncode not in (None, -9) else "did not start serving"
    tail = "\n".join(server.output().strip().splitlines()[-15:])
    pytest.fail(
        f"Your app {what} under uvicorn (within {READY_TIMEOUT:g} s). Its last output:\n{tail}",
        pytrace=False,
    )


def start_live_server(request: pytest.FixtureRequest, state: RunState) -> LiveServer:
    kata, root = kata_of(request.path)
    files = files_of(kata)
    entry = state.learner_code(kata, root)
    folder = Path(tempfile.mkdtemp(prefix="checker-server-"))
    port = free_port()
    server_log, statements = folder / "output.txt", folder / "statements.jsonl"
    command = [
        sys.executable,
        "-m",
        "checker.plugin.serve",
        "--entry",
        str(entry),
        "--module",
        files.module_name(LEARNER_TREE),
        "--root",
        str(root),
        "--port",
        str(port),
        "--statements",
        str(statements),
    ]
    state.mark_learner_called()
    with server_log.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() kills all it started
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, folder, server_log, statements)
    _wait_until_ready(server, port)
    return server
