"""Every statement a check causes, recorded through engine events, with where it came from.

The listeners are attached to the Engine class, so they see engines the learner creates too (and
the sync engine inside every AsyncEngine). Each statement is tagged with its origin: the
learner's code (a frame of the kata's files is on the stack), a fixture (set-up or tear-down), or
the check itself. BEGIN, COMMIT, ROLLBACK and SAVEPOINTs are recorded too, as `transaction`
statements; the `queries` fixture counts only the SQL sent while the check's body runs, as before.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import greenlet
from sqlalchemy import event
from sqlalchemy.engine import Engine

from checker.results import (
    ORIGIN_CHECK,
    ORIGIN_FIXTURE,
    ORIGIN_LEARNER,
    SQL,
    TRANSACTION,
    Statement,
    group_repeats,
)

KEEP_AT_MOST = 500  # a runaway loop must not fill memory or the report
_SPACES = re.compile(r"\s+")


def _short(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Capture:
    """Statements of the current check. `phase` is pytest's (setup, call, teardown) while a check
    runs and None between checks; `learner_paths` are the real paths of the code being graded."""

    def __init__(self) -> None:
        self.phase: str | None = None
        self.learner_paths: tuple[str, ...] = ()
        self.statements: list[Statement] = []
        self.phases: list[str] = []  # the phase each statement was sent in
        # The values the driver received with each statement, as Python objects (not the repr
        # kept on Statement): checks look a bound value up here rather than in the SQL text.
        self.values: list[tuple[Any, ...]] = []
        self.dropped = 0
        self._is_learner: dict[str, bool] = {}

    def start(self, learner_paths: tuple[str, ...]) -> None:
        """A new check (or the reference's re-run of one) begins."""
        self.statements, self.phases, self.values, self.dropped = [], [], [], 0
        if learner_paths != self.learner_paths:
            self.learner_paths, self._is_learner = learner_paths, {}

    def _learner_file(self, filename: str) -> bool:
        known = self._is_learner.get(filename)
        if known is None:
            real = os.path.realpath(filename)
            known = any(real == p or real.startswith(p + os.sep) for p in self.learner_paths)
            self._is_learner[filename] = known
        return known

    def _origin(self) -> str:
        for top in _stacks():
            frame: FrameType | None = top
            while frame is not None:
                if self._learner_file(frame.f_code.co_filename):
                    return ORIGIN_LEARNER
                frame = frame.f_back
        return ORIGIN_CHECK if self.phase == "call" else ORIGIN_FIXTURE

    def record(self, sql: str, parameters: Any, many: bool, kind: str = SQL) -> None:
        if self.phase is None:
            return
        if len(self.statements) >= KEEP_AT_MOST:
            self.dropped += 1
            return
        text = _SPACES.sub(" ", sql).strip()
        params = "" if parameters is None else _short(parameters)
        self.statements.append(Statement(text, params, many, self._origin(), kind))
        self.phases.append(self.phase)
        self.values.append(_flatten(parameters, many))

    def merge(self, statements: list[Statement]) -> None:
        """Statements recorded elsewhere (a live server's process) for the current check."""
        room = max(0, KEEP_AT_MOST - len(self.statements))
        self.statements.extend(statements[:room])
        self.phases.extend(["call"] * len(statements[:room]))
        self.values.extend([()] * len(statements[:room]))  # another process: no Python values
        self.dropped += len(statements) - len(statements[:room])

    def sent_in_call(self) -> list[Statement]:
        """The SQL (not transaction control) sent while the check's body ran."""
        return [s for s, _ in self.sent_in_call_with_values()]

    def sent_in_call_with_values(self) -> list[tuple[Statement, tuple[Any, ...]]]:
        """sent_in_call(), each statement with the values the driver received with it."""
        return [
            (s, values)
            for s, phase, values in zip(self.statements, self.phases, self.values, strict=True)
            if phase == "call" and s.type == SQL
        ]


def _flatten(parameters: Any, many: bool) -> tuple[Any, ...]:
    """The bound values of one cursor execution, in order: a DBAPI parameter set is a tuple
    (qmark/format: SQLite) or a dict (pyformat: psycopg2); executemany sends a list of them.
    (A batch of "insertmanyvalues" is reported as executemany with a single set: a flat tuple
    or one dict.)"""
    if parameters is None:
        return ()
    is_list_of_sets = isinstance(parameters, list | tuple) and all(
        isinstance(one, dict | list | tuple) for one in parameters
    )
    sets = list(parameters) if many and is_list_of_sets else [parameters]
    values: list[Any] = []
    for one in sets:
        if isinstance(one, dict):
            values.extend(one.values())
        elif isinstance(one, list | tuple):
            values.extend(one)
        else:
            values.append(one)
    return tuple(values)


def _stacks() -> Iterator[FrameType]:
    """The frames that led to this statement. Async SQLAlchemy runs the driver in a greenlet
    whose stack ends where it was spawned: the coroutine that awaited it (the learner's, often)
    is on the parent greenlet's stack, so that one is walked too."""
    yield sys._getframe(3)
    current = greenlet.getcurrent()
    while current.parent is not None:
        current = current.parent
        if current.gr_frame is not None:
            yield current.gr_frame


_CAPTURES: list[Capture] = []  # the listeners are attached to the Engine class once per process


def _statement(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
    for capture in _CAPTURES:
        capture.record(sql, params, many)


def _transaction(words: str) -> Callable[..., None]:
    def listener(conn: Any, name: Any = None, *rest: Any) -> None:
        sql = f"{words} {name}" if name is not None and "SAVEPOINT" in words else words
        for capture in _CAPTURES:
            capture.record(sql, None, False, TRANSACTION)

    return listener


_LISTENERS: dict[str, Callable[..., None]] = {
    "before_cursor_execute": _statement,
    "begin": _transaction("BEGIN"),
    "commit": _transaction("COMMIT"),
    "rollback": _transaction("ROLLBACK"),
    "savepoint": _transaction("SAVEPOINT"),
    "rollback_savepoint": _transaction("ROLLBACK TO SAVEPOINT"),
    "release_savepoint": _transaction("RELEASE SAVEPOINT"),
}


def attach(capture: Capture) -> None:
    for name, listener in _LISTENERS.items():
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)
    _CAPTURES.append(capture)


def detach(capture: Capture) -> None:
    if capture in _CAPTURES:
        _CAPTURES.remove(capture)


def fold(statements: list[Statement], show_at_most: int = 12) -> str:
    """Consecutive repeats folded with a count, so an N+1 loop reads as one line ×N."""
    groups = group_repeats(statements)
    lines = [f"  {sql}" + (f"  — ×{n}" if n > 1 else "") for sql, n, _ in groups[:show_at_most]]
    if len(groups) > show_at_most:
        lines.append(f"  … and {len(groups) - show_at_most} more")
    return "\n".join(lines)


_FROM = re.compile(r"\bFROM\s+\"?(\w+)", re.IGNORECASE)


def repetition_hint(statements: list[Statement]) -> str:
    """Name the statement sent most often, and what usually fixes that — a hint, not the answer."""
    counts: dict[str, int] = {}
    for statement in statements:
        counts[statement.sql] = counts.get(statement.sql, 0) + 1
    if not counts:
        return ""
    sql, times = max(counts.items(), key=lambda item: item[1])
    if times < 3:
        return ""
    shown = sql if len(sql) <= 140 else sql[:137] + "…"
    if sql.upper().startswith("SELECT"):
        table = _FROM.search(sql)
        rows = f"rows of `{table[1]}`" if table else "related rows"
        return (
            f"Hint: `{shown}` ran {times} times, once per object of an earlier query: your code "
            f"loads {rows} lazily inside a loop (the N+1 problem). An eager-loading option on the "
            "query that loads the parents (selectinload() or joinedload()) fetches them all at "
            "once."
        )
    return (
        f"Hint: `{shown}` ran {times} times, once per item. One statement can do them all "
        "(pass a list of parameter sets to a single execute(), or use IN)."
    )


class QueryLog:
    """The `queries` fixture: the SQL the check's body sent so far, and query budgets."""

    def __init__(self, capture: Capture) -> None:
        self._capture = capture

    def _sent(self) -> list[Statement]:
        return self._capture.sent_in_call()

    @property
    def statements(self) -> list[str]:
        return [s.sql for s in self._sent()]

    @property
    def transactions(self) -> list[str]:
        """The transaction control the code being graded caused while the check's body ran, in
        order: BEGIN, COMMIT, ROLLBACK, SAVEPOINT <name>, RELEASE SAVEPOINT <name> and ROLLBACK
        TO SAVEPOINT <name>, as the engine's events report them (an app's requests included;
        the check's own reads and the fixtures' work are left out)."""
        capture = self._capture
        return [
            s.sql
            for s, phase in zip(capture.statements, capture.phases, strict=True)
            if phase == "call" and s.type == TRANSACTION and s.origin == ORIGIN_LEARNER
        ]

    def matching(self, pattern: str) -> list[str]:
        """Statements matching a regular expression, case-insensitively."""
        regex = re.compile(pattern, re.IGNORECASE)
        return [sql for sql in self.statements if regex.search(sql)]

    def parameters(self, pattern: str = "") -> list[tuple[Any, ...]]:
        """The bound values the driver received, one tuple per statement whose SQL matches the
        regular expression `pattern` (case-insensitively; "" matches all), in the order sent.

        A value that travelled as a bound parameter is here, exactly as given; a value formatted
        or hand-escaped into the SQL text is not (it is in `statements`). Check a parameter by
        looking for the value in these tuples, never by the absence of one spelling of it in
        the SQL. Statements sent by another process (a live server) have no values here.
        """
        regex = re.compile(pattern, re.IGNORECASE)
        return [
            values
            for statement, values in self._capture.sent_in_call_with_values()
            if regex.search(statement.sql)
        ]

    @contextmanager
    def during(self) -> Iterator[list[str]]:
        """Yields a list that, after the block, holds the statements the block sent."""
        start = len(self._sent())
        sent: list[str] = []
        yield sent
        sent.extend(s.sql for s in self._sent()[start:])

    @contextmanager
    def budget(self, limit: int, action: str) -> Iterator[None]:
        """Fail when the block sends more than `limit` statements."""
        start = len(self._sent())
        dropped_before = self._capture.dropped
        yield
        sent = self._sent()[start:]
        total = len(sent) + self._capture.dropped - dropped_before
        if total > limit:
            hint = repetition_hint(sent)
            import pytest  # only on failure: the live server imports this module

            pytest.fail(
                f"{action} sent {total} SQL statements; it can be done in {limit}.\n"
                f"What your code sent:\n{fold(sent)}" + (f"\n{hint}" if hint else ""),
                pytrace=False,
            )
