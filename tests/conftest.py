"""Shared fixtures for the project's own tests.

The README's test command runs these twice in CI: on SQLite, and with CHECKER_DATABASE_URL set,
on Postgres. `target_db` is the database the workbook is graded on in this run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from checker.cli.databases import DatabaseTarget, normalize_postgres_url
from checker.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


def postgres_url() -> str | None:
    url = os.environ.get("CHECKER_DATABASE_URL")
    return normalize_postgres_url(url) if url else None


@pytest.fixture(scope="session")
def target_db() -> DatabaseTarget:
    url = postgres_url()
    return DatabaseTarget("postgres", url) if url else DatabaseTarget("sqlite")


@pytest.fixture
def workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the workbook (so progress, stubs and edits never touch the real one)."""
    copy = tmp_path / "workbook"
    for folder in ("phases", "katas", "solutions"):
        shutil.copytree(
            ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", ".draft_*")
        )
    monkeypatch.setenv("CHECKER_ROOT", str(copy))
    monkeypatch.chdir(copy)
    return copy


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"<exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}>"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run `checker ARGS...` in this process; returns exit code and both outputs."""

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
