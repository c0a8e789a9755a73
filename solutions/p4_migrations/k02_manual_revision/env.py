"""Alembic's environment (given; kata 4.1 builds it): the URL from the Config, DATABASE_URL
winning when set; the models' metadata for autogenerate; batch mode on SQLite; offline mode."""

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

import models

target_metadata = models.Base.metadata

config = context.config

# Logging from alembic.ini, for the command line only: a program that runs alembic.command
# itself (a test suite, the checker) keeps its own logging.
if config.config_file_name is not None and config.cmd_opts is not None:
    fileConfig(config.config_file_name)


def use_database_url() -> None:
    """When the environment variable DATABASE_URL is set, it wins over alembic.ini's URL."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # the Config is a ConfigParser: a '%' in a password must be doubled
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: write the SQL out instead of running it (no connection)."""
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
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
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


use_database_url()
if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
