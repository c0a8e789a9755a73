"""`checker serve N.M`: the learner's app under uvicorn --reload on a development database, on this
machine only; clear paragraphs when there is no app to serve or the port is taken."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from checker.cli.commands.serve import defines_app
from tests.factory import KataSpec, module_kata, write_workbook
from tests.test_app_fixtures import APP_CHECKS, APP_FILES


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, ready, seconds: float = 40) -> httpx.Response:
    deadline = time.monotonic() + seconds
    last: object = None
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=2)
            if ready(response):
                return response
            last = response.status_code
        except httpx.HTTPError as error:
            last = error
        time.sleep(0.2)
    raise AssertionError(f"{url} was not ready within {seconds} s (last: {last!r})")


def test_defines_app_reads_the_module_top_level():
    assert defines_app("from .main import app\n")
    assert defines_app("from fastapi import FastAPI\napp = FastAPI()\n")
    assert defines_app("app: FastAPI = FastAPI()\n")
    assert not defines_app("def make():\n    app = 1\n")
    assert not defines_app("# app = FastAPI()\nx = 'app'\n")


def test_the_learners_app_is_served_with_reload_and_a_dev_database(tmp_path: Path):
    root = write_workbook(
        tmp_path / "apps", [KataSpec(1, "notes", APP_FILES, APP_CHECKS, "package")]
    )
    port = _free_port()
    env = dict(os.environ, CHECKER_ROOT=str(root), NO_COLOR="1")
    env.pop("CHECKER_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "checker", "serve", "1.1", "--port", str(port)],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # stopped as a group, as Ctrl+C would
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/docs", lambda r: r.status_code == 200)
        created = httpx.post(f"{base}/notes", params={"body": "by hand"}, timeout=5)
        assert created.status_code == 201, created.text
        assert (root / ".checker/dev/kata-1-1.sqlite3").exists(), "the dev database is a file"

        main = root / "katas/p1_demo/k01_notes/main.py"
        main.write_text(
            main.read_text() + '\n\n@app.get("/ping")\nasync def ping():\n    return "pong"\n'
        )
        _wait_for(f"{base}/openapi.json", lambda r: "/ping" in r.json().get("paths", {}))
        kept = httpx.get(f"{base}/notes/{created.json()['id']}", timeout=5)
        assert kept.json()["body"] == "by hand", "data made by hand outlives a reload"
    finally:
        os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/docs" in output, output
    assert "Reloads when you save" in output, output


def test_no_app_or_a_taken_port_is_one_paragraph(tmp_path: Path, monkeypatch, cli):
    root = write_workbook(tmp_path / "plain", [module_kata("def f():\n    return 1\n", "")])
    monkeypatch.setenv("CHECKER_ROOT", str(root))
    monkeypatch.chdir(root)
    result = cli("serve", "1.1")
    assert result.code == 2 and "has no app to serve" in result.err + result.out, result

    root = write_workbook(
        tmp_path / "apps", [KataSpec(1, "notes", APP_FILES, APP_CHECKS, "package")]
    )
    monkeypatch.setenv("CHECKER_ROOT", str(root))
    monkeypatch.chdir(root)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        result = cli("serve", "1.1", "--port", str(port))
    assert result.code == 2 and f"Port {port}" in result.err + result.out, result
