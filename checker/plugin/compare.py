"""Comparing a learner's query result with the expected one, in a ladder that stops at the first
difference a learner can act on: row count, then columns, then values (then order).

    from checker.plugin.compare import assert_rows_match
    assert_rows_match(kata.top_posts(session), [("ada", 3), ("bob", 2)], ordered=True,
                      what="top_posts(session)")

The failure carries structured details (the plugin puts them in the JSON report and the CLI draws
a table of the rows that differ) and a plain-text version in its message.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

SHOW_AT_MOST = 6


class RowMismatch(AssertionError):
    def __init__(self, message: str, details: dict[str, Any]) -> None:
        super().__init__(message)
        self.details = details


def _normalize(rows: Any) -> tuple[list[tuple], list[str] | None]:
    """Rows as tuples, and their column names when the rows carry them (SQLAlchemy Rows do)."""
    if rows is None:
        return [], None
    result, columns = [], None
    for row in rows:
        if hasattr(row, "_mapping"):
            columns = list(row._mapping.keys())
            result.append(tuple(row))
        elif isinstance(row, (tuple, list)):
            result.append(tuple(row))
        else:
            result.append((row,))
    return result, columns


def _jsonable(row: tuple) -> list:
    return [v if isinstance(v, (int, float, str, bool)) or v is None else repr(v) for v in row]


def _table(title: str, rows: list[tuple]) -> str:
    if not rows:
        return ""
    lines = [f"  {title}:"] + [f"    {row!r}" for row in rows[:SHOW_AT_MOST]]
    if len(rows) > SHOW_AT_MOST:
        lines.append(f"    … and {len(rows) - SHOW_AT_MOST} more")
    return "\n".join(lines)


def _fail(
    stage: str,
    summary: str,
    what: str,
    got: list,
    expected: list,
    ordered: bool,
    missing: list,
    unexpected: list,
    columns: Any = None,
) -> None:
    details = {
        "stage": stage,
        "what": what,
        "ordered": ordered,
        "got_count": len(got),
        "expected_count": len(expected),
        "columns": columns,
        "missing": [_jsonable(r) for r in missing[:SHOW_AT_MOST]],
        "unexpected": [_jsonable(r) for r in unexpected[:SHOW_AT_MOST]],
    }
    body = "\n".join(
        part
        for part in (
            _table("expected but missing", missing),
            _table("returned but not expected", unexpected),
        )
        if part
    )
    raise RowMismatch(summary + ("\n" + body if body else ""), details)


def assert_rows_match(got: Any, expected: Any, *, ordered: bool, what: str = "the query") -> None:
    got_rows, got_columns = _normalize(got)
    expected_rows, expected_columns = _normalize(expected)
    surplus = Counter(got_rows) - Counter(expected_rows)
    lacking = Counter(expected_rows) - Counter(got_rows)
    missing, unexpected = list(lacking.elements()), list(surplus.elements())
    if len(got_rows) != len(expected_rows):
        _fail(
            "row count",
            f"{what} returned {len(got_rows)} rows; expected {len(expected_rows)}.",
            what,
            got_rows,
            expected_rows,
            ordered,
            missing,
            unexpected,
        )
    if got_columns and expected_columns and got_columns != expected_columns:
        _fail(
            "columns",
            f"{what} returned the columns {got_columns}; expected {expected_columns}.",
            what,
            got_rows,
            expected_rows,
            ordered,
            [],
            [],
            {"got": got_columns, "expected": expected_columns},
        )
    if missing or unexpected:
        _fail(
            "values",
            f"{what} returned the right number of rows ({len(got_rows)}), but "
            f"{len(unexpected)} of them differ from what was expected.",
            what,
            got_rows,
            expected_rows,
            ordered,
            missing,
            unexpected,
        )
    if ordered and got_rows != expected_rows:
        first = next(
            i for i, (g, e) in enumerate(zip(got_rows, expected_rows, strict=True)) if g != e
        )
        _fail(
            "order",
            f"{what} returned the right rows in the wrong order: row {first + 1} is "
            f"{got_rows[first]!r}, expected {expected_rows[first]!r}. Check the ORDER BY.",
            what,
            got_rows,
            expected_rows,
            ordered,
            [],
            [],
        )
