"""Checks for kata 4.5 — renames and named constraints: a naming convention.

The project is driven through Alembic on a fresh database per check; the schema is read back
with `inspect()` (names included) and rows seeded at 0001 are read after 0002 and after its
downgrade. The primary key's name and the check constraints are read with a small inspector of
this file's own (the shared `expect_schema` does not name them).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

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

AUTHOR = Expect(
    columns={"id": C(nullable=False), "email": C(nullable=False, type=sa.String(200))},
    primary_key=["id"],
    unique={"uq_author_email": ["email"]},
)

ARTICLE = Expect(
    columns={
        "id": C(nullable=False),
        "author_id": C(nullable=False),
        "headline": C(nullable=False, type=sa.String(200)),
        "slug": C(nullable=False, type=sa.String(200)),
        "views": C(nullable=False, server_default=True),
    },
    primary_key=["id"],
    foreign_keys={"fk_article_author_id_author": "author_id -> author(id)"},
    unique={"uq_article_slug": ["slug"]},
    indexes={"ix_article_author_id": ["author_id"]},
)

POST = Expect(
    columns={
        "id": C(nullable=False),
        "author_id": C(nullable=False),
        "title": C(nullable=False, type=sa.String(200)),
        "slug": C(nullable=False, type=sa.String(200)),
        "views": C(nullable=False, server_default=True),
    },
    primary_key=["id"],
    foreign_keys={"fk_post_author_id_author": "author_id -> author(id)"},
    indexes={"ix_post_author_id": ["author_id"]},
)

SEED_AUTHOR = "INSERT INTO author (id, email) VALUES (1, 'ada@example.com')"
SEED_ARTICLES = (
    "INSERT INTO article (id, author_id, headline, slug, views) VALUES "
    "(1, 1, 'Hello', 'hello', 10), (2, 1, 'Names matter', 'names', 0)"
)
ROWS = [(1, 1, "Hello", "hello", 10), (2, 1, "Names matter", "names", 0)]


def names(migrations: Any, table: str) -> dict[str, Any]:
    """The names the database gives `table`'s primary key and check constraints (a local
    inspector: the shared schema keeps the primary key's columns, not its name)."""
    engine = sa.create_engine(migrations.url)
    try:
        found = sa.inspect(engine)
        return {
            "pk": found.get_pk_constraint(table).get("name"),
            "checks": {c["name"]: c["sqltext"] for c in found.get_check_constraints(table)},
        }
    finally:
        engine.dispose()


def expect_names(migrations: Any, table: str, pk: str, checks: set[str]) -> None:
    """Fail unless `table`'s primary key is named `pk` and its named checks are `checks`."""
    found = names(migrations, table)
    problems = []
    if found["pk"] != pk:
        problems.append(f"{table}'s primary key is named {found['pk']!r}; expected {pk!r}")
    named = {name for name in found["checks"] if name}
    if named != checks:
        problems.append(
            f"{table}'s check constraints are {sorted(named) or 'none'}; expected "
            f"{sorted(checks) or 'none'}"
        )
    if problems:
        fail_with_ddl(
            migrations,
            f"After `{migrations.last_command}`: " + "; ".join(problems) + ".",
            f"PRIMARY KEY {pk} on {table}" + "".join(f"\nCHECK {name}" for name in sorted(checks)),
        )


def refused(migrations: Any, sql: str) -> bool:
    """True when the database refuses `sql` with an IntegrityError (a constraint said no)."""
    try:
        migrations.execute(sql)
    except IntegrityError:
        return True
    return False


def test_one_head_and_downgrade_base_leaves_nothing(migrations):
    """One head; upgrade head then downgrade base leaves no table or index behind."""
    assert_single_head(migrations)
    assert_leaves_no_trace(migrations)


def test_each_revision_round_trips(migrations):
    """0001 and 0002 each survive up, down, up: the downgrade restores the schema before it."""
    assert_each_revision_round_trips(migrations)


def test_models_match_the_migrations(migrations):
    """After upgrade head, autogenerate finds nothing to change (index names included)."""
    assert_models_match(migrations)


def test_the_models_take_their_names_from_the_convention(migrations):
    """models.py's MetaData names every constraint and index by the convention."""
    metadata = migrations.module("models").Base.metadata
    engine = sa.create_engine("sqlite://")
    try:
        metadata.create_all(engine)
        found = sa.inspect(engine)
        got = {
            "post primary key": found.get_pk_constraint("post").get("name"),
            "post foreign key": [fk["name"] for fk in found.get_foreign_keys("post")],
            "post index": [ix["name"] for ix in found.get_indexes("post")],
            "post check": [ck["name"] for ck in found.get_check_constraints("post")],
            "author unique": [uq["name"] for uq in found.get_unique_constraints("author")],
            "author primary key": found.get_pk_constraint("author").get("name"),
        }
    finally:
        engine.dispose()
    expected = {
        "post primary key": "pk_post",
        "post foreign key": ["fk_post_author_id_author"],
        "post index": ["ix_post_author_id"],
        "post check": ["ck_post_views_not_negative"],
        "author unique": ["uq_author_email"],
        "author primary key": "pk_author",
    }
    wrong = {k: v for k, v in got.items() if v != expected[k]}
    assert not wrong, (
        "create_all() from models.py's Base.metadata named things differently from the "
        f"convention: {wrong}; expected { ({k: expected[k] for k in wrong}) }. Give Base "
        "`metadata = MetaData(naming_convention=NAMING_CONVENTION)` with the five templates "
        "(ix, uq, ck, fk, pk) from the task."
    )


def test_0001_names_every_constraint_by_the_convention(migrations):
    """upgrade 0001 (given) names author's and article's constraints by the convention."""
    migrations.upgrade("0001")
    expect_schema(migrations, {"author": AUTHOR, "article": ARTICLE})
    expect_names(migrations, "article", "pk_article", set())
    expect_names(migrations, "author", "pk_author", set())


def test_0002_renames_and_renames_the_names(migrations):
    """upgrade head: post (title) with pk_post, fk/ix renamed, uq_article_slug gone, check added."""
    migrations.upgrade("head")
    expect_schema(migrations, {"author": AUTHOR, "post": POST, "article": None})
    uniques = migrations.schema().tables["post"].unique
    if uniques:
        fail_with_ddl(
            migrations,
            f"post still has unique constraint(s) {[u.get('name') for u in uniques]}; the task "
            "drops uq_article_slug (by that name).",
            "post without a unique constraint on slug",
        )
    expect_names(migrations, "post", "pk_post", {"ck_post_views_not_negative"})
    if migrations.url.startswith("postgresql"):
        sequences = migrations.schema().sequences
        if "post_id_seq" not in sequences:
            fail_with_ddl(
                migrations,
                f"On Postgres the sequences are {list(sequences)}; expected post_id_seq. "
                "rename_table() leaves the id column's sequence named after the old table: "
                "rename it too (ALTER SEQUENCE article_id_seq RENAME TO post_id_seq).",
                "sequence post_id_seq",
            )


def test_rows_survive_the_renames_both_ways(migrations):
    """Articles seeded at 0001 are posts after 0002 (headline -> title), articles again after."""
    migrations.upgrade("0001")
    migrations.execute(SEED_AUTHOR)
    migrations.execute(SEED_ARTICLES)
    migrations.upgrade("head")
    got = migrations.execute("SELECT id, author_id, title, slug, views FROM post ORDER BY id")
    if got != ROWS:
        fail_with_ddl(
            migrations,
            f"Two articles were seeded at 0001; after `alembic upgrade head`, "
            f"SELECT id, author_id, title, slug, views FROM post gave {got}; expected {ROWS}. "
            "A rename keeps the rows: rename_table and alter_column(new_column_name=...), not "
            "a new table or a new column.",
        )
    migrations.downgrade("0001")
    back = migrations.execute(
        "SELECT id, author_id, headline, slug, views FROM article ORDER BY id"
    )
    if back != ROWS:
        fail_with_ddl(
            migrations,
            f"After `alembic downgrade 0001`, SELECT id, author_id, headline, slug, views FROM "
            f"article gave {back}; expected {ROWS} (the rows, back under the old names).",
        )


def test_new_posts_get_ids_and_the_check_refuses_negative_views(migrations):
    """After 0002 a post without an id gets one, views < 0 is refused, and slugs may repeat."""
    migrations.upgrade("head")
    migrations.execute(SEED_AUTHOR)
    migrations.execute(
        "INSERT INTO post (author_id, title, slug, views) VALUES (1, 'First', 'same', 1)"
    )
    if refused(
        migrations, "INSERT INTO post (author_id, title, slug) VALUES (1, 'Second', 'same')"
    ):
        fail_with_ddl(
            migrations,
            "After `alembic upgrade head`, a second post with the slug 'same' was refused; "
            "0002 drops the unique constraint uq_article_slug, so slugs may repeat.",
        )
    if not refused(
        migrations,
        "INSERT INTO post (author_id, title, slug, views) VALUES (1, 'Bad', 'bad', -1)",
    ):
        fail_with_ddl(
            migrations,
            "After `alembic upgrade head`, INSERT INTO post (..., views) VALUES (..., -1) was "
            "accepted; expected the check constraint ck_post_views_not_negative (views >= 0) "
            "to refuse it.",
        )
    ids = [row[0] for row in migrations.execute("SELECT id FROM post ORDER BY id")]
    assert len(ids) == 2 and None not in ids, (
        f"SELECT id FROM post gave {ids} after two inserts without an id; expected two ids."
    )


def test_downgrade_restores_article_and_its_names(migrations):
    """downgrade 0001 restores article, headline, pk_article, its fk/ix names, uq_article_slug."""
    migrations.upgrade("head")
    migrations.downgrade("0001")
    expect_schema(migrations, {"author": AUTHOR, "article": ARTICLE, "post": None})
    expect_names(migrations, "article", "pk_article", set())
    migrations.execute(SEED_AUTHOR)
    migrations.execute("INSERT INTO article (author_id, headline, slug) VALUES (1, 'One', 'same')")
    if not refused(
        migrations, "INSERT INTO article (author_id, headline, slug) VALUES (1, 'Two', 'same')"
    ):
        fail_with_ddl(
            migrations,
            "After `alembic downgrade 0001`, two articles with the slug 'same' were accepted; "
            "expected uq_article_slug back, refusing the second.",
        )
    if migrations.url.startswith("postgresql"):
        sequences = migrations.schema().sequences
        assert "article_id_seq" in sequences, (
            f"After `alembic downgrade 0001` the sequences are {list(sequences)}; expected "
            "article_id_seq back (0002's downgrade renames post_id_seq back)."
        )
