"""Alembic's commands as functions, for scripts, deploy jobs and tests: each takes the project's
`alembic.config.Config` (its alembic.ini, with the database URL set)."""

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine


def upgrade_to(config: Config, revision: str) -> None:
    """`alembic upgrade <revision>`: "head", "heads", an id, or "+1"."""
    # BEGIN SOLUTION run the upgrade command
    command.upgrade(config, revision)
    # END SOLUTION


def step_back(config: Config, steps: int) -> None:
    """`alembic downgrade -<steps>`: undo the last `steps` revisions applied."""
    # BEGIN SOLUTION downgrade by a relative revision, -N
    command.downgrade(config, f"-{steps}")
    # END SOLUTION


def adopt_existing_database(config: Config) -> None:
    """A database whose tables create_all() already made: record that it is at head, without
    running a migration (`alembic stamp head`)."""
    # BEGIN SOLUTION stamp the database with the head revision
    command.stamp(config, "head")
    # END SOLUTION


def current_revisions(config: Config) -> tuple[str, ...]:
    """The revisions the database is at (what `alembic current` prints): every row of
    alembic_version, several when it stands on several branches; () when it has none."""
    # BEGIN SOLUTION read alembic_version through a MigrationContext on the config's URL
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            return tuple(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    # END SOLUTION


def history(config: Config) -> list[str]:
    """Every revision id, from base to head (`alembic history` prints them head first)."""
    # BEGIN SOLUTION walk the ScriptDirectory and reverse it
    script = ScriptDirectory.from_config(config)
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]
    # END SOLUTION
