"""The `alembic` kind: a kata that is an Alembic project, graded through Alembic's Python API on
the check's own database (the `migrations` fixture): upgrade and downgrade, the schema read back,
the models compared with it, and the DDL each command sent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import postgres_url
from tests.factory import KataSpec, write_workbook
from tests.schema import validate_output

ALEMBIC_INI = """
[alembic]
script_location = %(here)s
prepend_sys_path = .

[loggers]
keys = root

[handlers]
keys =

[formatters]
keys =

[logger_root]
level = WARNING
handlers =
"""

ENV = """
from alembic import context
from sqlalchemy import engine_from_config, pool

import models

config = context.config
target_metadata = models.Base.metadata


def run_migrations_online() -> None:
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
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
"""

MODELS = """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)


class Post(Base):
    __tablename__ = "post"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
"""

REVISION = '''
"""create user_account and post"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    # BEGIN SOLUTION create both tables, and the index on post.author_id
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(50), nullable=False, unique=True),
    )
    op.create_table(
        "post",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
    )
    op.create_index("ix_post_author_id", "post", ["author_id"])
    # END SOLUTION


def downgrade() -> None:
    # BEGIN SOLUTION drop what upgrade made, in reverse order
    op.drop_index("ix_post_author_id", table_name="post")
    op.drop_table("post")
    op.drop_table("user_account")
    # END SOLUTION
'''

FILES = {
    "__init__.py": '"""Kata 1.1 — A first migration."""\n',
    "alembic.ini": ALEMBIC_INI,
    "env.py": ENV,
    "models.py": MODELS,
    "versions/0001_create.py": REVISION,
}

CHECKS = '''
def test_upgrade_then_downgrade_leaves_nothing(migrations):
    """Upgrade to head makes both tables; downgrade to base leaves only alembic_version."""
    migrations.upgrade("head")
    schema = migrations.schema()
    assert {"user_account", "post"} <= set(schema.tables), migrations.describe()
    assert migrations.current() == ("0001",), migrations.current()
    assert any("CREATE TABLE" in sql for sql in migrations.ddl), migrations.ddl
    migrations.downgrade("base")
    left = set(migrations.schema().tables) - {"alembic_version"}
    assert not left, f"downgrade base left {sorted(left)}:\\n{migrations.describe()}"


def test_models_match_the_migrated_schema(migrations):
    """compare_metadata finds no difference between the models and the migrated database."""
    migrations.upgrade("head")
    diff = migrations.compare(migrations.module("models").Base.metadata)
    assert not diff, f"the models and the migrations differ: {diff}\\n{migrations.describe()}"


def test_one_head(migrations):
    """One head, and every revision in order."""
    assert migrations.heads() == ["0001"], migrations.heads()
    assert migrations.revisions() == ["0001"], migrations.revisions()


def test_round_trip(migrations):
    """up, down, up again works (the downgrade really undoes the upgrade)."""
    migrations.upgrade("head")
    migrations.downgrade("base")
    migrations.upgrade("head")
    index = [i["name"] for i in migrations.schema().tables["post"].indexes]
    assert "ix_post_author_id" in index, migrations.describe()

'''


@pytest.fixture
def alembic_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    spec = KataSpec(1, "first", FILES, CHECKS, kind="alembic")
    root = write_workbook(tmp_path / "migrations", [spec])
    monkeypatch.setenv("CHECKER_ROOT", str(root))
    monkeypatch.chdir(root)
    return root


def _db() -> list[str]:
    return ["--db", "postgres", "--db-url", postgres_url()] if postgres_url() else []


def test_an_alembic_project_is_graded_through_alembic(alembic_book, cli):
    result = json.loads(cli("kata", "1.1", "--json", *_db()).out)
    validate_output(result, "run")
    (kata,) = result["katas"]
    assert kata["status"] == "passed", json.dumps(kata, indent=1)[:3000]
    assert len(kata["checks"]) == 4


def test_a_downgrade_that_forgets_the_table_fails_with_the_schema(alembic_book, cli):
    revision = alembic_book / "katas/p1_demo/k01_first/versions/0001_create.py"
    revision.write_text(revision.read_text().replace('    op.drop_table("post")\n', ""))
    result = json.loads(cli("kata", "1.1", "--json", *_db()).out)
    (kata,) = result["katas"]
    failed = {c["name"]: c for c in kata["checks"] if c["outcome"] != "passed"}
    assert "test_upgrade_then_downgrade_leaves_nothing" in failed, kata
    message = failed["test_upgrade_then_downgrade_leaves_nothing"]["message"]
    if postgres_url():  # Postgres refuses to drop a table another one still refers to
        assert "cannot drop table user_account" in message, message
    else:  # SQLite drops it: what is left is shown as the schema
        assert "downgrade base left ['post']" in message and "table post" in message, message


def test_the_kind_wants_an_alembic_project(tmp_path: Path):
    from checker.workbook.kinds import kinds

    kind = kinds()["alembic"]
    assert kind.check_listed_files(tuple(FILES)) is None
    assert "alembic.ini" in (kind.check_listed_files(("__init__.py", "env.py")) or "")
    assert "not 'notes.txt'" in (kind.check_listed_files((*FILES, "notes.txt")) or "")
