"""Checks for kata 3.3 — mixins and declared_attr."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import DateTime, delete, inspect, select, text
from sqlalchemy.exc import IntegrityError, NoReferencedTableError, SQLAlchemyError
from sqlalchemy.orm import Session

TABLES = {"Author": "author", "BlogPost": "blog_post", "PostComment": "post_comment"}
# every column of every table, as the database reports them after create_all
COLUMNS = {
    "author": {"id", "name", "created_at", "updated_at"},
    "blog_post": {"id", "title", "created_at", "updated_at", "author_id"},
    "post_comment": {"id", "post_id", "body", "created_at", "updated_at", "author_id"},
}
AUTHORED = ["blog_post", "post_comment"]
STAMPS = ["created_at", "updated_at"]


def _table_names(kata) -> None:
    """Fail, saying which, when a model's table is not named after its class in snake_case."""
    got = {cls: getattr(kata, cls).__table__.name for cls in TABLES}
    assert got == TABLES, (
        f"The models' tables are named {got!r}; expected {TABLES!r}: Base.__tablename__, a "
        "@declared_attr.directive, should turn the class name into snake_case (an underscore "
        "before each capital but the first, then lower case)."
    )


def _create(kata, engine) -> None:
    """The kata's tables, created in the check's database."""
    _table_names(kata)
    try:
        kata.Base.metadata.create_all(engine)
    except (NoReferencedTableError, SQLAlchemyError) as exc:
        pytest.fail(
            f"Base.metadata.create_all(engine) failed: {type(exc).__name__}: {exc}",
            pytrace=False,
        )


def _as_utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back (they hold UTC wall time); Postgres gives aware ones."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _close_to_now(moment: datetime) -> bool:
    return abs(_as_utc(moment) - datetime.now(UTC)) < timedelta(minutes=2)


def _next_second() -> None:
    """Sleep past the next whole second: SQLite's CURRENT_TIMESTAMP counts whole seconds, so two
    rows written on either side of the boundary get different times on both databases."""
    time.sleep(1.05 - (time.time() % 1.0))


def _add_author(engine, kata, name: str) -> int:
    with Session(engine) as session:
        author = kata.Author(name=name)
        session.add(author)
        try:
            session.commit()
        except IntegrityError as exc:
            pytest.fail(
                f"Saving Author(name={name!r}) failed: {exc.orig!r}. created_at and updated_at "
                "are NOT NULL, so the database must fill them: server_default=func.now().",
                pytrace=False,
            )
        return author.id


def _read(engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def test_table_names_come_from_the_class_names(kata):
    """Author, BlogPost and PostComment get the tables author, blog_post and post_comment."""
    _table_names(kata)
    tables = set(kata.Base.metadata.tables)
    assert tables == set(TABLES.values()), (
        f"Base.metadata holds the tables {sorted(tables)!r}; expected exactly "
        f"{sorted(TABLES.values())!r}."
    )


def test_every_column_is_created(kata, engine):
    """The database has exactly the expected columns in each table, all NOT NULL."""
    _create(kata, engine)
    database = inspect(engine)
    for table, expected in COLUMNS.items():
        columns = {c["name"]: c for c in database.get_columns(table)}
        assert set(columns) == expected, (
            f"inspect(engine).get_columns({table!r}) gives the columns {sorted(columns)!r}; "
            f"expected {sorted(expected)!r}. TimestampMixin adds created_at and updated_at to "
            "every model that inherits it, AuthoredMixin adds author_id."
        )
        nullable = sorted(name for name, column in columns.items() if column["nullable"])
        assert not nullable, (
            f"In {table}, the columns {nullable!r} allow NULL; every column here is required: "
            "annotate them Mapped[int] / Mapped[datetime], not Mapped[... | None]."
        )


def test_timestamps_are_timezone_aware(kata, engine, db):
    """created_at and updated_at are DateTime(timezone=True) (timestamptz on Postgres)."""
    _create(kata, engine)
    for cls in TABLES:
        for name in STAMPS:
            column_type = getattr(kata, cls).__table__.c[name].type
            assert isinstance(column_type, DateTime) and column_type.timezone, (
                f"{cls}.{name} has the type {column_type!r}; expected DateTime(timezone=True), "
                "so that the moment is stored with its offset (TIMESTAMP WITH TIME ZONE)."
            )
    if db.dialect == "postgresql":  # SQLite's reflection cannot see a time zone
        database = inspect(engine)
        for table in TABLES.values():
            types = {c["name"]: c["type"] for c in database.get_columns(table)}
            for name in STAMPS:
                assert getattr(types[name], "timezone", False), (
                    f"Postgres says {table}.{name} is {types[name]!r}; expected TIMESTAMP WITH "
                    "TIME ZONE."
                )


def test_timestamps_have_server_defaults(kata, engine):
    """The database itself holds a default for created_at and updated_at in every table."""
    _create(kata, engine)
    database = inspect(engine)
    for table in TABLES.values():
        defaults = {c["name"]: c.get("default") for c in database.get_columns(table)}
        missing = [name for name in STAMPS if not defaults.get(name)]
        assert not missing, (
            f"inspect(engine).get_columns({table!r}) shows no default for {missing!r} (defaults: "
            f"{ {name: defaults.get(name) for name in STAMPS}!r}); expected one in the CREATE "
            "TABLE: server_default=func.now(). default= is applied by SQLAlchemy only, so the "
            "database never sees it."
        )


def test_plain_sql_insert_gets_the_current_time(kata, engine, db):
    """A row inserted by plain SQL, outside SQLAlchemy, gets created_at and updated_at = now."""
    _create(kata, engine)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO author (name) VALUES (:name)"), {"name": "ada"})
    except IntegrityError as exc:
        pytest.fail(
            f"INSERT INTO author (name) VALUES ('ada') failed: {exc.orig!r}. The database has no "
            "default for the timestamps: server_default=func.now().",
            pytrace=False,
        )
    with Session(engine) as session:
        ada = session.scalars(select(kata.Author)).one()
        stamps = {name: getattr(ada, name) for name in STAMPS}
    for name, moment in stamps.items():
        assert isinstance(moment, datetime) and _close_to_now(moment), (
            f"After a plain-SQL INSERT, author.{name} is {moment!r}; expected the current time "
            "(in UTC on SQLite, which keeps no offset), filled in by the database."
        )
        if db.dialect == "postgresql":
            assert moment.tzinfo is not None, (
                f"Postgres gave author.{name} back as {moment!r}, without a time zone; expected an "
                "aware datetime from a TIMESTAMP WITH TIME ZONE column."
            )


def test_created_at_is_per_row(kata, engine):
    """Rows saved at different times get different created_at values: now at each INSERT."""
    _create(kata, engine)
    first_id = _add_author(engine, kata, "ada")
    _next_second()
    second_id = _add_author(engine, kata, "bob")
    with Session(engine) as session:
        first = session.get(kata.Author, first_id).created_at
        second = session.get(kata.Author, second_id).created_at
    assert _close_to_now(first) and _close_to_now(second), (
        f"Two authors saved just now have created_at {first!r} and {second!r}; expected the "
        "current time for both. A value computed once, when the module was imported, is not "
        "the time of the INSERT, and a naive local time is hours away from the moment it names."
    )
    assert _as_utc(second) > _as_utc(first), (
        f"Author 'ada' was saved, then 'bob' over a second later; their created_at are {first!r} "
        f"and {second!r}; expected bob's to be later. The default must be computed for each row "
        "(server_default=func.now()), not once."
    )


def test_updated_at_moves_on_update(kata, engine):
    """Changing a row through the ORM moves updated_at to now and leaves created_at alone."""
    _create(kata, engine)
    author_id = _add_author(engine, kata, "ada")
    with Session(engine) as session:
        post = kata.BlogPost(title="First", author_id=author_id)
        session.add(post)
        session.commit()
        post_id = post.id
        before = (post.created_at, post.updated_at)
    _next_second()
    with Session(engine) as session:
        post = session.get(kata.BlogPost, post_id)
        post.title = "First, edited"
        session.commit()
        after = (post.created_at, post.updated_at)
    assert _as_utc(after[0]) == _as_utc(before[0]), (
        f"Editing a post changed its created_at from {before[0]!r} to {after[0]!r}; expected it "
        "unchanged: only updated_at moves on UPDATE."
    )
    assert _as_utc(after[1]) > _as_utc(before[1]) and _close_to_now(after[1]), (
        f"A post saved with updated_at {before[1]!r} was edited over a second later; its "
        f"updated_at is now {after[1]!r}; expected the time of the UPDATE. Give updated_at "
        "onupdate=func.now(): SQLAlchemy then sets it in every UPDATE it sends for the row."
    )


def test_author_id_is_an_indexed_foreign_key(kata, engine):
    """author_id in blog_post and post_comment: indexed, references author.id ON DELETE CASCADE."""
    _create(kata, engine)
    database = inspect(engine)
    for table in AUTHORED:
        keys = {
            (
                tuple(fk["constrained_columns"]),
                fk["referred_table"],
                tuple(fk["referred_columns"]),
            ): (fk.get("options") or {}).get("ondelete")
            for fk in database.get_foreign_keys(table)
        }
        key = (("author_id",), "author", ("id",))
        assert key in keys, (
            f"inspect(engine).get_foreign_keys({table!r}) gives {list(keys)!r}; expected "
            "author_id -> author.id: ForeignKey('author.id', ondelete='CASCADE') on AuthoredMixin."
        )
        assert (keys[key] or "").upper() == "CASCADE", (
            f"{table}.author_id references author.id with ON DELETE {keys[key]!r}; expected "
            "CASCADE: ForeignKey('author.id', ondelete='CASCADE'), so the database deletes an "
            "author's rows with the author."
        )
        indexed = [
            ix["column_names"]
            for ix in database.get_indexes(table)
            if ix["column_names"] == ["author_id"]
        ]
        assert indexed, (
            f"inspect(engine).get_indexes({table!r}) gives {database.get_indexes(table)!r}; "
            "expected an index on author_id (mapped_column(..., index=True)): every page that "
            "lists an author's posts or comments looks rows up by it."
        )


def test_deleting_an_author_deletes_their_rows(kata, engine):
    """Deleting an author row deletes their posts and comments too (ON DELETE CASCADE)."""
    _create(kata, engine)
    ada, bob = _add_author(engine, kata, "ada"), _add_author(engine, kata, "bob")
    with Session(engine) as session, session.begin():
        post = kata.BlogPost(title="By bob", author_id=bob)
        session.add(post)
        session.flush()
        session.add_all(
            [
                kata.PostComment(post_id=post.id, author_id=ada, body="from ada"),
                kata.PostComment(post_id=post.id, author_id=bob, body="from bob"),
            ]
        )
    try:
        with engine.begin() as connection:
            authors = kata.Author.__table__
            connection.execute(delete(authors).where(authors.c.id == ada))
    except IntegrityError as exc:
        pytest.fail(
            f"DELETE FROM author WHERE id = ada's id failed: {exc.orig!r}; expected the database "
            "to delete her comments with her: ForeignKey('author.id', ondelete='CASCADE').",
            pytrace=False,
        )
    comments = _read(engine, "SELECT body FROM post_comment ORDER BY body")
    posts = _read(engine, "SELECT title FROM blog_post")
    assert comments == [("from bob",)] and posts == [("By bob",)], (
        f"After deleting ada, post_comment holds {comments!r} and blog_post {posts!r}; expected "
        "only bob's comment and bob's post to remain."
    )


def test_each_model_has_its_own_author_relationship(kata, engine):
    """post.author and comment.author each lead to the Author, loaded from author_id."""
    for cls in ("BlogPost", "PostComment"):
        relationships = inspect(getattr(kata, cls)).relationships
        assert "author" in relationships, (
            f"{cls} has no relationship `author` (it has {list(relationships.keys())!r}); "
            "AuthoredMixin should give it one: a @declared_attr method returning relationship()."
        )
        target = relationships["author"].mapper.class_
        assert target is kata.Author, f"{cls}.author leads to {target.__name__}; expected Author."
    _create(kata, engine)
    with Session(engine) as session:
        ada = kata.Author(name="ada")
        post = kata.BlogPost(title="Linked through the relationship", author=ada)
        session.add(post)
        session.flush()
        session.add(kata.PostComment(post_id=post.id, author=ada, body="mine"))
        session.commit()
    with Session(engine) as session:
        post = session.scalars(select(kata.BlogPost)).one()
        comment = session.scalars(select(kata.PostComment)).one()
        assert post.author.name == "ada" and comment.author is post.author, (
            f"Reloaded, post.author is {post.author!r} and comment.author {comment.author!r}; "
            "expected both to be the Author 'ada' (one object: the session's identity map)."
        )
