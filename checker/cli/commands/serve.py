"""`checker serve 5.2`: the learner's app for a kata under `uvicorn --reload`, on a development
database, with /docs ready to click — so a learner can try by hand what the checks try.

The app is served from katas/ (the learner's files, never the solution), on this machine only
(127.0.0.1), and reloads on every save of the kata's files. Its database is a SQLite file in
.checker/dev/ that outlives the server (so data made by hand is still there after a reload), or,
with --db postgres, the Postgres database the checker is pointed at.
"""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
from pathlib import Path

from checker.cli.databases import DatabaseTarget, mask_password
from checker.cli.render.base import out
from checker.errors import CheckerError
from checker.workbook.catalog import Kata
from checker.workbook.kinds import LEARNER_TREE, files_of
from checker.workbook.paths import state_dir
from checker.workbook.urls import to_async_url

HOST = "127.0.0.1"


def defines_app(source: str) -> bool:
    """Whether a module's top level binds the name `app` (assigned, or imported)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return True  # let uvicorn show the syntax error where it is
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "app" for t in targets):
                return True
        if isinstance(node, ast.ImportFrom | ast.Import):
            if any((alias.asname or alias.name) == "app" for alias in node.names):
                return True
    return False


def dev_database_url(root: Path, kata: Kata, target: DatabaseTarget) -> str:
    """Where the served app keeps its data: async URL of a file per kata, or the Postgres server."""
    if target.kind == "postgres" and target.url:
        return to_async_url(target.url)
    folder = state_dir(root) / "dev"
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / ("kata-" + kata.id.replace(".", "-") + ".sqlite3")
    return f"sqlite+aiosqlite:///{database}"


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def uvicorn_command(root: Path, kata: Kata, port: int, reload: bool) -> list[str]:
    files = files_of(kata)
    command = [sys.executable, "-m", "uvicorn", f"{files.module_name()}:app"]
    command += ["--host", HOST, "--port", str(port)]
    if reload:
        watched = root / LEARNER_TREE / files.entry
        command += [
            "--reload",
            "--reload-dir",
            str(watched if files.is_package else watched.parent),
        ]
    return command


def serve(root: Path, kata: Kata, target: DatabaseTarget, port: int, reload: bool = True) -> int:
    files = files_of(kata)
    tree = root / LEARNER_TREE
    entry_file = files.paths(tree)[0]
    if files.missing(tree):
        raise CheckerError(
            f"Kata {kata.id}'s files are missing from {files.shown()}: `checker reset {kata.id}` "
            "puts the stub back (your version, if any, is backed up first)."
        )
    if not defines_app(entry_file.read_text(encoding="utf-8")):
        raise CheckerError(
            f"Kata {kata.id} has no app to serve: {entry_file.relative_to(root)} defines no `app`. "
            "`checker serve` is for the katas that build a FastAPI app (Phase 5 on)."
        )
    if not port_is_free(port):
        raise CheckerError(
            f"Port {port} on {HOST} is taken (another server, perhaps an earlier `checker serve`). "
            f"Stop it, or choose another port: checker serve {kata.id} --port {port + 1}"
        )
    url = dev_database_url(root, kata, target)
    out.print(
        f"Serving kata {kata.id} from {files.shown()} at http://{HOST}:{port} — try it at "
        f"http://{HOST}:{port}/docs\n"
        f"Database: {mask_password(url)} (DATABASE_URL). "
        + ("Reloads when you save. " if reload else "")
        + "Ctrl+C stops it."
    )
    env = dict(os.environ, DATABASE_URL=url)
    try:
        return subprocess.run(
            uvicorn_command(root, kata, port, reload), cwd=root, env=env
        ).returncode
    except KeyboardInterrupt:
        return 0
