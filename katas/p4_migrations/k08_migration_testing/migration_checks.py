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
    # TODO: read the schema back with inspect(): every table, column, index, key, type
    raise NotImplementedError('read the schema back with inspect(): every table, column, index, key, type')


def single_head(script: ScriptDirectory) -> None:
    """Exactly one head: two mean two branches nobody merged."""
    # TODO: fail unless script.get_heads() has exactly one revision
    raise NotImplementedError('fail unless script.get_heads() has exactly one revision')


def upgrade_downgrade_leaves_no_trace(config: Config, engine: Engine) -> None:
    """`upgrade head` then `downgrade base` leaves nothing but alembic_version: no table, and on
    Postgres no enum type or sequence."""
    # TODO: upgrade head, downgrade base, then the snapshot must be empty
    raise NotImplementedError('upgrade head, downgrade base, then the snapshot must be empty')


def each_revision_round_trips(config: Config, engine: Engine) -> None:
    """For each revision, base to head: upgrade to it, downgrade one step, upgrade again. The
    downgrade restores exactly the schema before the upgrade, and the second upgrade makes the
    same schema as the first."""
    # TODO: walk the revisions base to head: up, snapshot, down -1, compare, up, compare
    raise NotImplementedError('walk the revisions base to head: up, snapshot, down -1, compare, up, compare')


def models_match(config: Config, engine: Engine, metadata: MetaData) -> None:
    """After `upgrade head`, autogenerate finds nothing to change: the models and the migrations
    describe the same schema (`alembic check`)."""
    # TODO: upgrade head, then compare_metadata on a MigrationContext must be empty
    raise NotImplementedError('upgrade head, then compare_metadata on a MigrationContext must be empty')
