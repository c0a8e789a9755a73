"""A fresh, isolated database for every check.

SQLite: a new database file per check, foreign keys switched on for every connection.
Postgres: a new schema per check, reached through `search_path` in the URL's connection options,
dropped afterwards (about 2 ms, where cloning a template database costs about 110 ms).

Connections the check's code opened and left open are closed before the database is dropped, so
a leaked connection cannot hold a lock that hangs the next check.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import Pool

# A check that waits on a lock its own code holds gets an error instead of hanging.
_LOCK_TIMEOUT_MS = 5000


def _is_sqlite(dbapi_connection: Any) -> bool:
    return "sqlite" in type(dbapi_connection).__module__.lower()


class Databases:
    def __init__(self, kind: str, server_url: str | None) -> None:
        self.kind = kind
        self.server_url = server_url
        self._numbers = itertools.count(1)
        self._tracking = False
        self._opened: list[Any] = []
        self._folder: Path | None = None
        self._admin = None
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

    def start(self) -> None:
        """Session start. For Postgres, connect once now: a down server fails here, once."""
        if self.kind == "sqlite":
            self._folder = Path(tempfile.mkdtemp(prefix="checker-"))
            return
        assert self.server_url
        self._admin = create_engine(
            self.server_url,
            isolation_level="AUTOCOMMIT",
            connect_args={"connect_timeout": 5},
            pool_size=1,
        )
        with self._admin.connect() as connection:
            connection.execute(text("SELECT 1"))

    def stop(self) -> None:
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
        if self._admin is not None:
            self._admin.dispose()

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
        number = next(self._numbers)
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
        assert self._admin is not None and self.server_url
        schema = f"checker_{os.getpid()}_{number}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        options = f"-c search_path={schema} -c lock_timeout={_LOCK_TIMEOUT_MS}"
        url = make_url(self.server_url).update_query_dict({"options": options})
        self._tracking = True
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            self._close_leftovers()
            with self._admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
