"""The checks this project's CI runs on its migrations (after pytest-alembic's built-in tests).
Each raises AssertionError, with a message saying what is wrong, when the migrations are; each
returns quietly when they are right. They run Alembic on the database `engine` reaches, which
`config`'s sqlalchemy.url names too, starting from an empty database."""

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect

VERSION_TABLE = "alembic_version"


def snapshot(engine: Engine) -> dict[str, Any]:
    """The schema as the database has it, alembic_version left out: each table's columns (type,
    NULL, server default), primary key, indexes, unique and foreign keys; on Postgres its enum
    types and sequences too. Two snapshots compare with ==."""
    # BEGIN SOLUTION read the schema back with inspect(): every table, column, index, key, type
    found = inspect(engine)
    tables: dict[str, Any] = {}
    for name in found.get_table_names():
        if name == VERSION_TABLE:
            continue
        tables[name] = {
            "columns": {
                c["name"]: (str(c["type"]), c["nullable"], str(c.get("default")))
                for c in found.get_columns(name)
            },
            "primary_key": found.get_pk_constraint(name)["constrained_columns"],
            "indexes": sorted(
                (str(i["name"]), tuple(map(str, i["column_names"])), bool(i["unique"]))
                for i in found.get_indexes(name)
            ),
            "unique": sorted(
                (str(u["name"]), tuple(u["column_names"]))
                for u in found.get_unique_constraints(name)
            ),
            "foreign_keys": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in found.get_foreign_keys(name)
            ),
        }
    schema: dict[str, Any] = {"tables": tables}
    if engine.dialect.name == "postgresql":
        postgres: Any = found
        schema["enums"] = sorted(e["name"] for e in postgres.get_enums())
        schema["sequences"] = sorted(found.get_sequence_names())
    return schema
    # END SOLUTION


def single_head(script: ScriptDirectory) -> None:
    """Exactly one head: two mean two branches nobody merged."""
    # BEGIN SOLUTION fail unless script.get_heads() has exactly one revision
    heads = script.get_heads()
    assert len(heads) == 1, f"expected one head, found {len(heads)}: {sorted(heads)}"
    # END SOLUTION


def upgrade_downgrade_leaves_no_trace(config: Config, engine: Engine) -> None:
    """`upgrade head` then `downgrade base` leaves nothing but alembic_version: no table, and on
    Postgres no enum type or sequence."""
    # BEGIN SOLUTION upgrade head, downgrade base, then the snapshot must be empty
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    left = snapshot(engine)
    empty = {key: [] if key != "tables" else {} for key in left}
    assert left == empty, f"downgrade base left something behind: {left}"
    # END SOLUTION


def each_revision_round_trips(config: Config, engine: Engine) -> None:
    """For each revision, base to head: upgrade to it, downgrade one step, upgrade again. The
    downgrade restores exactly the schema before the upgrade, and the second upgrade makes the
    same schema as the first."""
    # BEGIN SOLUTION walk the revisions base to head: up, snapshot, down -1, compare, up, compare
    script = ScriptDirectory.from_config(config)
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    before = snapshot(engine)
    for revision in revisions:
        command.upgrade(config, revision)
        after = snapshot(engine)
        command.downgrade(config, "-1")
        restored = snapshot(engine)
        assert restored == before, (
            f"revision {revision}'s downgrade does not restore the schema before it:\n"
            f"before: {before}\nafter the downgrade: {restored}"
        )
        command.upgrade(config, revision)
        again = snapshot(engine)
        assert again == after, f"revision {revision} applied again makes another schema: {again}"
        before = again
    # END SOLUTION


def models_match(config: Config, engine: Engine, metadata: MetaData) -> None:
    """After `upgrade head`, autogenerate finds nothing to change: the models and the migrations
    describe the same schema (`alembic check`)."""
    # BEGIN SOLUTION upgrade head, then compare_metadata on a MigrationContext must be empty
    command.upgrade(config, "head")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert not differences, f"the models and the migrations differ: {differences}"
    # END SOLUTION
