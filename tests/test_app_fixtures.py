"""The app fixtures on a small workbook of the tests' own: the learner's FastAPI app driven over
ASGI inside its lifespan, and under a real uvicorn that serves the tree being graded and dies
with its check; HTTP exchanges recorded beside the SQL each request caused."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from checker.workbook.catalog import load_catalog
from checker.workbook.kinds import files_of
from tests.conftest import postgres_url
from tests.factory import KataSpec, write_workbook
from tests.schema import validate_output

APP_FILES = {
    "__init__.py": '''
        """Kata 1.1 — A notes app."""

        from .main import app

        __all__ = ["app"]
    ''',
    "main.py": '''
        """The app: an engine made in the lifespan, one session per request."""

        import os
        from contextlib import asynccontextmanager
        from typing import Annotated

        from fastapi import Depends, FastAPI, HTTPException
        from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class Note(Base):
            __tablename__ = "note"
            id: Mapped[int] = mapped_column(primary_key=True)
            body: Mapped[str]


        @asynccontextmanager
        async def lifespan(app: FastAPI):
            engine = create_async_engine(os.environ["DATABASE_URL"])
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.create_all)
            app.state.sessions = async_sessionmaker(engine, expire_on_commit=False)
            yield
            await engine.dispose()


        app = FastAPI(lifespan=lifespan)


        async def get_session():
            async with app.state.sessions() as session:
                yield session


        SessionDep = Annotated[AsyncSession, Depends(get_session)]


        @app.post("/notes", status_code=201)
        async def add_note(body: str, session: SessionDep) -> dict:
            note = Note(body=body)
            session.add(note)
            await session.commit()
            return {"id": note.id, "body": note.body}


        @app.get("/notes/{note_id}")
        async def read_note(note_id: int, session: SessionDep) -> dict:
            # BEGIN SOLUTION look the note up; 404 when there is none
            note = await session.get(Note, note_id)
            if note is None:
                raise HTTPException(status_code=404, detail="no such note")
            return {"id": note.id, "body": note.body}
            # END SOLUTION
    ''',
}

APP_CHECKS = """
    import os

    import httpx


    async def test_round_trip(app_client):
        \"\"\"A note posted can be read back.\"\"\"
        created = await app_client.post("/notes", params={"body": "hi"})
        assert created.status_code == 201, f"POST /notes answered {created.status_code}"
        read = await app_client.get(f"/notes/{created.json()['id']}")
        assert read.json() == {"id": 1, "body": "hi"}, f"GET answered {read.json()}"


    async def test_missing_is_404(app_client):
        \"\"\"A note that does not exist is a 404.\"\"\"
        missing = await app_client.get("/notes/99")
        assert missing.status_code == 404, f"GET /notes/99 answered {missing.status_code}"


    async def test_many_at_once(app_client):
        \"\"\"Forty requests at once each get their own session.\"\"\"
        from checker.plugin.concurrency import send_at_once

        created = await app_client.post("/notes", params={"body": "x"})
        note = created.json()["id"]
        answers = await send_at_once(app_client, [("GET", f"/notes/{note}")] * 40)
        assert [a.status_code for a in answers] == [200] * 40, "every request answered"


    def test_grader_dies(live_server):
        \"\"\"(Only when a test asks for it) the grading process dies with its server running.\"\"\"
        marker = os.environ.get("CHECKER_TEST_DIE_WITH_SERVER")
        if marker:
            with open(marker, "w") as file:
                file.write(str(live_server.pid))
            os._exit(9)
        assert live_server.url.startswith("http://127.0.0.1:"), live_server.url


    async def test_under_uvicorn(live_server, tmp_path):
        \"\"\"The app works under a real uvicorn.\"\"\"
        marker = os.environ.get("CHECKER_TEST_SERVER_PID_FILE")
        if marker:
            with open(marker, "w") as file:
                file.write(str(live_server.pid))
        async with live_server.client() as client:
            created = await client.post("/notes", params={"body": "served"})
            read = await client.get(f"/notes/{created.json()['id']}")
        assert read.json()["body"] == "served", f"GET answered {read.json()}"
"""


@pytest.fixture
def app_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    spec = KataSpec(1, "notes", APP_FILES, APP_CHECKS, kind="package")
    root = write_workbook(tmp_path / "apps", [spec])
    monkeypatch.setenv("CHECKER_ROOT", str(root))
    monkeypatch.chdir(root)
    return root


def db_args() -> list[str]:
    return ["--db", "postgres", "--db-url", postgres_url()] if postgres_url() else []


def test_send_at_once_is_bounded_and_stays_on_this_machine():
    import asyncio

    import httpx

    from checker.plugin.concurrency import MAX_REQUESTS, send_at_once

    async def attempt(base_url: str, count: int) -> None:
        async with httpx.AsyncClient(base_url=base_url) as client:
            await send_at_once(client, [("GET", "/")] * count)

    with pytest.raises(ValueError, match="only to this machine"):
        asyncio.run(attempt("http://example.com", 1))
    with pytest.raises(ValueError, match="at most"):
        asyncio.run(attempt("http://127.0.0.1:1", MAX_REQUESTS + 1))


def test_the_app_is_driven_inside_its_lifespan_and_its_exchanges_recorded(app_book, cli):
    data = json.loads(cli("kata", "1.1", "--json", *db_args()).out)
    validate_output(data, "run")
    kata = data["katas"][0]
    assert kata["status"] == "passed", kata
    round_trip = next(c for c in kata["checks"] if c["name"] == "test_round_trip")
    post, get = round_trip["exchanges"]
    assert (post["method"], post["path"], post["status"]) == ("POST", "/notes?body=hi", 201)
    assert get["body"] == '{"id":1,"body":"hi"}'
    start, end = post["statements"]
    sent = [s for s in round_trip["statements"][start:end] if s["origin"] == "learner"]
    assert any(s["sql"].startswith("INSERT INTO note") for s in sent), sent
    ddl = [s for s in round_trip["statements"] if s["sql"].startswith("CREATE TABLE")]
    assert ddl and ddl[0]["origin"] == "learner", "the lifespan's create_all is the learner's code"


def test_a_failing_app_check_shows_each_request_beside_its_sql(app_book, cli):
    main = app_book / "katas/p1_demo/k01_notes/main.py"
    main.write_text(main.read_text().replace("status_code=404", "status_code=400"))
    result = cli("kata", "1.1", *db_args())
    assert result.code == 1, result
    assert "HTTP requests the check sent: 1" in result.out
    assert "GET /notes/99 → 400" in result.out and "SELECT note.id, note.body" in result.out


def test_the_live_server_serves_the_tree_being_graded_and_dies_with_its_check(
    app_book, cli, monkeypatch, tmp_path
):
    mutant = tmp_path / "mutant"
    files = files_of(load_catalog(app_book).kata("1.1"))
    texts = files.read(app_book / "solutions")
    name = "p1_demo/k01_notes/main.py"
    before, found, after = texts[name].rpartition('"body": note.body}')  # read_note's answer
    texts[name] = before + '"body": "mutated"}' + after
    files.write(mutant, texts)
    pid_file = tmp_path / "server.pid"
    monkeypatch.setenv("CHECKER_TEST_SERVER_PID_FILE", str(pid_file))

    from checker.cli.databases import DatabaseTarget, resolve_target
    from checker.cli.runner.run import run_checks

    target = (
        resolve_target("postgres", postgres_url()) if postgres_url() else DatabaseTarget("sqlite")
    )
    catalog = load_catalog(app_book)
    graded = run_checks(app_book, [catalog.kata("1.1")], target, trees={"1.1": mutant}).katas[0]
    served = next(c for c in graded.checks if c.name == "test_under_uvicorn")
    assert served.outcome == "failed" and "mutated" in served.message, served
    learner_sql = [s.sql for s in served.statements if s.origin == "learner"]
    assert any(sql.startswith("INSERT INTO note") for sql in learner_sql), learner_sql
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the server is gone with its check


def test_a_server_does_not_outlive_a_grader_that_dies(app_book, cli, monkeypatch, tmp_path):
    import time

    pid_file = tmp_path / "server.pid"
    monkeypatch.setenv("CHECKER_TEST_DIE_WITH_SERVER", str(pid_file))
    data = json.loads(cli("kata", "1.1", "--json", *db_args()).out)
    assert data["katas"][0]["status"] == "broken", data["katas"][0]["problem"]
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return  # gone: the kernel killed it with its parent
        time.sleep(0.05)
    os.kill(pid, 9)
    raise AssertionError("the uvicorn server outlived the grading process that started it")


BUDGET_CHECKS = """
    import pytest


    @pytest.mark.compare_sql
    async def test_one_statement(app_client, queries):
        \"\"\"Reading a note sends one statement.\"\"\"
        with queries.budget(1, "GET /notes/1"):
            await app_client.get("/notes/1")
"""


def test_a_compare_sql_app_check_keeps_the_learners_requests_and_shows_the_reference_count(
    tmp_path, monkeypatch, cli
):
    """The re-run on the reference sends requests of its own: they are not listed as the
    learner's, and the reference's count is shown beside the learner's requests."""
    spec = KataSpec(1, "notes", APP_FILES, BUDGET_CHECKS, kind="package")
    root = write_workbook(tmp_path / "budget", [spec])
    monkeypatch.setenv("CHECKER_ROOT", str(root))
    monkeypatch.chdir(root)
    main = root / "katas/p1_demo/k01_notes/main.py"
    looked_twice = "    await session.get(Note, note_id + 1)  # one more SELECT\n"
    main.write_text(
        main.read_text().replace(
            "    note = await session.get(Note, note_id)\n",
            looked_twice + "    note = await session.get(Note, note_id)\n",
        )
    )
    result = cli("kata", "1.1", *db_args())
    assert result.code == 1, result
    assert "HTTP requests the check sent: 1" in result.out, result.out
    assert "The reference solution, run on the same check, sent 1 SQL statements" in result.out


def test_a_live_server_names_the_exception_it_logged(tmp_path: Path):
    from checker.plugin.live_server import LiveServer

    log = tmp_path / "server.log"
    server = LiveServer("http://127.0.0.1:1", None, tmp_path, log, tmp_path / "sql")  # type: ignore[arg-type]
    log.write_text("INFO:     Started\nERROR:    Exception in ASGI application\n")
    assert server.logged_exception(wait=0) == "", "log levels are not exceptions"
    log.write_text(
        "ERROR:    Exception in ASGI application\nTraceback (most recent call last):\n"
        '  File "main.py", line 3\n'
        "sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) UNIQUE constraint failed\n"
        "OSError: [Errno 98] address in use\n"
    )
    assert server.logged_exception(wait=0) == "OSError: [Errno 98] address in use"
