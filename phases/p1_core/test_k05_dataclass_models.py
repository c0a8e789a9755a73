"""Checks for kata 1.5 — dataclass models."""

import dataclasses
import inspect as pyinspect
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import DateTime, Text, create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, MappedAsDataclass, Session


def _models(kata):
    """(Tag, Post), after checking that Base makes dataclass models."""
    base = kata.Base
    assert isinstance(base, type) and issubclass(base, DeclarativeBase), (
        f"Base is {base!r}, which does not subclass sqlalchemy.orm.DeclarativeBase."
    )
    assert issubclass(base, MappedAsDataclass), (
        "Base subclasses DeclarativeBase but not MappedAsDataclass, so its models get the "
        "keyword-only ORM constructor. Write `class Base(MappedAsDataclass, DeclarativeBase)`."
    )
    tag, post = kata.Tag, kata.Post
    for model, table in ((tag, "tag"), (post, "post")):
        assert issubclass(model, base) and dataclasses.is_dataclass(model), (
            f"{model.__name__} is not a dataclass model; it should subclass Base."
        )
        assert model.__table__.name == table, (
            f"{model.__name__} is mapped to {model.__table__.name!r}; expected {table!r}."
        )
    return tag, post


def _make(model, *args, **kwargs):
    """model(*args, **kwargs), failing the check with the call spelled out on a TypeError."""
    shown = [repr(a) if len(repr(a)) <= 30 else repr(a)[:27] + "...'" for a in args]
    call = ", ".join(shown + [f"{k}={v!r}" for k, v in kwargs.items()])
    try:
        return model(*args, **kwargs)
    except TypeError as exc:
        params = list(pyinspect.signature(model.__init__).parameters)[1:]
        pytest.fail(
            f"{model.__name__}({call}) raised TypeError: {exc}. Its __init__ takes {params!r}.",
            pytrace=False,
        )


def _as_utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back (they hold UTC wall time); Postgres gives aware ones."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _close_to_now(moment: datetime) -> bool:
    return abs(_as_utc(moment) - datetime.now(UTC)) < timedelta(minutes=2)


def test_base_makes_dataclasses(kata):
    """Base mixes MappedAsDataclass into DeclarativeBase, so Tag and Post are dataclasses."""
    Tag, Post = _models(kata)
    tables = set(kata.Base.metadata.tables)
    assert {"tag", "post"} <= tables, (
        f"Base.metadata has the tables {sorted(tables)!r}; expected tag and post."
    )


def test_tag_takes_name_positionally(kata):
    """Tag('python') works and gets the default color 'gray'."""
    Tag, _ = _models(kata)
    tag = _make(Tag, "python")
    assert tag.name == "python", f"Tag('python').name is {tag.name!r}; expected 'python'."
    assert tag.color == "gray", (
        f"Tag('python').color is {tag.color!r}; expected the default 'gray' (default='gray')."
    )


def test_tag_color_can_be_given(kata):
    """Tag('sql', 'blue') and Tag('sql', color='blue') both set the color."""
    Tag, _ = _models(kata)
    for tag, call in (
        (_make(Tag, "sql", "blue"), "Tag('sql', 'blue')"),
        (_make(Tag, "sql", color="blue"), "Tag('sql', color='blue')"),
    ):
        assert (tag.name, tag.color) == ("sql", "blue"), (
            f"{call} has name={tag.name!r}, color={tag.color!r}; expected 'sql' and 'blue'."
        )


def test_tag_id_is_not_an_init_argument(kata):
    """id is assigned by the database: Tag(...) does not accept it."""
    Tag, _ = _models(kata)
    params = list(pyinspect.signature(Tag.__init__).parameters)[1:]
    assert "id" not in params and "created_at" not in params, (
        f"Tag.__init__ takes {params!r}; id and created_at are filled in by the database, so "
        "give them mapped_column(..., init=False)."
    )
    with pytest.raises(TypeError):
        Tag("python", id=7)
        pytest.fail("Tag('python', id=7) was accepted; expected a TypeError (init=False).")
    tag = _make(Tag, "python")
    assert tag.id is None, (
        f"A new Tag('python') has id {tag.id!r}; expected None until it is saved."
    )


def test_tag_repr_shows_its_fields(kata):
    """repr(Tag('python')) is the dataclass repr naming the fields."""
    Tag, _ = _models(kata)
    shown = repr(_make(Tag, "python"))
    assert shown.startswith("Tag(") and "name='python'" in shown and "color='gray'" in shown, (
        f"repr(Tag('python')) is {shown!r}; expected the dataclass repr, like "
        "\"Tag(id=None, name='python', color='gray', ...)\"."
    )


def test_tags_compare_by_value(kata):
    """Two Tags with the same fields are equal (dataclass __eq__); different fields are not."""
    Tag, _ = _models(kata)
    assert _make(Tag, "python") == _make(Tag, "python"), (
        "Tag('python') == Tag('python') is False; a dataclass compares field values, not identity."
    )
    assert _make(Tag, "python") != _make(Tag, "rust"), "Tag('python') == Tag('rust') is True."
    assert _make(Tag, "python") != _make(Tag, "python", "blue"), (
        "Tag('python') == Tag('python', 'blue') is True; color should take part in equality."
    )


def test_tags_persist_and_read_back(kata, engine):
    """
    Saved Tags are read back by a new session with ids, colors and a created_at from the server.
    """
    Tag, _ = _models(kata)
    kata.Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([_make(Tag, "python"), _make(Tag, "sql", "blue")])
        session.commit()
    with Session(engine) as session:
        tags = session.scalars(select(Tag).order_by(Tag.name)).all()
        got = [(t.name, t.color) for t in tags]
        assert got == [("python", "gray"), ("sql", "blue")], (
            f"After saving Tag('python') and Tag('sql', 'blue'), read back {got!r}."
        )
        assert all(isinstance(t.id, int) for t in tags) and tags[0].id != tags[1].id, (
            f"The saved Tags have ids {[t.id for t in tags]!r}; expected two different integers."
        )
        created = [t.created_at for t in tags]
    assert all(c is not None and _close_to_now(c) for c in created), (
        f"The saved Tags have created_at {created!r}; expected the database to set the current "
        "time (server_default=func.now())."
    )


def _schema(kata, engine) -> dict[str, dict[str, dict]]:
    """{table: {column: what the database reports}} for tag and post, created from Base."""
    _models(kata)
    kata.Base.metadata.create_all(engine)
    found = inspect(engine)
    return {
        table: {column["name"]: column for column in found.get_columns(table)}
        for table in ("tag", "post")
    }


def test_created_schema_has_every_constraint(kata, engine):
    """The database reports the lengths, NOT NULLs, the unique tag name and created_at's server
    default that the models declare."""
    schema = _schema(kata, engine)
    found = inspect(engine)
    expected_columns = {
        "tag": ["color", "created_at", "id", "name"],
        "post": ["body", "created_at", "draft", "id", "title"],
    }
    for table, names in expected_columns.items():
        assert sorted(schema[table]) == names, (
            f"The database's {table} table has the columns {sorted(schema[table])}; "
            f"expected {names}."
        )
        for name, column in schema[table].items():
            assert column["nullable"] is False, (
                f"The database says {table}.{name} allows NULL; every column of these models is "
                "required (Mapped[...] without None)."
            )
    for table, name, length in (("tag", "name", 50), ("tag", "color", 20), ("post", "title", 200)):
        got = getattr(schema[table][name]["type"], "length", None)
        assert got == length, (
            f"The database says {table}.{name} is {schema[table][name]['type']!r}; expected "
            f"String({length})."
        )
    body_type = schema["post"]["body"]["type"]
    assert isinstance(body_type, Text), (
        f"The database says post.body is {body_type!r}; expected Text (no length limit)."
    )
    unique = [ix["column_names"] for ix in found.get_indexes("tag") if ix["unique"]]
    unique += [c["column_names"] for c in found.get_unique_constraints("tag")]
    assert ["name"] in unique, (
        f"The database reports these unique column sets on tag: {unique}; expected one on "
        "name (mapped_column(String(50), unique=True))."
    )
    assert schema["tag"]["created_at"]["default"] is not None, (
        "The database has no default for tag.created_at; expected server_default=func.now(), "
        "so the database stamps every row."
    )


def test_created_at_columns_are_timezone_aware(kata):
    """Tag.created_at and Post.created_at are DateTime(timezone=True) columns."""
    for model in _models(kata):
        column_type = model.__table__.c.created_at.type
        assert isinstance(column_type, DateTime) and column_type.timezone, (
            f"{model.__name__}.created_at has the type {column_type!r}; expected "
            "DateTime(timezone=True) (TIMESTAMP WITH TIME ZONE on Postgres), so the offset of "
            "the aware datetime is kept."
        )


def test_tag_created_at_comes_from_the_database(kata, engine, db):
    """A tag inserted with plain SQL gets created_at from the server, a new time for each row."""
    _schema(kata, engine)
    stamps = []
    for name in ("python", "sql"):
        try:
            with engine.begin() as connection:
                connection.execute(
                    text("INSERT INTO tag (name, color) VALUES (:name, 'gray')"), {"name": name}
                )
                stamps.append(
                    connection.execute(
                        text("SELECT created_at FROM tag WHERE name = :name"), {"name": name}
                    ).scalar_one()
                )
        except IntegrityError as exc:
            pytest.fail(
                f"INSERT INTO tag (name, color) failed: {exc.orig}. The database has no default "
                "for created_at: give it server_default=func.now() (a default_factory is applied "
                "only by the ORM).",
                pytrace=False,
            )
        # SQLite's CURRENT_TIMESTAMP counts whole seconds; Postgres's now() microseconds.
        time.sleep(1.1 if db.dialect == "sqlite" else 0.01)
    # Read with text(): a string on SQLite, a datetime on Postgres; both order as text.
    assert all(s is not None for s in stamps) and str(stamps[1]) > str(stamps[0]), (
        f"Two tags inserted with plain SQL a moment apart got created_at {stamps!r}; expected "
        "two times set by the database, the second later (server_default=func.now())."
    )


def test_tag_name_is_unique(kata, engine):
    """The database refuses a second Tag with the same name."""
    Tag, _ = _models(kata)
    kata.Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(_make(Tag, "python"))
        session.commit()
        session.add(_make(Tag, "python", "blue"))
        with pytest.raises(IntegrityError):
            session.commit()
            pytest.fail(
                "Saving two Tags named 'python' worked; expected an IntegrityError from a unique "
                "constraint on name (mapped_column(String(50), unique=True))."
            )


def test_post_body_is_left_out_of_repr(kata):
    """repr(Post(...)) shows the title but not the body."""
    _, Post = _models(kata)
    body = "A very long body that nobody wants to see in a log line. " * 3
    shown = repr(_make(Post, "Hello", body))
    assert shown.startswith("Post(") and "'Hello'" in shown, (
        f"repr(Post('Hello', body)) is {shown!r}; expected the dataclass repr with the title."
    )
    assert "A very long body" not in shown and "body=" not in shown, (
        f"repr(Post('Hello', body)) is {shown!r}; keep body out of it with repr=False."
    )


def test_post_draft_is_keyword_only(kata):
    """Post('Hi', 'text', draft=False) works; Post('Hi', 'text', False) is refused; draft defaults to True."""  # noqa: E501 -- a check's description is its docstring's first line
    _, Post = _models(kata)
    assert _make(Post, "Hi", "text").draft is True, (
        "Post('Hi', 'text').draft should default to True."
    )
    assert _make(Post, "Hi", "text", draft=False).draft is False, (
        "Post('Hi', 'text', draft=False).draft is not False."
    )
    with pytest.raises(TypeError):
        Post("Hi", "text", False)
        pytest.fail(
            "Post('Hi', 'text', False) was accepted; draft should be keyword-only (kw_only=True), "
            "so a bare False in a call can't be misread."
        )


def test_post_created_at_comes_from_a_factory(kata):
    """Each new Post gets its own aware UTC created_at when the object is made."""
    _, Post = _models(kata)
    first = _make(Post, "One", "text")
    time.sleep(0.002)
    second = _make(Post, "Two", "text")
    stamp = first.created_at
    assert (
        isinstance(stamp, datetime)
        and stamp.tzinfo is not None
        and stamp.utcoffset() == timedelta(0)
    ), (
        f"Post('One', 'text').created_at is {stamp!r}; expected an aware datetime in UTC, set "
        "when the object is made (default_factory=lambda: datetime.now(timezone.utc))."
    )
    assert _close_to_now(stamp), f"Post('One', 'text').created_at is {stamp!r}; expected now."
    assert second.created_at > first.created_at, (
        f"Two Posts made 2 ms apart have created_at {first.created_at!r} and "
        f"{second.created_at!r}; expected the second to be later. default=datetime.now(...) is "
        "evaluated once, when the class is defined; default_factory calls the function for every "
        "new object."
    )
    params = pyinspect.signature(Post.__init__).parameters
    assert (
        "created_at" in params and params["created_at"].kind is pyinspect.Parameter.KEYWORD_ONLY
    ), f"Post.__init__ takes {list(params)[1:]!r}; created_at should be a keyword-only argument."


def test_posts_persist_and_read_back(kata, db_url, db):
    """A saved Post is read back by a new connection with its body, draft flag and created_at."""
    _, Post = _models(kata)
    writer = create_engine(db_url)
    kata.Base.metadata.create_all(writer)
    with Session(writer) as session:
        post = _make(Post, "Hello", "First post")
        made_at = post.created_at
        session.add_all([post, _make(Post, "Later", "Second", draft=False)])
        session.commit()
    writer.dispose()
    reader = create_engine(db_url)
    with Session(reader) as session:
        rows = [
            (p.title, p.body, p.draft, p.created_at)
            for p in session.scalars(select(Post).order_by(Post.title))
        ]
    reader.dispose()
    got = [row[:3] for row in rows]
    assert got == [("Hello", "First post", True), ("Later", "Second", False)], (
        f"Saved Post('Hello', 'First post') and Post('Later', 'Second', draft=False); "
        f"read back {got!r}."
    )
    stored = rows[0][3]
    assert stored is not None and abs(_as_utc(stored) - _as_utc(made_at)) < timedelta(seconds=1), (
        f"Post('Hello', ...) was made with created_at {made_at!r} and read back with {stored!r}."
    )
    if db.dialect == "postgresql":  # SQLite keeps no offset; Postgres's timestamptz does
        assert stored.tzinfo is not None, (
            f"Post('Hello', ...).created_at was read back from Postgres as {stored!r}, a naive "
            "datetime: the column is TIMESTAMP WITHOUT TIME ZONE. Declare it "
            "DateTime(timezone=True)."
        )
