"""A fresh, isolated database for every check.

SQLite ("file" isolation): a new database file per check, foreign keys switched on for every
connection.

Postgres, "role" isolation (wherever the server lets us create roles): every check gets a LOGIN
role and a schema of the same name, owned by that role. Postgres' default `search_path` is
`"$user", public`, so a plain URL naming the role (no `options`) puts the learner's tables in the
check's schema for every driver: psycopg2, asyncpg, Alembic, a subprocess. The role is no
superuser and owns nothing but its schema; since Postgres 15 it cannot write to `public` either,
so the learner's code can touch neither another check's schema nor another run's. The role's own
settings replace the URL options: a lock timeout, and the session time zone pinned to UTC. A
CONNECTION LIMIT keeps a runaway check from taking the server's connections.

Postgres, "schema" isolation (the fallback where creating roles is refused, as on many managed
services): a new schema per check under the given user, reached through `search_path` in the URL's
`options`. The checks still get an empty schema each, but nothing stops their code from writing
elsewhere, and asyncpg does not take `options` (a check has to pass `server_settings` itself);
`Databases.isolation_note` says so, for the caller to show. `isolation` is known after `start()`.

Names are `ck_<host>_<pid>_<n>`: roles are cluster-wide and several runs may share a server (two
terminals, two clones, watch mode beside a phase run), so a name must be unique across hosts and
processes. Everything a check was given is dropped when it ends, after the connections its code
left open are closed (so a leaked connection cannot hold a lock that hangs the drop) and any other
backends of its role are terminated. At start-up a run drops what killed runs of this host left
behind; `stop()` (also reached on Ctrl-C) drops whatever this run still holds.

Costs, medians on a local Postgres 15 (`bench/benchmark.py --isolation-only` measures them): one
round trip each way, creating a check's role and schema 0.6 ms, dropping them 1.2 ms after the
check has connected (0.9 ms if it never did); a schema alone costs 0.5 ms and 0.5-0.9 ms. The
check's first connection (4.3 ms, most of it SQLAlchemy's first-connect queries) is the same
either way.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import Pool

from checker.plugin import pg_roles as pg
from checker.plugin.zones import DATABASE_ZONE

# One sequence per process, not per `Databases`: a process may start several (pytest's in-process
# runs, the benchmark) and their names must not collide.
_CHECK_NUMBERS = itertools.count(1)

ISOLATION_FILE = "file"
ISOLATION_ROLE = "role"
ISOLATION_SCHEMA = "schema"


def _is_sqlite(dbapi_connection: Any) -> bool:
    return "sqlite" in type(dbapi_connection).__module__.lower()


class Databases:
    """Hands out a fresh database per check. `isolation` says how ("file", "role" or "schema");
    `isolation_note` says why it is weaker than planned, when it is (None otherwise)."""

    def __init__(self, kind: str, server_url: str | None) -> None:
        self.kind = kind
        self.server_url = server_url
        self.isolation = ISOLATION_FILE if kind == "sqlite" else ISOLATION_ROLE
        self.isolation_note: str | None = None
        self._prefix = pg.run_prefix(os.getpid())
        self._tracking = False
        self._opened: list[Any] = []
        self._held: set[str] = set()  # roles or schemas created and not yet dropped
        self._folder: Path | None = None
        self._admin: Engine | None = None
        self._admin_is_superuser = False
        event.listen(Pool, "connect", self._on_connect)

    @property
    def dialect(self) -> str:
        return "sqlite" if self.kind == "sqlite" else "postgresql"

    def _on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        if _is_sqlite(dbapi_connection):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # A database that lives for one check needs no durability: not waiting for the disk
            # on every commit makes SQLite checks several times faster.
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.close()
        if self._tracking:
            self._opened.append(dbapi_connection)

    # --- session start and end ---------------------------------------------------------------

    def start(self) -> None:
        """Session start. For Postgres, connect once now: a down server fails here, once. Then
        sweep what killed runs of this host left, and find out which isolation the server allows."""
        if self.kind == "sqlite":
            self._folder = Path(tempfile.mkdtemp(prefix="checker-"))
            return
        assert self.server_url
        self._admin = create_engine(
            self.server_url,
            isolation_level="AUTOCOMMIT",
            # The application_name marks this run as alive for other runs' sweeps, even those
            # that cannot see its pid (another container with the same host name).
            # synchronous_commit off: creating and dropping a check's role and schema need not
            # wait for the disk either.
            connect_args={
                "connect_timeout": 5,
                "application_name": self._prefix,
                "options": "-c synchronous_commit=off",
            },
            pool_size=1,
        )
        with self._admin.connect() as connection:
            self._admin_is_superuser = bool(
                connection.execute(
                    text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                ).scalar()
            )
            try:
                self._sweep(connection)
            except DBAPIError:  # best effort: leftovers cost names nobody reuses, not correctness
                pass
            self._choose_isolation(connection)

    def stop(self) -> None:
        """Session end (also after Ctrl-C): drop what this run still holds."""
        self._close_leftovers()
        for name in sorted(self._held):
            self._drop(name)
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
        if self._admin is not None:
            self._admin.dispose()
            self._admin = None
        if event.contains(Pool, "connect", self._on_connect):
            event.remove(Pool, "connect", self._on_connect)

    def _choose_isolation(self, connection: Connection) -> None:
        """Try creating a role and its schema in a transaction that is rolled back: where the
        server refuses, fall back to schemas under the given user, and say why."""
        probe = f"{self._prefix}_0"
        try:
            create = pg.create_role_sql(probe, pg.scram_verifier("probe"), self._needs_membership)
            pg.execute(connection, f"BEGIN; {create}; ROLLBACK")
        except DBAPIError as exc:
            pg.execute(connection, "ROLLBACK")
            self.isolation = ISOLATION_SCHEMA
            self.isolation_note = (
                "Postgres refused to create a role per check "
                f"({pg.first_line(exc)}), so each check gets a schema under "
                f"{make_url(self.server_url or '').username or 'the given user'} instead: "
                "a check's code could still write outside its schema, and asyncpg cannot reach it "
                "through the URL alone."
            )

    @property
    def _needs_membership(self) -> bool:
        return not self._admin_is_superuser

    def _sweep(self, connection: Connection) -> None:
        """Drop the roles and schemas of this host's runs that died without cleaning up (killed
        by the runner's time limit, say). Never another host's, never a live run's."""
        host = pg.host_tag()
        rows = connection.execute(text(pg.LEFTOVERS_SQL), {"prefix": f"{pg.PREFIX}_{host}_"}).all()
        live_sessions = {name for kind, name in rows if kind == "session"}
        roles = {name for kind, name in rows if kind == "role"}
        for name in sorted({name for kind, name in rows if kind != "session"}):
            pid = pg.pid_of(name, host)
            if pid is None or pg.pid_alive(pid) or pg.run_prefix(pid) in live_sessions:
                continue
            self._drop_quietly(connection, name, is_role=name in roles)

    # --- one check ----------------------------------------------------------------------------

    def _close_leftovers(self) -> None:
        self._tracking = False
        for connection in self._opened:
            try:
                connection.close()
            except Exception:  # already closed or broken: either way, gone
                pass
        self._opened.clear()

    @contextmanager
    def fresh(self) -> Iterator[str]:
        """Yields the URL of a new empty database; drops it when the block ends."""
        number = next(_CHECK_NUMBERS)
        if self.kind == "sqlite":
            assert self._folder
            path = self._folder / f"check{number}.db"
            self._tracking = True
            try:
                yield f"sqlite:///{path}"
            finally:
                self._close_leftovers()
                path.unlink(missing_ok=True)
            return
        name = f"{self._prefix}_{number}"
        url = self._create(name)
        self._tracking = True
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            self._close_leftovers()
            self._drop(name)

    def _create(self, name: str) -> URL:
        assert self._admin is not None and self.server_url
        server = make_url(self.server_url)
        with self._admin.connect() as connection:
            if self.isolation == ISOLATION_ROLE:
                password = secrets.token_urlsafe(18)
                verifier = pg.scram_verifier(password)
                pg.execute(connection, pg.create_role_sql(name, verifier, self._needs_membership))
                self._held.add(name)
                return server.set(username=name, password=password)
            pg.execute(connection, pg.create_schema_sql(name))
            self._held.add(name)
        options = (
            f"-c search_path={name} -c lock_timeout={pg.LOCK_TIMEOUT_MS} "
            f"-c TimeZone={DATABASE_ZONE} -c synchronous_commit=off -c application_name={name}"
        )
        return server.update_query_dict({"options": options})

    def _drop(self, name: str) -> None:
        """Drop a check's role and schema. A failure does not fail the check: the name stays held,
        for stop() to try again (and, failing that, the next run's sweep)."""
        if name not in self._held or self._admin is None:
            return
        is_role = self.isolation == ISOLATION_ROLE
        try:
            with self._admin.connect() as connection:
                try:
                    pg.execute(
                        connection, pg.drop_role_sql(name) if is_role else pg.drop_schema_sql(name)
                    )
                except DBAPIError:
                    if not self._drop_quietly(connection, name, is_role):
                        return
        except DBAPIError:  # the server went away: nothing to do now
            return
        self._held.discard(name)

    @staticmethod
    def _drop_quietly(connection: Connection, name: str, is_role: bool) -> bool:
        """Drop step by step, going on past failures; True if nothing is left."""
        try:  # leave the failed batch's transaction block, if it left one open
            pg.execute(connection, "ROLLBACK")
        except DBAPIError:
            pass
        steps = pg.drop_role_steps(name) if is_role else [pg.drop_schema_sql(name)]
        ok = True
        for step in steps:
            try:
                pg.execute(connection, step)
            except DBAPIError:
                ok = False
        return ok


def measure_isolation_cost(kind: str, server_url: str | None, n: int = 50) -> dict[str, Any]:
    """The per-check cost of isolation on one database, as medians over n checks in ms: making
    the check's database (`create_ms`), the first connection to it as a check's engine makes it
    (`connect_ms`: for SQLite this is what creates the file), and dropping it (`drop_ms`)."""
    databases = Databases(kind, server_url)
    databases.start()
    create: list[float] = []
    connect: list[float] = []
    drop: list[float] = []
    try:
        for _ in range(n):
            started = time.perf_counter()
            with databases.fresh() as url:
                created = time.perf_counter()
                engine = create_engine(url)
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                engine.dispose()
                connected = time.perf_counter()
            dropped = time.perf_counter()
            create.append(created - started)
            connect.append(connected - created)
            drop.append(dropped - connected)
    finally:
        databases.stop()

    def median_ms(samples: list[float]) -> float:
        return round(statistics.median(samples) * 1000, 3)

    return {
        "kind": kind,
        "isolation": databases.isolation,
        "note": databases.isolation_note,
        "n": n,
        "create_ms": median_ms(create),
        "connect_ms": median_ms(connect),
        "drop_ms": median_ms(drop),
    }
