"""Alembic's commands as functions, for scripts, deploy jobs and tests: each takes the project's
`alembic.config.Config` (its alembic.ini, with the database URL set)."""

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine


def upgrade_to(config: Config, revision: str) -> None:
    """`alembic upgrade <revision>`: "head", "heads", an id, or "+1"."""
    # TODO: run the upgrade command
    raise NotImplementedError('run the upgrade command')


def step_back(config: Config, steps: int) -> None:
    """`alembic downgrade -<steps>`: undo the last `steps` revisions applied."""
    # TODO: downgrade by a relative revision, -N
    raise NotImplementedError('downgrade by a relative revision, -N')


def adopt_existing_database(config: Config) -> None:
    """A database whose tables create_all() already made: record that it is at head, without
    running a migration (`alembic stamp head`)."""
    # TODO: stamp the database with the head revision
    raise NotImplementedError('stamp the database with the head revision')


def current_revisions(config: Config) -> tuple[str, ...]:
    """The revisions the database is at (what `alembic current` prints): every row of
    alembic_version, several when it stands on several branches; () when it has none."""
    # TODO: read alembic_version through a MigrationContext on the config's URL
    raise NotImplementedError("read alembic_version through a MigrationContext on the config's URL")


def history(config: Config) -> list[str]:
    """Every revision id, from base to head (`alembic history` prints them head first)."""
    # TODO: walk the ScriptDirectory and reverse it
    raise NotImplementedError('walk the ScriptDirectory and reverse it')
