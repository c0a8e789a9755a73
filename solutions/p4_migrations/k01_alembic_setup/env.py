"""Alembic's environment: run by every alembic command (upgrade, downgrade, check, revision
--autogenerate, upgrade --sql). It says which database to migrate, which models autogenerate
compares it with, and how to talk to it, online (a connection) or offline (SQL written out)."""

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

# BEGIN SOLUTION import the models and give Alembic their metadata (target_metadata)
# STUB: target_metadata = None
import models

target_metadata = models.Base.metadata
# END SOLUTION

config = context.config

# Logging from alembic.ini, for the command line only: a program that runs alembic.command
# itself (a test suite, the checker) keeps its own logging.
if config.config_file_name is not None and config.cmd_opts is not None:
    fileConfig(config.config_file_name)


def use_database_url() -> None:
    """When the environment variable DATABASE_URL is set, it wins over alembic.ini's URL."""
    # BEGIN SOLUTION when DATABASE_URL is set, put it in the Config as sqlalchemy.url
    url = os.environ.get("DATABASE_URL")
    if url:
        # the Config is a ConfigParser: a '%' in a password must be doubled
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    # END SOLUTION


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: write the SQL out instead of running it (no connection)."""
    url = config.get_main_option("sqlalchemy.url")
    # BEGIN SOLUTION configure the context with the URL, target_metadata and literal_binds=True
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    # END SOLUTION
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Connect to the Config's URL and run the migrations in a transaction."""
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        # BEGIN SOLUTION configure the context: connection, target_metadata, batch mode on SQLite, compare_type
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        # END SOLUTION
        with context.begin_transaction():
            context.run_migrations()


use_database_url()
if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
