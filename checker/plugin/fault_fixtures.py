"""Fixtures for checks that need more than one database, or a database that misbehaves.

make_db_url  a factory: each call gives the URL of another fresh, empty database for this check
             (several binds, shards), all dropped when the check ends
db_faults    failures on purpose, for retry katas: `refuse_connections(n)` makes the next n
             connection attempts fail as a down server's would; `drop_connections()` closes every
             connection the check's code holds, as a server restart or a network cut would;
             `fail_statements(pattern, value)` makes statements fail in the driver with
             OperationalError (not IntegrityError), for checks that an error handler catches
             only what it should
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from checker.plugin.capture import _flatten
from checker.plugin.isolation import Databases

INJECTED = "checker: the database refused the connection (a failure injected by the check)"
INJECTED_STATEMENT = "checker: the statement failed (a failure injected by the check)"
_ANY = object()


@pytest.fixture
def make_db_url(db: Databases) -> Iterator[Callable[[], str]]:
    """Call it for each extra database the check needs."""
    with ExitStack() as databases:
        yield lambda: databases.enter_context(db.fresh())


class DatabaseFaults:
    def __init__(self) -> None:
        self.refusals_left = 0
        self.refusing_until = 0.0  # time.monotonic() until which every attempt is refused
        self.refused = 0
        self.failed = 0  # statements failed by fail_statements
        self._opened: list[Any] = []
        self._failing: list[tuple[re.Pattern[str], Any, list[int]]] = []

    def refuse_connections(self, times: int) -> None:
        """The next `times` attempts to connect fail (OperationalError, from the driver)."""
        self.refusals_left = times

    def refuse_for(self, seconds: float) -> None:
        """Every attempt to connect fails for the next `seconds` (a server restarting)."""
        self.refusing_until = time.monotonic() + seconds

    def fail_statements(self, pattern: str, value: Any = _ANY, after: int = 0) -> None:
        """From now on, every statement whose SQL matches the regular expression `pattern`
        (case-insensitively) and, if `value` is given, carries it as a bound value, fails in the
        driver with its OperationalError — a lost connection, a full disk, a lock timeout: not a
        constraint — except the first `after` of them, which go through."""
        self._failing.append((re.compile(pattern, re.IGNORECASE), value, [after]))

    def drop_connections(self) -> int:
        """Close, under the pool's feet, every connection opened so far; returns how many."""
        dropped = 0
        for connection in self._opened:
            try:
                connection.close()
                dropped += 1
            except Exception:  # already closed, or already broken: dropped either way
                pass
        self._opened.clear()
        return dropped

    def on_do_connect(self, dialect: Any, record: Any, cargs: Any, cparams: Any) -> None:
        refusing = self.refusals_left > 0 or time.monotonic() < self.refusing_until
        if refusing:
            self.refusals_left = max(0, self.refusals_left - 1)
            self.refused += 1
            raise dialect.loaded_dbapi.OperationalError(INJECTED)

    def on_connect(self, dbapi_connection: Any, record: Any) -> None:
        self._opened.append(dbapi_connection)

    def before_cursor_execute(
        self, conn: Any, cursor: Any, sql: str, parameters: Any, context: Any, many: bool
    ) -> None:
        for pattern, value, let_through in self._failing:
            if not pattern.search(sql):
                continue
            if value is not _ANY and value not in _flatten(parameters, many):
                continue
            if let_through[0] > 0:
                let_through[0] -= 1
                continue
            self.failed += 1
            # Raised from inside the execution, a driver error is wrapped as SQLAlchemy's own
            # OperationalError, exactly as a real failure of that statement would be.
            raise conn.dialect.loaded_dbapi.OperationalError(INJECTED_STATEMENT)


@pytest.fixture
def db_faults() -> Iterator[DatabaseFaults]:
    faults = DatabaseFaults()
    event.listen(Engine, "do_connect", faults.on_do_connect)
    event.listen(Pool, "connect", faults.on_connect)
    event.listen(Engine, "before_cursor_execute", faults.before_cursor_execute)
    try:
        yield faults
    finally:
        event.remove(Engine, "do_connect", faults.on_do_connect)
        event.remove(Pool, "connect", faults.on_connect)
        event.remove(Engine, "before_cursor_execute", faults.before_cursor_execute)
