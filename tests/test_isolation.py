"""A fresh, isolated database per check (checker.plugin.isolation).

The Postgres tests need CHECKER_DATABASE_URL naming a superuser (or a CREATEROLE user); they skip
without it. They create roles and schemas named `ck_<host>_<pid>_<n>` and check that none is left.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, create_engine, inspect, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from checker.plugin.isolation import Databases, measure_isolation_cost
from checker.plugin.pg_roles import (
    CHECK_CONNECTION_LIMIT,
    connection_budget,
    host_tag,
    run_prefix,
    scram_verifier,
)
from checker.plugin.zones import DATABASE_ZONE
from tests.conftest import postgres_url
from tests.test_cli import _make_hang
from tests.test_plugin import demo  # noqa: F401 (a fixture)

needs_postgres = pytest.mark.skipif(
    not postgres_url(), reason="needs CHECKER_DATABASE_URL pointing at a Postgres server"
)


def _url() -> str:
    url = postgres_url()
    assert url
    return url


def _leftovers(admin: Engine, prefix: str) -> set[str]:
    """Roles (cluster-wide) and schemas (this database) whose names start with prefix_."""
    with admin.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT rolname FROM pg_roles WHERE starts_with(rolname, :p)"
                " UNION ALL SELECT nspname FROM pg_namespace WHERE starts_with(nspname, :p)"
            ),
            {"p": prefix + "_"},
        ).scalars()
        return set(rows)


def _scalar(url: str, sql: str) -> Any:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _refused(url: str, sql: str) -> bool:
    """True if the server refuses sql on a connection to url."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(sql))
    except DBAPIError:
        return True
    finally:
        engine.dispose()
    return False


@pytest.fixture
def admin() -> Iterator[Engine]:
    engine = create_engine(_url(), isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def databases() -> Iterator[Databases]:
    started = Databases("postgres", _url())
    started.start()
    yield started
    started.stop()


# --- SQLite: unchanged ---------------------------------------------------------------------------


def test_sqlite_gets_a_new_file_per_check_with_foreign_keys() -> None:
    sqlite = Databases("sqlite", None)
    sqlite.start()
    try:
        assert (sqlite.isolation, sqlite.isolation_note) == ("file", None)
        with sqlite.fresh() as first:
            engine = create_engine(first)
            with engine.begin() as connection:
                connection.execute(text("CREATE TABLE t (id INTEGER)"))
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            engine.dispose()
        assert not Path(make_url(first).database or "").exists(), "the file is deleted"
        with sqlite.fresh() as second:
            assert second != first
            assert inspect(create_engine(second)).get_table_names() == []
    finally:
        sqlite.stop()


def test_measure_isolation_cost_on_sqlite() -> None:
    cost = measure_isolation_cost("sqlite", None, n=3)
    assert cost["isolation"] == "file" and cost["n"] == 3
    assert all(cost[key] >= 0 for key in ("create_ms", "connect_ms", "drop_ms"))


# --- Postgres: what a check's URL can and cannot do ----------------------------------------------


@needs_postgres
def test_a_check_connects_as_a_role_without_rights_beyond_its_schema(databases: Databases) -> None:
    assert (databases.isolation, databases.isolation_note) == ("role", None)
    with databases.fresh() as url:
        name = make_url(url).username
        assert name and name.startswith(run_prefix(os.getpid()) + "_")
        assert _scalar(url, "SELECT current_schema()") == name
        assert _scalar(url, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") is False
        assert (
            _scalar(url, "SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user")
            == CHECK_CONNECTION_LIMIT
        )
        assert _refused(url, "CREATE TABLE public.escaped (id int)")
        assert _scalar(url, "SHOW TimeZone") == DATABASE_ZONE
        assert _scalar(url, "SHOW lock_timeout") == "5s"


@needs_postgres
def test_a_table_left_in_public_does_not_stand_in_for_the_checks_own(
    admin: Engine, databases: Databases
) -> None:
    table = f"leftover_{os.getpid()}"
    with admin.connect() as connection:
        connection.execute(text(f"CREATE TABLE public.{table} (id int)"))
    try:
        with databases.fresh() as url:
            engine = create_engine(url)
            try:
                assert not inspect(engine).has_table(table), "public is on the check's path"
                with engine.begin() as connection:  # its own table of that name, not public's
                    connection.execute(text(f"CREATE TABLE {table} (id int)"))
                    connection.execute(text(f"INSERT INTO {table} VALUES (1)"))
            finally:
                engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP TABLE public.{table}"))


@needs_postgres
def test_a_check_cannot_read_or_drop_another_checks_schema(databases: Databases) -> None:
    with databases.fresh() as mine, databases.fresh() as theirs:
        other = make_url(theirs).username
        engine = create_engine(theirs)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE secret (id int)"))
        their_session = engine.connect()
        assert _refused(mine, f'SELECT * FROM "{other}".secret')
        assert _refused(mine, f'DROP TABLE "{other}".secret')
        assert _refused(mine, f'DROP SCHEMA "{other}" CASCADE')
        assert _refused(mine, f'DROP ROLE "{other}"')
        assert _refused(mine, f'ALTER ROLE "{other}" CONNECTION LIMIT -1')
        assert _refused(
            mine,
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{other}'",
        )
        assert inspect(their_session).get_table_names() == ["secret"], "theirs is intact"
        their_session.close()
        engine.dispose()


@needs_postgres
def test_a_check_cannot_open_more_connections_than_its_limit(databases: Databases) -> None:
    with databases.fresh() as url:
        engine = create_engine(url, pool_size=CHECK_CONNECTION_LIMIT + 1)
        held = [engine.connect() for _ in range(CHECK_CONNECTION_LIMIT)]
        with pytest.raises(DBAPIError, match="too many connections"):
            engine.connect()
        for connection in held:
            connection.close()
        engine.dispose()


# --- Postgres: one plain URL for every client ----------------------------------------------------


@needs_postgres
def test_one_plain_url_reaches_the_schema_from_every_driver(databases: Databases) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from sqlalchemy.ext.asyncio import create_async_engine

    with databases.fresh() as url:
        name = make_url(url).username
        assert not make_url(url).query, "no options: the role's defaults do the work"
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE made_by_psycopg2 (id int)"))
            Operations(MigrationContext.configure(connection)).create_table(
                "made_by_alembic", Column("id", Integer, primary_key=True)
            )
        assert sorted(inspect(engine).get_table_names(schema=name)) == [
            "made_by_alembic",
            "made_by_psycopg2",
        ]
        engine.dispose()

        async def asyncpg_tables() -> list[str]:
            async_engine = create_async_engine(make_url(url).set(drivername="postgresql+asyncpg"))
            async with async_engine.connect() as connection:
                await connection.execute(text("CREATE TABLE made_by_asyncpg (id int)"))
                await connection.commit()
                found = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            await async_engine.dispose()
            return sorted(found)

        every = ["made_by_alembic", "made_by_asyncpg", "made_by_psycopg2"]
        assert asyncio.run(asyncpg_tables()) == every
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from sqlalchemy import create_engine, inspect; "
                "print(sorted(inspect(create_engine(sys.argv[1])).get_table_names()))",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        assert child.stdout.strip() == str(every)


def _backends_gone(admin: Engine, application_name: str) -> bool:
    """Whether the backends with this application_name have exited (within two seconds: a
    terminated backend leaves pg_stat_activity as it exits, not at once)."""
    for _ in range(40):
        with admin.connect() as connection:
            left = connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a"),
                {"a": application_name},
            ).scalar()
        if not left:
            return True
        time.sleep(0.05)
    return False


_LEAKY_CHILD = """
import sys, time
from sqlalchemy import create_engine, text
connection = create_engine(sys.argv[1]).connect()
connection.execute(text("INSERT INTO t VALUES (1)"))  # an open transaction holding a lock
print("connected", flush=True)
time.sleep(60)
"""


@needs_postgres
def test_connections_left_open_are_closed_and_everything_dropped(
    databases: Databases, admin: Engine
) -> None:
    with databases.fresh() as url:
        name = make_url(url).username
        assert name
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (id int)"))
        leaked = engine.connect()  # never closed by the check's code, holding a lock on t
        leaked.execute(text("INSERT INTO t VALUES (0)"))
        tagged = make_url(url).update_query_dict({"application_name": f"leaky_{os.getpid()}"})
        child = subprocess.Popen(
            [sys.executable, "-c", _LEAKY_CHILD, tagged.render_as_string(False)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout and child.stdout.readline().strip() == "connected"
        started = time.perf_counter()
    try:
        assert time.perf_counter() - started < 3, (
            "the drop waited for the leaked connection's locks"
        )
        assert _leftovers(admin, run_prefix(os.getpid())) == set()
        assert _backends_gone(admin, f"leaky_{os.getpid()}"), "the subprocess's was terminated"
    finally:
        child.kill()
        child.wait()


# --- Postgres: runs side by side, runs that died, runs that stop -------------------------------


def _concurrent_run(url: str, index: int, outbox: Any, inbox: Any) -> None:
    """One of two runs at once: make a check's schema, then try to reach the other run's."""
    run = Databases("postgres", url)
    run.start()
    try:
        with run.fresh() as mine:
            engine = create_engine(mine)
            with engine.begin() as connection:
                connection.execute(text("CREATE TABLE mine (id int)"))
            engine.dispose()
            outbox.put((index, make_url(mine).username))
            other = inbox.get(timeout=30)
            outbox.put(
                {
                    "index": index,
                    "pid": os.getpid(),
                    "tables": inspect(create_engine(mine)).get_table_names(),
                    "read_other": not _refused(mine, f'SELECT * FROM "{other}".mine'),
                    "drop_other": not _refused(mine, f'DROP SCHEMA "{other}" CASCADE'),
                    "drop_other_role": not _refused(mine, f'DROP ROLE "{other}"'),
                }
            )
            inbox.get(timeout=30)  # both runs stay in their check until both have tried
    finally:
        run.stop()


@needs_postgres
def test_two_concurrent_runs_neither_see_nor_drop_each_other(admin: Engine) -> None:
    context = multiprocessing.get_context("spawn")
    outbox = context.Queue()
    inboxes = [context.Queue(), context.Queue()]
    runs = [
        context.Process(target=_concurrent_run, args=(_url(), index, outbox, inbox))
        for index, inbox in enumerate(inboxes)
    ]
    for run in runs:
        run.start()
    try:
        # each run is handed the other's name (they report in whichever order they finish)
        names = dict([outbox.get(timeout=60), outbox.get(timeout=60)])
        inboxes[0].put(names[1])
        inboxes[1].put(names[0])
        results = [outbox.get(timeout=60), outbox.get(timeout=60)]
        for inbox in inboxes:
            inbox.put("done")
        for run in runs:
            run.join(timeout=60)
    finally:
        for run in runs:
            if run.is_alive():
                run.kill()
    assert names[0] != names[1]
    for result in results:
        assert result["tables"] == ["mine"]
        assert not result["read_other"] and not result["drop_other"]
        assert not result["drop_other_role"]
    for run in runs:
        assert run.exitcode == 0
        assert run.pid is not None and _leftovers(admin, run_prefix(run.pid)) == set()


_HELD_CHECK = """
import os, signal, sys
from sqlalchemy import create_engine, make_url, text
from checker.plugin.isolation import Databases
run = Databases("postgres", sys.argv[1])
run.start()
check = run.fresh()  # held: a collected generator would run its clean-up
url = check.__enter__()
engine = create_engine(url)
with engine.begin() as connection:
    connection.execute(text("CREATE TABLE t (id int)"))
engine.dispose()
print(make_url(url).username, flush=True)
if sys.argv[2] == "die":
    os.kill(os.getpid(), signal.SIGKILL)  # as the runner kills a child that hangs
sys.stdin.read()  # alive until the test closes our stdin
run.stop()
"""


def _start_held_check(how: str) -> tuple[subprocess.Popen[str], str]:
    """A run in a subprocess that is inside a check: it then dies ("die") or waits ("live")."""
    child = subprocess.Popen(
        [sys.executable, "-c", _HELD_CHECK, _url(), how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout
    return child, child.stdout.readline().strip()


@needs_postgres
def test_start_up_sweeps_dead_runs_of_this_host_only(admin: Engine) -> None:
    live, live_name = _start_held_check("live")  # first, or its start-up would sweep the dead
    dead, dead_name = _start_held_check("die")
    dead.wait()
    assert dead.returncode == -signal.SIGKILL
    other_host = "ffffff" if host_tag() != "ffffff" else "eeeeee"
    foreign = f"ck_{other_host}_{dead.pid}_1"
    with admin.connect() as connection:
        connection.exec_driver_sql(
            f'CREATE ROLE "{foreign}" LOGIN; CREATE SCHEMA "{foreign}" AUTHORIZATION "{foreign}"'
        )
    try:
        assert dead_name in _leftovers(admin, dead_name.rsplit("_", 1)[0]), "the kill left it"
        sweeper = Databases("postgres", _url())
        sweeper.start()
        sweeper.stop()
        assert _leftovers(admin, run_prefix(dead.pid)) == set(), "the dead run's role and schema"
        assert _leftovers(admin, run_prefix(live.pid)) == {live_name}, "a live run's are kept"
        assert _leftovers(admin, f"ck_{other_host}_{dead.pid}") == {foreign}, "another host's"
    finally:
        assert live.stdin
        live.stdin.close()
        live.wait(timeout=30)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{foreign}" CASCADE; DROP ROLE "{foreign}"')
    assert _leftovers(admin, run_prefix(live.pid)) == set(), "the live run cleaned up on exit"


@needs_postgres
def test_stop_drops_what_an_interrupted_check_still_holds(admin: Engine) -> None:
    run = Databases("postgres", _url())
    run.start()
    check = run.fresh()
    url = check.__enter__()  # a check that Ctrl-C interrupts never reaches its end
    leaked = create_engine(url).connect()
    run.stop()
    assert _leftovers(admin, run_prefix(os.getpid())) == set()
    check.__exit__(None, None, None)  # a late teardown finds nothing to do
    leaked.invalidate()


@needs_postgres
def test_ctrl_c_in_a_check_drops_what_the_run_holds(
    demo: Any,  # noqa: F811
    pytester: pytest.Pytester,
    admin: Engine,
) -> None:
    result, _ = demo("""
        import os, signal
        from pathlib import Path
        from sqlalchemy import create_engine, make_url, text

        def test_interrupted(db_url):
            Path("role.txt").write_text(make_url(db_url).username)
            create_engine(db_url).connect().execute(text("CREATE TABLE t (id int)"))
            os.kill(os.getpid(), signal.SIGINT)
    """)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    role = (pytester.path / "role.txt").read_text()
    assert role.startswith(f"ck_{host_tag()}_")
    assert _leftovers(admin, role.rsplit("_", 1)[0]) == set()


@needs_postgres
def test_nothing_is_left_behind_by_graded_runs_even_a_killed_one(
    admin: Engine, workbook: Path, cli: Any
) -> None:
    before = _leftovers(admin, f"ck_{host_tag()}")
    _make_hang(workbook, ignore_alarm=True)  # the runner's backstop kills the child: no clean-up
    result = cli("phase", "1", "--timeout", "0.5", "--json", "--db", "postgres", "--db-url", _url())
    katas = {k["kata_id"]: k for k in json.loads(result.out)["katas"]}
    assert katas["1.1"]["status"] == "timeout", katas["1.1"]
    assert katas["1.2"]["checks"], "the next child graded the rest (and swept the killed one's)"
    assert _leftovers(admin, f"ck_{host_tag()}") <= before


# --- Postgres: where roles cannot be created -----------------------------------------------------


@pytest.fixture
def limited_user(admin: Engine, request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL for a throwaway login role that may create schemas; `request.param` adds role
    attributes (CREATEROLE, say)."""
    name = f"checker_test_{os.getpid()}"
    database = make_url(_url()).database
    with admin.connect() as connection:
        connection.exec_driver_sql(
            f'CREATE ROLE "{name}" LOGIN {request.param}; '
            f'GRANT CREATE ON DATABASE "{database}" TO "{name}"'
        )
    try:
        yield make_url(_url()).set(username=name, password=None).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{name}"; DROP ROLE "{name}"')


@needs_postgres
@pytest.mark.parametrize("limited_user", ["NOCREATEROLE"], indirect=True)
def test_without_createrole_each_check_gets_a_schema_and_says_so(
    limited_user: str, admin: Engine
) -> None:
    run = Databases("postgres", limited_user)
    run.start()
    child: subprocess.Popen[str] | None = None
    try:
        assert run.isolation == "schema"
        assert run.isolation_note and "refused to create a role" in run.isolation_note
        with run.fresh() as url:
            schema = f"{run_prefix(os.getpid())}_"
            assert "search_path" in make_url(url).query["options"]
            engine = create_engine(url)
            with engine.begin() as connection:
                connection.execute(text("CREATE TABLE t (id int)"))
                current = connection.execute(text("SELECT current_schema()")).scalar()
            assert current and current.startswith(schema)
            assert inspect(engine).get_table_names(schema=current) == ["t"]
            engine.dispose()
            assert _scalar(url, "SHOW TimeZone") == DATABASE_ZONE
            child = subprocess.Popen(
                [sys.executable, "-c", _LEAKY_CHILD, url], stdout=subprocess.PIPE, text=True
            )
            assert child.stdout and child.stdout.readline().strip() == "connected"
            started = time.perf_counter()
        assert time.perf_counter() - started < 3, (
            "the drop waited for the leaked connection's locks"
        )
    finally:
        run.stop()
        if child:
            child.kill()
            child.wait()
    assert _leftovers(admin, run_prefix(os.getpid())) == set()


@needs_postgres
@pytest.mark.parametrize("limited_user", ["CREATEROLE"], indirect=True)
def test_createrole_without_superuser_still_gets_a_role_per_check(
    limited_user: str, admin: Engine
) -> None:
    run = Databases("postgres", limited_user)
    run.start()
    try:
        assert (run.isolation, run.isolation_note) == ("role", None)
        with run.fresh() as url:
            engine = create_engine(url)
            with engine.begin() as connection:
                connection.execute(text("CREATE TABLE t (id int)"))
            engine.connect().execute(text("INSERT INTO t VALUES (1)"))  # left open
            assert _scalar(url, "SELECT current_schema()") == make_url(url).username
    finally:
        run.stop()
    assert _leftovers(admin, run_prefix(os.getpid())) == set()


# --- Postgres: helpers for the CLI and the benchmark --------------------------------------------


@needs_postgres
def test_connection_budget_counts_free_connections_per_grading_process(admin: Engine) -> None:
    with admin.connect() as connection:
        most = int(connection.execute(text("SHOW max_connections")).scalar() or 0)
    budget = connection_budget(_url())
    assert 1 <= budget <= most // (CHECK_CONNECTION_LIMIT + 1)


@needs_postgres
def test_measure_isolation_cost_on_postgres(admin: Engine) -> None:
    cost = measure_isolation_cost("postgres", _url(), n=3)
    assert cost["isolation"] == "role" and cost["n"] == 3
    assert all(cost[key] > 0 for key in ("create_ms", "connect_ms", "drop_ms"))
    assert _leftovers(admin, run_prefix(os.getpid())) == set()


@needs_postgres
def test_scram_verifier_is_the_one_postgres_computes(admin: Engine) -> None:
    import base64

    name = f"checker_scram_{os.getpid()}"
    with admin.connect() as connection:
        if not connection.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar():
            pytest.skip("reading pg_authid needs a superuser")
        connection.exec_driver_sql(f"CREATE ROLE \"{name}\" PASSWORD 'Some-secret_1'")
        try:
            stored = connection.execute(
                text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"), {"n": name}
            ).scalar()
        finally:
            connection.exec_driver_sql(f'DROP ROLE "{name}"')
    assert stored and stored.startswith("SCRAM-SHA-256$")
    iterations, salt = stored.split("$")[1].split(":")
    assert scram_verifier("Some-secret_1", base64.b64decode(salt), int(iterations)) == stored


@needs_postgres
@pytest.mark.parametrize("limited_user", ["NOCREATEROLE"], indirect=True)
def test_the_fallback_is_shown_to_the_learner(limited_user: str, workbook: Path, cli: Any) -> None:
    """Where roles cannot be made, `checker kata` still grades, and its output says why the
    isolation is weaker (text and JSON alike)."""
    text_run = cli("kata", "1.1", "--db", "postgres", "--db-url", limited_user)
    assert text_run.code == 1, text_run
    assert "note: " in text_run.out and "refused to create a role" in text_run.out
    data = json.loads(cli("kata", "1.1", "--json", "--db-url", limited_user).out)
    assert "refused to create a role" in data["isolation_note"]
