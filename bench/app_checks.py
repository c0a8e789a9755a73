"""(e) of the benchmark: what one app check costs, driven over ASGI (`app_client`) and under a
real uvicorn (`live_server`), against a check with a plain session, on a tiny app workbook made
here. Each figure is the median over runs of the check's own time (setup + call + teardown, from
the grader's stream), so the difference is what the fixture adds. The first app check of a run
also pays for importing the app (FastAPI and the learner's modules); `app_client_again` is what
each one after it costs."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import textwrap
from pathlib import Path

CURRICULUM = """
[[phase]]
number = 1
slug = "bench"
title = "Bench"
goal = "Measure app checks."
topics = ["bench"]
"""

CATALOG = """
[[kata]]
id = "1.1"
slug = "app"
title = "A tiny app"
minutes = 10
kind = "package"
files = ["__init__.py"]
topics = ["bench"]
hints = ["a", "b"]
talking_points = ["c"]
"""

APP = '''
"""Kata 1.1 — a tiny app."""
import os
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


@asynccontextmanager
async def lifespan(app):
    app.state.engine = create_async_engine(os.environ["DATABASE_URL"])
    yield
    await app.state.engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/one")
async def one() -> int:
    async with app.state.engine.connect() as connection:
        return (await connection.execute(text("SELECT 1"))).scalar_one()
'''

CHECKS = '''
from sqlalchemy import text


def test_session(session):
    """A plain session check, for comparison."""
    assert session.execute(text("SELECT 1")).scalar_one() == 1, "one"


async def test_app_client(app_client):
    """One request over ASGI, inside the lifespan."""
    answer = await app_client.get("/one")
    assert answer.json() == 1, "one"


async def test_app_client_again(app_client):
    """The same, once the app's modules are imported: what each further app check costs."""
    answer = await app_client.get("/one")
    assert answer.json() == 1, "one"


async def test_live_server(live_server):
    """One request to the app under uvicorn (a fresh interpreter for every such check)."""
    async with live_server.client() as client:
        answer = await client.get("/one")
    assert answer.json() == 1, "one"
'''


def _workbook(folder: Path) -> Path:
    for tree in ("katas", "solutions"):
        package = folder / tree / "p1_bench" / "k01_app"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(textwrap.dedent(APP).lstrip())
    phase = folder / "phases" / "p1_bench"
    phase.mkdir(parents=True)
    (folder / "phases" / "curriculum.toml").write_text(CURRICULUM)
    (phase / "phase.toml").write_text(CATALOG)
    (phase / "README.md").write_text("# Bench\n")
    (phase / "test_k01_app.py").write_text(CHECKS)
    return folder


def app_check_costs(
    checker: Path, postgres: str | None, runs: int = 5
) -> list[tuple[str, str, float]]:
    """(database, check, median seconds) for each of the three checks."""
    results = []
    with tempfile.TemporaryDirectory(prefix="checker-bench-app-") as folder:
        root = _workbook(Path(folder))
        env = dict(os.environ, CHECKER_ROOT=str(root), NO_COLOR="1")
        for label, extra in (("sqlite", []), ("postgres", ["--db-url", postgres or ""])):
            if label == "postgres" and not postgres:
                continue
            samples: dict[str, list[float]] = {}
            for _ in range(runs):
                done = subprocess.run(
                    [str(checker), "kata", "1.1", "--json", *extra],
                    cwd=root,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                for check in json.loads(done.stdout)["katas"][0]["checks"]:
                    assert check["outcome"] == "passed", check
                    samples.setdefault(check["name"], []).append(sum(check["timings"].values()))
            for name, times in samples.items():
                results.append((label, name, statistics.median(times)))
    return results
