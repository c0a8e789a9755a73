"""Checks for kata 4.6 — Postgres enum types: create, extend, drop (a Postgres-only kata).

The project is driven through Alembic on a fresh Postgres schema per check. The enum type is read
back with the inspector (`migrations.schema().enums`: each type's values, in order); rows seeded
at one revision are read after the next, and after its downgrade.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from checker.plugin.migration_checks import (
    C,
    Expect,
    assert_each_revision_round_trips,
    assert_leaves_no_trace,
    assert_models_match,
    assert_single_head,
    expect_schema,
    fail_with_ddl,
)

TWO = ("draft", "published")
THREE = ("draft", "published", "archived")


def post(*extra: str) -> Expect:
    columns = {"id": C(nullable=False), "title": C(nullable=False)}
    columns.update({name: C(nullable=False, server_default=True) for name in extra})
    return Expect(columns=columns, primary_key=["id"])


def seed(migrations: Any) -> None:
    """Three posts at 0001: 'Kept' and 'Shipped' live, 'Old' archived (is_archived = true)."""
    migrations.execute(
        "INSERT INTO post (id, title, is_archived) VALUES "
        "(1, 'Kept', false), (2, 'Old', true), (3, 'Shipped', false)"
    )


def rows(migrations: Any, columns: str) -> list[tuple[Any, ...]]:
    return migrations.execute(f"SELECT id, {columns} FROM post ORDER BY id")


def refused(migrations: Any, sql: str) -> str | None:
    """The database's complaint when it refuses `sql`; None when it accepts it."""
    try:
        migrations.execute(sql)
    except DBAPIError as error:
        return str(error.orig).splitlines()[0]
    return None


def expect_status_type(migrations: Any) -> None:
    """post.status is a column of the enum type post_status (not VARCHAR, not another type)."""
    column = migrations.schema().tables["post"].columns["status"]
    name = getattr(column.sqltype, "name", None)
    if not isinstance(column.sqltype, sa.Enum) or name != "post_status":
        fail_with_ddl(
            migrations,
            f"post.status is {column.type} (type name {name!r}); expected the enum type "
            "post_status.",
            "post.status post_status NOT NULL DEFAULT 'draft'",
        )


def test_one_head_and_downgrade_base_leaves_no_type(migrations):
    """One head; upgrade head then downgrade base leaves no table and no enum type behind."""
    assert_single_head(migrations)
    assert_leaves_no_trace(migrations)


def test_each_revision_round_trips(migrations):
    """0001, 0002 and 0003 each survive up, down, up (types and their values included)."""
    assert_each_revision_round_trips(migrations)


def test_models_match_the_migrations(migrations):
    """After upgrade head, autogenerate finds nothing to change."""
    assert_models_match(migrations)


def test_0002_creates_the_type_and_a_status_column(migrations):
    """upgrade 0002: the type post_status ('draft', 'published'), post.status NOT NULL DEFAULT."""
    migrations.upgrade("0002")
    expect_schema(migrations, {"post": post("is_archived", "status")}, enums={"post_status": TWO})
    expect_status_type(migrations)


def test_existing_posts_become_drafts_and_archived_is_refused(migrations):
    """Posts seeded at 0001 are drafts after 0002, new ones default to it, 'archived' is refused."""
    migrations.upgrade("0001")
    seed(migrations)
    migrations.upgrade("0002")
    got = rows(migrations, "status")
    expected = [(1, "draft"), (2, "draft"), (3, "draft")]
    if got != expected:
        fail_with_ddl(
            migrations,
            f"Three posts were seeded at 0001; after `alembic upgrade 0002` their statuses are "
            f"{got}; expected {expected} (the server default fills the existing rows).",
        )
    migrations.execute("INSERT INTO post (id, title) VALUES (4, 'New')")
    new = rows(migrations, "status")[-1]
    assert new == (4, "draft"), (
        f"INSERT INTO post (id, title) VALUES (4, 'New') after 0002 gave the status {new[1]!r}; "
        "expected 'draft' (server_default='draft')."
    )
    complaint = refused(
        migrations, "INSERT INTO post (id, title, status) VALUES (5, 'Gone', 'archived')"
    )
    assert complaint is not None, (
        "After `alembic upgrade 0002`, a post with the status 'archived' was accepted; expected "
        "post_status to know only 'draft' and 'published' until 0003."
    )


def test_downgrade_0001_drops_the_type_too(migrations):
    """downgrade 0001 drops post.status and the type post_status; upgrade 0002 works again."""
    migrations.upgrade("0002")
    migrations.downgrade("0001")
    expect_schema(migrations, {"post": post("is_archived")}, enums={"post_status": None})
    migrations.upgrade("0002")
    expect_schema(migrations, {"post": post("is_archived", "status")}, enums={"post_status": TWO})


def test_0003_adds_archived_and_moves_the_archived_posts(migrations):
    """upgrade head: 'archived' added last, is_archived posts become 'archived', the flag goes."""
    migrations.upgrade("0001")
    seed(migrations)
    migrations.upgrade("0002")
    migrations.execute("UPDATE post SET status = 'published' WHERE id = 3")
    migrations.upgrade("head")
    expect_schema(migrations, {"post": post("status")}, enums={"post_status": THREE})
    expect_status_type(migrations)
    got = rows(migrations, "status")
    expected = [(1, "draft"), (2, "archived"), (3, "published")]
    if got != expected:
        fail_with_ddl(
            migrations,
            f"Posts 1 (draft), 2 (is_archived) and 3 (published) before `alembic upgrade head`; "
            f"after it their statuses are {got}; expected {expected}.",
        )
    complaint = refused(
        migrations, "INSERT INTO post (id, title, status) VALUES (4, 'Later', 'archived')"
    )
    assert complaint is None, (
        "After `alembic upgrade head`, INSERT INTO post (..., status) VALUES (..., 'archived') "
        f"was refused: {complaint}; expected 'archived' to be a value of post_status."
    )


def test_downgrade_0002_maps_archived_back_and_rebuilds_the_type(migrations):
    """downgrade 0002: archived posts -> 'draft' + is_archived, the type back to two values."""
    migrations.upgrade("head")
    migrations.execute(
        "INSERT INTO post (id, title, status) VALUES "
        "(1, 'Kept', 'draft'), (2, 'Old', 'archived'), (3, 'Shipped', 'published')"
    )
    migrations.downgrade("0002")
    expect_schema(migrations, {"post": post("is_archived", "status")}, enums={"post_status": TWO})
    expect_status_type(migrations)
    got = rows(migrations, "status, is_archived")
    expected = [(1, "draft", False), (2, "draft", True), (3, "published", False)]
    if got != expected:
        fail_with_ddl(
            migrations,
            f"Posts 'draft', 'archived' and 'published' before `alembic downgrade 0002`; after "
            f"it (id, status, is_archived) are {got}; expected {expected}: an archived post "
            "keeps its row, goes back to 'draft' and gets is_archived = true.",
        )
    migrations.execute("INSERT INTO post (id, title) VALUES (4, 'New')")
    new = rows(migrations, "status")[-1]
    assert new == (4, "draft"), (
        f"After `alembic downgrade 0002`, INSERT INTO post (id, title) gave the status "
        f"{new[1]!r}; expected 'draft' (the column's default, set again on the rebuilt type)."
    )
    complaint = refused(
        migrations, "INSERT INTO post (id, title, status) VALUES (5, 'Gone', 'archived')"
    )
    assert complaint is not None, (
        "After `alembic downgrade 0002`, a post with the status 'archived' was accepted; "
        "expected the rebuilt post_status to know only 'draft' and 'published'."
    )
