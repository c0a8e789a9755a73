"""The checks every Alembic kata repeats, after pytest-alembic's built-in tests, with feedback that
shows what the migrations did: the command that ran, the DDL it sent, the schema it left, and what
was expected.

    from checker.plugin.migration_checks import (
        Expect, assert_each_revision_round_trips, assert_leaves_no_trace,
        assert_models_match, assert_single_head, expect_schema,
    )

    def test_upgrade_makes_the_comment_table(migrations):
        migrations.upgrade("head")
        expect_schema(migrations, {"comment": Expect(
            columns={"id": C(nullable=False), "body": C(nullable=False, type=sa.Text())},
            foreign_keys={"fk_comment_post_id_post": "post_id -> post(id) ON DELETE CASCADE"},
            indexes={"ix_comment_post_id": ["post_id"]},
        )})

Everything is read back from the database in use with `inspect()`, never from the project's text,
so a correct migration written differently passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

import pytest
from sqlalchemy.exc import DBAPIError

from checker.plugin.alembic_fixtures import Migrations, Schema, Table

VERSION_TABLE = "alembic_version"


def fail_with_ddl(migrations: Migrations, problem: str, expected: str = "") -> NoReturn:
    """Fail with `problem`, then what was expected, the schema the last command left and the
    DDL it sent: the learner sees their migration's effect beside the task's."""
    parts = [problem.rstrip()]
    if expected:
        parts.append(f"Expected:\n{_indent(expected)}")
    command = migrations.last_command or "the migrations"
    parts.append(
        f"The database after `{command}`:\n"
        f"{_indent(migrations.schema().describe(skip=(VERSION_TABLE,)))}"
    )
    sent = [sql.strip() for sql in migrations.ddl if sql.strip()]
    parts.append(
        f"The SQL `{command}` sent:\n{_indent(chr(10).join(f'{s};' for s in sent))}"
        if sent
        else f"`{command}` sent no SQL."
    )
    pytest.fail("\n\n".join(parts), pytrace=False)


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def migrate_or_fail(
    migrations: Migrations, command: str, revision: str, why: str, on: str = "a database with rows"
) -> None:
    """`alembic <command> <revision>` ("upgrade"/"downgrade"); when the database refuses it (a
    NOT NULL column with no value for the rows there, a constraint the rows break), fail with
    the database's own words and `why`, beside the schema and the SQL sent."""
    try:
        getattr(migrations, command)(revision)
    except DBAPIError as error:
        refusal = str(error.orig).strip().splitlines()[0]
        fail_with_ddl(
            migrations,
            f"`alembic {command} {revision}` failed on {on}:\n"
            f"    {type(error.orig).__name__}: {refusal}\n{why}",
        )


def assert_single_head(migrations: Migrations) -> None:
    """One head: two would mean two branches nobody merged (`alembic upgrade head` refuses)."""
    heads = migrations.heads()
    if len(heads) != 1:
        pytest.fail(
            f"The revision graph has {len(heads)} heads: {sorted(heads)}; expected exactly one. "
            "Two revisions with the same down_revision are two branches: merge them with a "
            "revision whose down_revision is a tuple of both (`alembic merge heads`).",
            pytrace=False,
        )


def assert_leaves_no_trace(migrations: Migrations) -> None:
    """Upgrade to head, then downgrade to base: nothing may be left but alembic_version (no
    table, index, enum type or sequence)."""
    migrations.upgrade("head")
    migrations.downgrade("base")
    left = migrations.schema()
    if left.lines(skip=(VERSION_TABLE,)):
        fail_with_ddl(
            migrations,
            "`alembic downgrade base` left something behind; every downgrade must undo its "
            "upgrade, types and sequences included.",
            "(an empty database, alembic_version aside)",
        )


def assert_each_revision_round_trips(migrations: Migrations) -> None:
    """Each revision, in order, survives up, down, up: its downgrade restores exactly the schema
    before it, and it can be applied again."""
    before = migrations.schema()
    for revision in migrations.revisions():
        migrations.upgrade(revision)
        after = migrations.schema()
        migrations.downgrade("-1")
        restored = migrations.schema()
        difference = before.difference(restored)
        if difference:
            fail_with_ddl(
                migrations,
                f"Revision {revision}'s downgrade does not restore the schema before it. What "
                f"the downgrade left different (- missing, + extra):\n{_indent(difference)}",
                before.describe(skip=(VERSION_TABLE,)),
            )
        migrations.upgrade(revision)
        again = migrations.schema()
        difference = after.difference(again)
        if difference:
            fail_with_ddl(
                migrations,
                f"Revision {revision} upgraded again (after its downgrade) does not make the "
                f"same schema as the first time (- missing, + extra):\n{_indent(difference)}",
                after.describe(skip=(VERSION_TABLE,)),
            )
        before = again


def assert_models_match(migrations: Migrations, module: str = "models") -> None:
    """After `upgrade head`, autogenerate finds nothing to change: the models and the
    migrations describe the same schema."""
    migrations.upgrade("head")
    metadata = migrations.module(module).Base.metadata
    differences = migrations.compare(metadata)
    if differences:
        listing = "\n".join(f"- {_difference(d)}" for d in differences)
        fail_with_ddl(
            migrations,
            f"The models ({module}.py) and the migrated database differ; autogenerate would "
            f"make these changes:\n{listing}",
            "no difference (`alembic check` passes)",
        )


def _difference(diff: Any) -> str:
    """One compare_metadata entry, readable: ('add_column', None, 'post', Column(...)) ->
    "add_column post.published"."""
    if isinstance(diff, list):  # column modifications come as a list of tuples
        return "; ".join(_difference(d) for d in diff)
    kind, rest = diff[0], diff[1:]
    if kind.startswith("modify_"):
        _, table, column, _, old, new = rest
        return f"{kind} {table}.{column}: the database has {old!r}, the models {new!r}"
    thing = rest[-1] if kind.endswith(("_column",)) else rest[0]
    table = rest[1] if kind.endswith("_column") else getattr(thing, "table", None)
    name = getattr(thing, "name", thing)
    where = f"{getattr(table, 'name', table)}." if table is not None else ""
    return f"{kind} {where}{name}"


@dataclass(frozen=True)
class C:
    """What the task says of one column; None leaves that property unchecked."""

    nullable: bool | None = None
    type: Any = None  # a SQLAlchemy type: its kind (and a String's length) is compared
    server_default: bool | None = None  # True: the database fills it in when it is left out


@dataclass
class Expect:
    """What the task says of one table. `columns` is every column (no more, no fewer) unless
    `other_columns` is True; indexes, unique constraints and foreign keys are named, as a naming
    convention names them, and need only be there (others may be too)."""

    columns: dict[str, C] = field(default_factory=dict)
    other_columns: bool = False
    primary_key: list[str] | None = None
    indexes: dict[str, list[str]] = field(default_factory=dict)
    unique: dict[str, list[str]] = field(default_factory=dict)
    foreign_keys: dict[str, str] = field(default_factory=dict)  # name -> "col -> table(col)"

    def describe(self, name: str) -> list[str]:
        lines = [f"table {name}"]
        for column, c in self.columns.items():
            null = {None: "", True: " NULL", False: " NOT NULL"}[c.nullable]
            kind = f" {c.type!r}" if c.type is not None else ""
            default = " DEFAULT …" if c.server_default else ""
            lines.append(f"  {column}{kind}{null}{default}")
        if self.other_columns:
            lines.append("  (other columns as they are)")
        if self.primary_key:
            lines.append(f"  PRIMARY KEY ({', '.join(self.primary_key)})")
        for fk_name, spec in self.foreign_keys.items():
            lines.append(f"  FOREIGN KEY {fk_name} ({spec})")
        for unique_name, columns in self.unique.items():
            lines.append(f"  UNIQUE {unique_name} ({', '.join(columns)})")
        for index_name, columns in self.indexes.items():
            lines.append(f"  INDEX {index_name} ({', '.join(columns)})")
        return lines


def expect_schema(
    migrations: Migrations,
    tables: dict[str, Expect | None],
    enums: dict[str, tuple[str, ...] | None] | None = None,
) -> None:
    """Fail, listing every difference, unless the database has each table as described (None: the
    table must not exist) and, on Postgres, each enum type with its values in order (None: the
    type must not exist)."""
    schema = migrations.schema()
    problems: list[str] = []
    for name, expect in tables.items():
        table = schema.tables.get(name)
        if expect is None:
            if table is not None:
                problems.append(f"there is still a table {name}; expected none")
        elif table is None:
            problems.append(f"there is no table {name}")
        else:
            problems += _table_problems(table, expect, schema)
    if enums and migrations.url.startswith("postgresql"):
        for name, values in enums.items():
            found = schema.enums.get(name)
            if values is None and found is not None:
                problems.append(f"the enum type {name} is still there; expected it dropped")
            elif values is not None and found != tuple(values):
                problems.append(
                    f"the enum type {name} has {found!r}; expected {tuple(values)!r}"
                    if found is not None
                    else f"there is no enum type {name}"
                )
    if problems:
        expected: list[str] = []
        for name, expect in tables.items():
            expected += expect.describe(name) if expect else [f"(no table {name})"]
        for name, values in (enums or {}).items():
            expected.append(
                f"type {name} AS ENUM {tuple(values)!r}" if values else f"(no type {name})"
            )
        listing = "\n".join(f"- {problem}" for problem in problems)
        fail_with_ddl(
            migrations,
            f"After `{migrations.last_command}` the schema is not what the task asks for:\n"
            f"{listing}",
            "\n".join(expected),
        )


def _table_problems(table: Table, expect: Expect, schema: Schema) -> list[str]:
    problems = []
    name = table.name
    missing = [c for c in expect.columns if c not in table.columns]
    extra = [c for c in table.columns if c not in expect.columns]
    if missing:
        problems.append(f"{name} has no column(s) {missing}")
    if extra and not expect.other_columns:
        problems.append(f"{name} has column(s) the task does not ask for: {extra}")
    for column_name, c in expect.columns.items():
        column = table.columns.get(column_name)
        if column is None:
            continue
        if c.nullable is not None and column.nullable is not c.nullable:
            problems.append(
                f"{name}.{column_name} {'allows' if column.nullable else 'refuses'} NULL; "
                f"expected it to {'allow' if c.nullable else 'refuse'} NULL"
            )
        if c.type is not None and not _same_type(column.sqltype, c.type):
            problems.append(f"{name}.{column_name} is {column.type}; expected {c.type!r}")
        if c.server_default is not None and (column.default is not None) is not c.server_default:
            problems.append(
                f"{name}.{column_name} has "
                + (
                    f"the server default {column.default}; expected none"
                    if column.default is not None
                    else "no server default; expected one (server_default=...)"
                )
            )
    if expect.primary_key is not None and list(table.primary_key) != expect.primary_key:
        problems.append(
            f"{name}'s primary key is {list(table.primary_key)}; expected {expect.primary_key}"
        )
    indexes = {i.get("name"): [str(c) for c in i["column_names"]] for i in table.indexes}
    for index_name, columns in expect.indexes.items():
        if indexes.get(index_name) != columns:
            problems.append(_named(name, "index", index_name, columns, indexes))
    uniques = {u.get("name"): list(u["column_names"]) for u in table.unique}
    # SQLite and Postgres may report a UNIQUE constraint as a unique index as well
    uniques.update(
        {
            i.get("name"): list(i["column_names"])
            for i in table.indexes
            if i.get("unique") and i.get("name") not in uniques
        }
    )
    for unique_name, columns in expect.unique.items():
        if uniques.get(unique_name) != columns:
            problems.append(_named(name, "unique constraint", unique_name, columns, uniques))
    keys = {fk.get("name"): _fk_text(fk) for fk in table.foreign_keys}
    for fk_name, spec in expect.foreign_keys.items():
        if keys.get(fk_name) != spec:
            found = ", ".join(f"{k or '(unnamed)'}: {v}" for k, v in keys.items()) or "none"
            problems.append(
                f"{name} has no foreign key {fk_name} ({spec}); its foreign keys: {found}"
            )
    return problems


def _same_type(found: Any, expected: Any) -> bool:
    if found is None:
        return True
    if found._type_affinity is not expected._type_affinity:
        return False
    length = getattr(expected, "length", None)
    return length is None or getattr(found, "length", None) == length


def _named(table: str, what: str, name: str, columns: list[str], found: dict[Any, Any]) -> str:
    listing = ", ".join(f"{k or '(unnamed)'} ({', '.join(v)})" for k, v in found.items()) or "none"
    return f"{table} has no {what} {name} on ({', '.join(columns)}); it has: {listing}"


def _fk_text(fk: dict[str, Any]) -> str:
    text = (
        f"{', '.join(fk['constrained_columns'])} -> {fk['referred_table']}"
        f"({', '.join(fk['referred_columns'])})"
    )
    on_delete = (fk.get("options") or {}).get("ondelete")
    return f"{text} ON DELETE {on_delete.upper()}" if on_delete else text
