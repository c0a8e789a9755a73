"""The schema a kata's models created, read back from the database with `sqlalchemy.inspect()`,
compared column by column with what the task asks for.

    from checker.plugin.schema import Col, assert_table
    assert_table(engine, "post", {
        "id": Col(nullable=False),
        "author_id": Col(nullable=False, references="user_account.id", unique=False,
                         hint="author_id: Mapped[int] = mapped_column(ForeignKey(...))"),
    }, primary_key=["id"])

Constraints are read from the database the check runs on, not from the models' metadata, so what
is checked is what the server enforces: a NOT NULL, a UNIQUE (a constraint or a unique index), a
foreign key and its ON DELETE, the primary key and its column order. SQLite does not keep a
column's time zone flag, so `timezone` is checked on the model's column type everywhere and also
on the reflected type on Postgres.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import inspect


@dataclass(frozen=True)
class Col:
    """What the task says about one column; None leaves that property unchecked."""

    nullable: bool | None = None
    unique: bool | None = None  # on its own: a one-column UNIQUE constraint or unique index
    references: str | None = None  # "table.column" of its foreign key
    ondelete: str | None = None  # the foreign key's ON DELETE action, e.g. "CASCADE"
    timezone: bool | None = None  # DateTime(timezone=True)
    hint: str = ""  # how the column is written, shown when it differs


def _unique_columns(database: Any, table: str) -> set[str]:
    """Columns that are unique on their own: a one-column UNIQUE constraint or unique index, or
    the whole primary key."""
    found = {
        names[0]
        for constraint in database.get_unique_constraints(table)
        if len(names := constraint["column_names"]) == 1
    }
    found |= {
        names[0]
        for index in database.get_indexes(table)
        if index.get("unique") and len(names := index["column_names"]) == 1
    }
    primary = database.get_pk_constraint(table)["constrained_columns"]
    if len(primary) == 1:
        found.add(primary[0])
    return found


def _column_problems(
    name: str, col: Col, facts: dict[str, Any], database: Any, table: str, model: Any
) -> list[str]:
    problems = []
    if col.nullable is not None and bool(facts["nullable"]) is not col.nullable:
        problems.append(
            f"{table}.{name} {'allows' if facts['nullable'] else 'refuses'} NULL; expected it to "
            f"{'allow' if col.nullable else 'refuse'} NULL"
            + (" (Mapped[... | None] makes a column optional)" if col.nullable else "")
        )
    if col.unique is not None:
        unique = name in _unique_columns(database, table)
        if unique is not col.unique:
            problems.append(
                f"{table}.{name} is {'' if unique else 'not '}unique on its own; expected it "
                + ("to be (unique=True)" if col.unique else "not to be: many rows may share it")
            )
    if col.references is not None:
        referred_table, referred_column = col.references.split(".")
        keys = [
            fk
            for fk in database.get_foreign_keys(table)
            if fk["constrained_columns"] == [name]
            and fk["referred_table"] == referred_table
            and fk["referred_columns"] == [referred_column]
        ]
        if not keys:
            problems.append(
                f"{table}.{name} is not a foreign key to {col.references}; expected "
                f'ForeignKey("{col.references}")'
            )
        elif col.ondelete is not None:
            action = (keys[0]["options"].get("ondelete") or "").upper()
            if action != col.ondelete.upper():
                problems.append(
                    f"{table}.{name}'s foreign key has ON DELETE "
                    f"{action or 'nothing (NO ACTION)'}; expected ON DELETE {col.ondelete}: "
                    f'ForeignKey("{col.references}", ondelete="{col.ondelete}")'
                )
    if col.timezone is not None:
        # SQLite stores no time zone flag: there, the model's type is all there is to read.
        if database.dialect.name == "sqlite":
            aware = bool(getattr(model.c[name].type, "timezone", False))
        else:
            aware = bool(getattr(facts["type"], "timezone", False))
        if aware is not col.timezone:
            problems.append(
                f"{table}.{name} is a DateTime {'with' if aware else 'without'} a time zone; "
                f"expected DateTime(timezone={col.timezone}) "
                f"({'timestamptz' if col.timezone else 'timestamp'} on Postgres)"
            )
    return [f"{problem}. {col.hint}".rstrip() if col.hint else problem for problem in problems]


def assert_table(
    engine: Any,
    table: str,
    columns: dict[str, Col],
    primary_key: list[str],
    model: Any = None,
    pk_hint: str = "",
    key_order: bool = True,
) -> None:
    """Fail, listing every difference, unless the database's `table` has exactly `columns` (no
    more, no fewer), each as described, and `primary_key` as its primary key (in that order,
    unless `key_order` is False). `model` is the kata's Table, for what SQLite cannot reflect
    (a DateTime's time zone)."""
    database = inspect(engine)
    if not database.has_table(table):
        pytest.fail(
            f"create_all made no table {table!r} (it made {sorted(database.get_table_names())}); "
            f"expected {table!r} with the columns {sorted(columns)}.",
            pytrace=False,
        )
    facts = {c["name"]: c for c in database.get_columns(table)}
    problems = []
    missing = [name for name in columns if name not in facts]
    extra = [name for name in facts if name not in columns]
    if missing:
        problems.append(f"{table} has no column(s) {missing}")
    if extra:
        problems.append(f"{table} has column(s) the task does not ask for: {extra}")
    key = database.get_pk_constraint(table)["constrained_columns"]
    if (key if key_order else sorted(key)) != (primary_key if key_order else sorted(primary_key)):
        problems.append(
            f"{table}'s primary key is {key}; expected {primary_key}"
            + (f". {pk_hint}" if pk_hint else "")
        )
    for name, col in columns.items():
        if name in facts:
            problems += _column_problems(name, col, facts[name], database, table, model)
    if problems:
        listing = "\n".join(f"- {problem}" for problem in problems)
        pytest.fail(
            f"The {table} table that create_all made (read back with sqlalchemy.inspect) is not "
            f"what the task asks for:\n{listing}",
            pytrace=False,
        )
