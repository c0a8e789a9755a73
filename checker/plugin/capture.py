"""Every SQL statement the code under test sends, recorded through engine events.

The listener is attached to the Engine class, so it sees engines the learner creates too. Only
statements sent while a check's body runs are kept (fixtures' set-up is not the learner's doing).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from checker.results import group_repeats

KEEP_AT_MOST = 500  # a runaway loop must not fill memory or the report
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Statement:
    sql: str
    params: str
    many: bool

    def to_json(self) -> dict[str, Any]:
        return {"sql": self.sql, "params": self.params, "many": self.many}


def _short(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Capture:
    """Statements of the current check; `active` only while its body runs."""

    def __init__(self) -> None:
        self.active = False
        self.statements: list[Statement] = []
        self.dropped = 0

    def reset(self) -> None:
        self.statements, self.dropped, self.active = [], 0, False

    def record(self, statement: str, parameters: Any, executemany: bool) -> None:
        if not self.active:
            return
        if len(self.statements) >= KEEP_AT_MOST:
            self.dropped += 1
            return
        sql = _SPACES.sub(" ", statement).strip()
        self.statements.append(Statement(sql, _short(parameters), executemany))

    @property
    def count(self) -> int:
        return len(self.statements) + self.dropped


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
            "query that loads the parents (selectinload() or joinedload()) fetches them all at once."
        )
    return (
        f"Hint: `{shown}` ran {times} times, once per item. One statement can do them all "
        "(pass a list of parameter sets to a single execute(), or use IN)."
    )


class QueryLog:
    """The `queries` fixture: what the check's code sent so far, and query budgets."""

    def __init__(self, capture: Capture) -> None:
        self._capture = capture

    @property
    def statements(self) -> list[str]:
        return [s.sql for s in self._capture.statements]

    def matching(self, pattern: str) -> list[str]:
        """Statements matching a regular expression, case-insensitively."""
        regex = re.compile(pattern, re.IGNORECASE)
        return [sql for sql in self.statements if regex.search(sql)]

    @contextmanager
    def during(self) -> Iterator[list[str]]:
        """Yields a list that, after the block, holds the statements the block sent."""
        start = len(self._capture.statements)
        sent: list[str] = []
        yield sent
        sent.extend(s.sql for s in self._capture.statements[start:])

    @contextmanager
    def budget(self, limit: int, action: str) -> Iterator[None]:
        """Fail when the block sends more than `limit` statements."""
        start = len(self._capture.statements)
        dropped_before = self._capture.dropped
        yield
        sent = self._capture.statements[start:]
        total = len(sent) + self._capture.dropped - dropped_before
        if total > limit:
            hint = repetition_hint(sent)
            pytest.fail(
                f"{action} sent {total} SQL statements; it can be done in {limit}.\n"
                f"What your code sent:\n{fold(sent)}" + (f"\n{hint}" if hint else ""),
                pytrace=False,
            )
