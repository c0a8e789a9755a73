"""The sandbox that runs a learner's unreviewed code (`checker.classroom.sandbox`): no network but
the database, nothing writable but the learner's copy, none of the instructor's environment.

The tests that run code inside need bubblewrap (`apt-get install bubblewrap`) and user namespaces
or root; where either is missing they are skipped with the reason `detect()` gives.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from checker.classroom import pg_socket, sandbox
from checker.classroom.sandbox import Sandbox, detect
from checker.errors import CheckerError
from checker.workbook.catalog import load_catalog
from checker.workbook.kinds import files_of
from tests.conftest import ROOT, postgres_url

BOX = detect()
needs_bwrap = pytest.mark.skipif(not BOX.available, reason=f"no sandbox here: {BOX.reason}")


def run_inside(code: str, writable: list[Path], database_url: str | None = None):
    prepared = BOX.wrap(
        [sys.executable, "-c", code],
        writable=writable,
        readable=[ROOT],
        database_url=database_url,
    )
    return subprocess.run(
        prepared.argv, env=prepared.env, capture_output=True, text=True, timeout=60
    )


# --- where there is no sandbox -------------------------------------------------------------------


def test_without_bwrap_detect_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    detect.cache_clear()
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    try:
        found = detect()
    finally:
        detect.cache_clear()
    assert found.kind == "none" and not found.available
    assert found.reason and "bubblewrap is not installed" in found.reason
    assert "UNSANDBOXED" in found.summary and found.reason in found.summary


def test_unsandboxed_wrap_keeps_the_command_but_never_the_instructors_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "s3cret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cret")
    monkeypatch.setenv("CHECKER_MEMORY_MB", "512")
    monkeypatch.setenv("CHECKER_DATABASE_URL", "postgresql://instructor@localhost/theirs")
    prepared = Sandbox("none", "no bubblewrap").wrap(
        ["python", "-V"], writable=[], readable=[], database_url="sqlite:///x.db"
    )
    assert prepared.argv == ["python", "-V"]
    assert set(prepared.env) == {
        "PATH",
        "HOME",
        "LANG",
        "PYTHONDONTWRITEBYTECODE",
        "CHECKER_MEMORY_MB",
        "CHECKER_DATABASE_URL",
    }
    assert prepared.env["CHECKER_DATABASE_URL"] == "sqlite:///x.db"
    assert prepared.env["HOME"] != os.path.expanduser("~")
    assert "s3cret" not in json.dumps(prepared.env)


def test_the_mounts_come_in_the_order_bubblewrap_needs(tmp_path: Path) -> None:
    """A later mount covers an earlier one: empty /tmp and home first, then what is shown again
    through them, the writable copy last but the home's read-only remount."""
    learner = tmp_path / "learner"
    learner.mkdir()
    argv = sandbox.bubblewrap_argv(
        writable=[learner],
        readable=[ROOT, ROOT / "checker"],
        sockets=[],
        hostname="sandbox-x",
    )
    assert argv[:5] == ["bwrap", "--ro-bind", "/", "/", "--dev"]
    assert argv.index("/tmp") < argv.index(str(learner))
    assert argv.count(str(ROOT)) == 2 and str(ROOT / "checker") not in argv  # outermost only
    assert argv.index(str(ROOT)) < argv.index(str(learner))
    for flag in ("--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"):
        assert flag in argv
    assert {"--die-with-parent", "--new-session", "--clearenv"} <= set(argv)


def test_a_remote_postgres_is_unreachable_from_the_sandbox() -> None:
    with pytest.raises(CheckerError, match="unreachable from the sandbox: db.example.com"):
        pg_socket.route("postgresql+psycopg2://u:pw@db.example.com:5432/class")


# --- inside the sandbox --------------------------------------------------------------------------


@needs_bwrap
def test_no_network_inside() -> None:
    with socket.socket() as server:  # a port open on the instructor's loopback
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        code = (
            "import socket\n"
            f"for address in (('127.0.0.1', {port}), ('1.1.1.1', 53)):\n"
            "    try:\n"
            "        socket.create_connection(address, timeout=3).close()\n"
            "        print('CONNECTED', address)\n"
            "    except OSError as exc:\n"
            "        print('refused', address, exc)\n"
        )
        done = run_inside(code, writable=[])
    assert done.returncode == 0, done.stderr
    assert "CONNECTED" not in done.stdout
    assert [line.split()[0] for line in done.stdout.splitlines()] == ["refused", "refused"]


@needs_bwrap
def test_only_the_writable_paths_can_be_written(tmp_path: Path) -> None:
    learner = tmp_path / "learner"
    learner.mkdir()
    targets = [ROOT / "sandbox-escape.txt", Path.home() / "sandbox-escape.txt", learner / "ok.txt"]
    code = (
        "import sys\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        open(path, 'w').write('x')\n"
        "        print('wrote', path)\n"
        "    except OSError as exc:\n"
        "        print('denied', path, exc.strerror)\n"
    )
    prepared = BOX.wrap(
        [sys.executable, "-c", code, *map(str, targets)],
        writable=[learner],
        readable=[ROOT],
        database_url=None,
    )
    done = subprocess.run(prepared.argv, env=prepared.env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"denied {targets[0]}" in done.stdout
    assert f"denied {targets[1]}" in done.stdout
    assert f"wrote {targets[2]}" in done.stdout
    assert (learner / "ok.txt").read_text() == "x"
    assert not targets[0].exists() and not targets[1].exists()


@needs_bwrap
def test_none_of_the_instructors_environment_and_a_fresh_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "s3cret")
    code = (
        "import json, os\n"
        "home = os.environ['HOME']\n"
        "print(json.dumps({'env': dict(os.environ), 'home': os.listdir(home),\n"
        "    'real': os.path.expanduser('~')}))\n"
    )
    done = run_inside(code, writable=[tmp_path])
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert "s3cret" not in done.stdout and "GITHUB_TOKEN" not in seen["env"]
    assert seen["home"] == [] and seen["env"]["HOME"] != os.path.expanduser("~")
    assert seen["env"]["LANG"] == "C.UTF-8"


# --- a real grading run through the sandbox ------------------------------------------------------


@pytest.fixture
def solved_clone(tmp_path: Path) -> Path:
    """A learner's copy: the workbook's katas/ with kata 1.1 solved."""
    clone = tmp_path / "learner"
    shutil.copytree(ROOT / "katas", clone / "katas", ignore=shutil.ignore_patterns("__pycache__"))
    kata = next(k for k in load_catalog(ROOT).katas if k.id == "1.1")
    for name in files_of(kata).relative:
        shutil.copyfile(ROOT / "solutions" / name, clone / "katas" / name)
    return clone


def grade_inside(clone: Path, database_url: str | None) -> dict:
    database = ["--db", "postgres"] if database_url else []
    argv = [sys.executable, "-m", "checker", *database, "grade", "--pristine", str(clone)]
    prepared = BOX.wrap(
        [*argv, "--kata", "1.1", "--json"],
        writable=[clone],
        readable=[ROOT],
        database_url=database_url,
    )
    done = subprocess.run(
        prepared.argv, env=prepared.env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done
    return json.loads(done.stdout)


@needs_bwrap
def test_a_grading_run_inside_on_sqlite(solved_clone: Path) -> None:
    report = grade_inside(solved_clone, None)
    assert [(k["kata_id"], k["status"]) for k in report["katas"]] == [("1.1", "passed")]


@needs_bwrap
@pytest.mark.skipif(not postgres_url(), reason="CHECKER_DATABASE_URL is not set")
def test_a_grading_run_inside_on_postgres_through_its_socket(solved_clone: Path) -> None:
    url = postgres_url()
    assert url
    inside = pg_socket.route(url).url
    assert "?host=/" in inside and "@/" in inside  # no TCP host: the socket folder
    report = grade_inside(solved_clone, url)
    assert [(k["kata_id"], k["status"]) for k in report["katas"]] == [("1.1", "passed")]
    assert "host=/" in report["database"]
