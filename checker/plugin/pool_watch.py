"""Watching an app's async connections through pool events, for checks that a session is closed
after each request and an engine disposed at shutdown (`pool_watch` fixture).

Only async driver connections are watched (the app's): the checks' own synchronous `engine`
reading rows back is not counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.pool import Pool


class ConnectionWatch:
    """What happens to the async connections of every pool while a check runs: opened, checked
    out, returned, closed — or abandoned (checked out, never returned, and detached by the
    garbage collector when the session that held it was collected unclosed). The checks read
    rows back with the synchronous `engine`, whose connections are not async and not watched."""

    def __init__(self) -> None:
        self.opened = 0
        self.open: dict[int, Any] = {}  # id(DBAPI connection) -> connection
        self.out: dict[int, Any] = {}  # id(pool record) -> record, while checked out
        self.abandoned = 0
        self._listeners: dict[str, Callable[..., None]] = {
            "connect": self._connect,
            "checkout": self._checkout,
            "checkin": self._checkin,
            "detach": self._detach,
            "close": self._close,
            "close_detached": self._close_detached,
        }

    def start(self) -> None:
        for name, listener in self._listeners.items():
            event.listen(Pool, name, listener)

    def stop(self) -> None:
        for name, listener in self._listeners.items():
            if event.contains(Pool, name, listener):
                event.remove(Pool, name, listener)

    def _connect(self, dbapi_connection: Any, record: Any) -> None:
        if isinstance(dbapi_connection, AsyncAdapt_dbapi_connection):
            self.opened += 1
            self.open[id(dbapi_connection)] = dbapi_connection

    def _checkout(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if isinstance(dbapi_connection, AsyncAdapt_dbapi_connection):
            self.out[id(record)] = record

    def _checkin(self, dbapi_connection: Any, record: Any) -> None:
        self.out.pop(id(record), None)

    def _detach(self, dbapi_connection: Any, record: Any) -> None:
        if self.out.pop(id(record), None) is not None:
            self.abandoned += 1

    def _close(self, dbapi_connection: Any, record: Any) -> None:
        self.open.pop(id(dbapi_connection), None)

    def _close_detached(self, dbapi_connection: Any) -> None:
        self.open.pop(id(dbapi_connection), None)

    def leaked(self) -> tuple[int, int]:
        """(connections checked out now, connections abandoned so far)."""
        return len(self.out), self.abandoned


@pytest.fixture
def pool_watch(db_url: str) -> Iterator[ConnectionWatch]:
    """The app's connections, watched from here on (after the check's database exists)."""
    watching = ConnectionWatch()
    watching.start()
    yield watching
    watching.stop()
