"""Checks for kata 4.2 — a revision by hand: upgrade and downgrade.

The learner's revision 0002 runs through the project's env.py on a database of the check's own:
the schema it makes is read back and compared with the task's, rows seeded at 0001 must survive
the upgrade (and get published = false) and the downgrade, a post's comments must go with it,
and every revision must round trip.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from checker.plugin.migration_checks import (
    C,
    Expect,
    assert_each_revision_round_trips,
    assert_leaves_no_trace,
    assert_models_match,
    assert_single_head,
    expect_schema,
    fail_with_ddl,
    migrate_or_fail,
)

POST_AT_0001 = {
    "id": C(nullable=False),
    "author_id": C(nullable=False),
    "title": C(nullable=False),
    "body": C(nullable=False),
}


def _seed_posts(migrations: Any) -> None:
    """A user with two posts, written at revision 0001 (before published exists); ids are left to
    the database, so that its sequences (Postgres) stay in step."""
    migrations.execute("INSERT INTO user_account (username) VALUES ('ada')")
    for title, body in (("Hello", "first post"), ("Again", "second post")):
        migrations.execute(
            "INSERT INTO post (author_id, title, body) "
            "SELECT id, :title, :body FROM user_account WHERE username = 'ada'",
            title=title,
            body=body,
        )


def _comment_foreign_key(migrations: Any) -> None:
    comment = migrations.schema().tables.get("comment")
    keys = comment.foreign_keys if comment is not None else []
    for fk in keys:
        if fk["constrained_columns"] == ["post_id"] and fk["referred_table"] == "post":
            on_delete = str((fk.get("options") or {}).get("ondelete") or "").upper()
            if fk["referred_columns"] == ["id"] and on_delete == "CASCADE":
                return
    fail_with_ddl(
        migrations,
        f"After `{migrations.last_command}`, comment has no foreign key post_id -> post(id) "
        "ON DELETE CASCADE (see its FOREIGN KEY lines below). Give the column "
        "sa.ForeignKey('post.id', ondelete='CASCADE'): without ondelete the database refuses to "
        "delete a post that has comments, whatever the ORM was told.",
        "FOREIGN KEY (post_id) -> post(id) ON DELETE CASCADE",
    )


def test_upgrade_makes_comment_and_post_published(migrations):
    """upgrade head: comment with its columns, index and cascading key; post.published NOT NULL."""
    migrations.upgrade("head")
    expect_schema(
        migrations,
        {
            "comment": Expect(
                columns={
                    "id": C(nullable=False, type=sa.Integer()),
                    "post_id": C(nullable=False, type=sa.Integer()),
                    "body": C(nullable=False, type=sa.Text()),
                    "created_at": C(nullable=False, type=sa.DateTime(), server_default=True),
                },
                primary_key=["id"],
                indexes={"ix_comment_post_id": ["post_id"]},
            ),
            "post": Expect(
                columns={
                    **POST_AT_0001,
                    "published": C(nullable=False, type=sa.Boolean(), server_default=True),
                },
            ),
        },
    )
    _comment_foreign_key(migrations)
    if migrations.url.startswith("postgresql"):
        created_at = migrations.schema().tables["comment"].columns["created_at"]
        assert getattr(created_at.sqltype, "timezone", False), (
            f"After `alembic upgrade head`, comment.created_at is {created_at.type}; expected "
            "TIMESTAMP WITH TIME ZONE: sa.DateTime(timezone=True)."
        )


def test_existing_posts_become_drafts(migrations):
    """Posts written at 0001 survive 0002 with published = false, and survive its downgrade."""
    migrations.upgrade("0001")
    _seed_posts(migrations)
    migrate_or_fail(
        migrations,
        "upgrade",
        "0002",
        "A NOT NULL column added to a table that has rows needs a value for them: give "
        "post.published a server default (server_default=sa.false(), or sa.text('false')), "
        "which the database writes into every existing row.",
        on="a database whose post table already has two rows",
    )
    rows = migrations.execute("SELECT title, published FROM post ORDER BY id")
    got = [(title, None if p is None else bool(p)) for title, p in rows]
    expected = [("Hello", False), ("Again", False)]
    assert got == expected, (
        "Seeded two posts at 0001, ran `alembic upgrade 0002`, then `SELECT title, "
        f"published FROM post` returned {got}; expected {expected}: the posts already there are "
        "drafts (the server default fills them in)."
    )
    migrations.execute(
        "INSERT INTO post (author_id, title, body) SELECT author_id, 'New', 'third' FROM post "
        "WHERE title = 'Hello'"
    )
    (new,) = migrations.execute("SELECT published FROM post WHERE title = 'New'")
    assert new[0] is not None and not new[0], (
        f"A post inserted after 0002 without `published` got published = {new[0]!r}; expected "
        "false (the server default)."
    )
    migrations.downgrade("0001")
    rows = migrations.execute("SELECT title FROM post ORDER BY id")
    assert [r[0] for r in rows] == ["Hello", "Again", "New"], (
        f"After `alembic downgrade 0001`, post holds {rows}; expected the posts to survive "
        "(the downgrade drops a column, never the rows)."
    )


def test_comments_get_a_time_and_go_with_their_post(migrations):
    """A comment inserted without created_at gets one; deleting its post deletes it."""
    migrations.upgrade("head")
    _seed_posts(migrations)
    insert = "INSERT INTO comment (post_id, body) SELECT id, :body FROM post WHERE title = :title"
    try:
        migrations.execute(insert, body="nice", title="Hello")
        migrations.execute(insert, body="hm", title="Again")
    except sa.exc.IntegrityError as error:
        fail_with_ddl(
            migrations,
            "`INSERT INTO comment (post_id, body) ...` (no created_at) failed: "
            f"{str(error.orig).strip()}\ncomment.created_at must default to the current time in "
            "the database: server_default=sa.func.now().",
        )
    stamps = migrations.execute("SELECT created_at FROM comment")
    assert stamps and all(s[0] is not None for s in stamps), (
        f"comment.created_at read back {stamps} after inserts that left it out; expected the "
        "time of the insert (server_default=sa.func.now())."
    )
    try:
        migrations.execute("DELETE FROM post WHERE title = 'Hello'")
    except sa.exc.IntegrityError as error:
        fail_with_ddl(
            migrations,
            "`DELETE FROM post WHERE title = 'Hello'` (a post with a comment) failed: "
            f"{str(error.orig).strip()}\nExpected the database to delete its comments too: "
            "sa.ForeignKey('post.id', ondelete='CASCADE').",
        )
    left = migrations.execute("SELECT body FROM comment ORDER BY id")
    assert [r[0] for r in left] == ["hm"], (
        f"After `DELETE FROM post WHERE title = 'Hello'`, comment holds the bodies "
        f"{[r[0] for r in left]}; expected ['hm'] only: the deleted post's own comment goes "
        "with it (ON DELETE CASCADE), the other post's stays."
    )


def test_downgrade_returns_to_0001(migrations):
    """downgrade -1 after upgrade head: no comment table, no post.published, no index left."""
    migrations.upgrade("head")
    migrations.downgrade("-1")
    current = migrations.current()
    assert current == ("0001",), (
        f"After `alembic downgrade -1` from 0002 the database is at {current}."
    )
    expect_schema(migrations, {"comment": None, "post": Expect(columns=POST_AT_0001)})
    left = [i.get("name") for t in migrations.schema().tables.values() for i in t.indexes]
    assert "ix_comment_post_id" not in left, (
        f"After `alembic downgrade -1`, the index ix_comment_post_id is still there: {left}."
    )


def test_every_revision_round_trips(migrations):
    """One head, 0001 then 0002; each revision survives up, down and up again."""
    assert_single_head(migrations)
    assert migrations.revisions() == ["0001", "0002"], (
        f"The revisions from base to head are {migrations.revisions()}; expected ['0001', "
        "'0002'] (0002's down_revision is '0001')."
    )
    assert_each_revision_round_trips(migrations)


def test_downgrade_base_leaves_no_trace(migrations):
    """upgrade head, then downgrade base: nothing left but alembic_version."""
    assert_leaves_no_trace(migrations)


def test_models_match_the_migrated_database(migrations):
    """After upgrade head, autogenerate finds nothing between models.py and the database."""
    # server defaults are left out of the comparison (sa.false() reads back as '0' on SQLite,
    # sa.text('false') as 'false', both right): the checks above judge them by behaviour
    assert_models_match(migrations)
