"""The warm runner: a worker process that imports SQLAlchemy, FastAPI, pytest and the plugin once,
then forks a fresh child for every run.

The child imports the learner's module anew (so an edit is always seen), runs the checks with
`pytest.main`, and exits; a crash or a hang in learner code takes down only that child.
`gc.freeze()`
before forking keeps the imported objects out of the child's garbage collector, so copy-on-write
pages stay shared and the first collection in the child is cheap.

The parent talks to a worker with one JSON line each way per run. Where fork is unavailable
(Windows), or CHECKER_NO_FORK is set, `WarmRunner.available()` is false and callers use plain
subprocesses instead.
"""

from __future__ import annotations

import gc
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from checker.cli.runner.launch import (
    child_environment,
    interrupt_group,
    kill_group,
    subprocess_launch,
    watch_child,
)
from checker.plugin.containment import running

PRELOAD = (
    "sqlalchemy",
    "sqlalchemy.orm",
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql",
    "psycopg2",
    "pytest",
    "_pytest.pytester",
    "pytest_timeout",
    "checker.plugin.hooks",
    "pytest_asyncio.plugin",
    "aiosqlite",
    "asyncpg",
    "sqlalchemy.dialects.postgresql.asyncpg",
    "sqlalchemy.dialects.sqlite.aiosqlite",
    "fastapi",
    "pydantic",
    "httpx",
    "asgi_lifespan",
)


def _preload() -> None:
    import importlib

    from _pytest.config import default_plugins

    for name in (*PRELOAD, *(f"_pytest.{plugin}" for plugin in default_plugins)):
        try:
            importlib.import_module(name)
        except ImportError:  # an optional extra that is not installed: the child imports lazily
            pass


def _run_forked(
    args: list[str], cwd: str, stream: Path, output: str, backstop: float
) -> int | None:
    pid = os.fork()
    if pid == 0:  # the child: run the checks, then leave without running the worker's cleanup
        code = 4
        try:
            os.setpgid(0, 0)  # a group of its own, killed as a whole when it ends
            # Ctrl-C reaches the child with the CLI: as a KeyboardInterrupt, so pytest still ends
            # the session and the plugin drops the check's database (a role, on Postgres).
            signal.signal(signal.SIGINT, signal.default_int_handler)
            os.chdir(cwd)
            null = os.open(os.devnull, os.O_RDONLY)
            sink = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(null, 0)
            os.dup2(sink, 1)
            os.dup2(sink, 2)
            gc.enable()
            import pytest

            code = int(pytest.main(args))
        except BaseException:  # report it the way a crashed subprocess would
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    try:
        os.setpgid(pid, pid)  # as the child does: whichever runs first, no race
    except OSError:  # it already did, or has already exited
        pass
    print(json.dumps({"pid": pid}), flush=True)  # the CLI passes Ctrl-C on to this group

    def poll() -> int | None:
        done, status = os.waitpid(pid, os.WNOHANG)
        return os.waitstatus_to_exitcode(status) if done else None

    def kill() -> None:
        kill_group(pid)
        os.waitpid(pid, 0)

    try:
        return watch_child(poll, kill, stream, backstop)
    finally:
        kill_group(pid)


def serve() -> None:
    """The worker's loop: one request line in, one answer line out."""
    # Ctrl-C in the terminal reaches the whole process group: the CLI handles it and closes us;
    # a traceback from here would only clutter the learner's screen.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.update(child_environment())
    _preload()
    gc.collect()
    gc.freeze()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        code = _run_forked(
            request["args"],
            request["cwd"],
            Path(request["stream"]),
            request["output"],
            request["backstop"],
        )
        print(json.dumps({"code": code}), flush=True)


class _Worker:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "checker.cli.runner.warm"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=child_environment(),
            text=True,
            bufsize=1,
        )
        self.ready = False

    def ask(self, request: dict) -> dict:
        assert self.process.stdin and self.process.stdout
        if not self.ready:
            json.loads(self.process.stdout.readline() or "{}").get("ready") or self._dead()
            self.ready = True
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        child = None
        try:
            while True:
                answer = self.process.stdout.readline()
                if not answer:
                    return self._dead()
                message = json.loads(answer)
                if "pid" not in message:
                    return dict(message)
                child = int(message["pid"])
        except KeyboardInterrupt:
            if child is not None:  # the child has a group of its own: Ctrl-C did not reach it
                interrupt_group(child, lambda: not running(child))
            raise

    def _dead(self) -> dict:
        raise OSError("the warm worker exited")

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin
            self.process.stdin.close()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()


class WarmRunner:
    """A small pool of warm workers (one per core by default); `launch` has the signature of
    `checker.cli.runner.launch.subprocess_launch` and falls back to it if a worker dies."""

    def __init__(self, workers: int = 1) -> None:
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(workers):
            self._idle.put(_Worker())
        self._lock = threading.Lock()

    @staticmethod
    def available() -> bool:
        return hasattr(os, "fork") and not os.environ.get("CHECKER_NO_FORK")

    def launch(
        self, args: list[str], cwd: Path, stream: Path, backstop: float
    ) -> tuple[int | None, str]:
        worker = self._idle.get()
        try:
            with tempfile.TemporaryDirectory(prefix="checker-out-") as folder:
                output = Path(folder) / "output.txt"
                request = {
                    "args": args,
                    "cwd": str(cwd),
                    "stream": str(stream),
                    "output": str(output),
                    "backstop": backstop,
                }
                try:
                    code = worker.ask(request)["code"]
                except (OSError, ValueError):
                    worker.close()
                    worker = _Worker()  # replace it for the next run; this one runs cold
                    return subprocess_launch(args, cwd, stream, backstop)
                text = (
                    output.read_text(encoding="utf-8", errors="replace") if output.exists() else ""
                )
                return code, text
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get().close()

    def __enter__(self) -> WarmRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    serve()
