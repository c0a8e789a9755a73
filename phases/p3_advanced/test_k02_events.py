"""Checks for kata 3.2 — events: @validates and a slug maintained on flush."""

import pytest
from sqlalchemy import create_engine, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

REFUSED = {
    "": "an empty title",
    "   ": "a title of spaces",
    "?!": "a title with no letter or digit",
    "x" * 201: "a title of 201 characters",
    "  " + "y" * 201 + "  ": "a title of 201 characters once stripped",
}


def _create(kata, engine) -> None:
    kata.Base.metadata.create_all(engine)


def _stored(db_url, kata) -> list[tuple]:
    """(id, title, slug) of every committed post, read through a new engine."""
    reader = create_engine(db_url)
    try:
        with reader.connect() as connection:
            table = kata.Post.__table__
            query = select(table.c.id, table.c.title, table.c.slug).order_by(table.c.id)
            return [tuple(row) for row in connection.execute(query)]
    finally:
        reader.dispose()


def _commit(session, what: str) -> None:
    """Commit; a NULL slug means nothing set it during the flush."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        pytest.fail(
            f"{what}: the commit failed with {exc.orig!r}. post.slug was still empty when the "
            "INSERT or UPDATE was sent: set it in an event that runs inside the flush "
            "(@event.listens_for(Post, 'before_insert') and 'before_update', or a Session "
            "'before_flush' listener): target.slug = slugify(target.title).",
            pytrace=False,
        )


def _add_post(kata, engine, title: str = "First post") -> int:
    """Commit one post through the ORM and return its id."""
    with Session(engine) as session:
        post = kata.Post(title=title)
        session.add(post)
        _commit(session, f"session.add(Post(title={title!r})) and commit")
        return post.id


def _shown(title: str) -> str:
    """A title as a message shows it: long ones abridged."""
    return repr(title) if len(title) <= 30 else f"{title[:12]!r}… ({len(title)} characters)"


def _refusal(kata, title: str, do) -> ValueError:
    """The ValueError that `do()` must raise for `title`."""
    try:
        do()
    except ValueError as exc:
        return exc
    pytest.fail(
        f"Setting Post.title to {_shown(title)} ({REFUSED.get(title, 'a refused title')}) did not "
        "raise; expected a ValueError from a @validates('title') method, raised at the moment "
        "the value is assigned (before anything is flushed).",
        pytrace=False,
    )


def test_title_is_stripped(kata):
    """Post(title='  Hello  ').title is 'Hello': the validator's return value is stored."""
    post = kata.Post(title="  Hello, world  ")
    assert post.title == "Hello, world", (
        f"Post(title='  Hello, world  ').title is {post.title!r}; expected 'Hello, world'. A "
        "@validates method must return the value to store: return title.strip()."
    )
    post.title = "\tSecond thoughts\n"
    assert post.title == "Second thoughts", (
        f"After post.title = '\\tSecond thoughts\\n', post.title is {post.title!r}; expected "
        "'Second thoughts': the validator runs on every assignment, not only in the constructor."
    )


@pytest.mark.parametrize("title", list(REFUSED), ids=list(REFUSED.values()))
def test_bad_title_is_refused_in_the_constructor(kata, title):
    """Post(title=<bad>) raises ValueError, with a message that names the title."""
    exc = _refusal(kata, title, lambda: kata.Post(title=title))
    message = str(exc)
    assert "title" in message.lower(), (
        f"Post(title={_shown(title)}) raised ValueError({message!r}); expected a message that says "
        "what was wrong with the title (the word 'title' in it), for the person who typed it."
    )


def test_longest_title_is_accepted(kata):
    """A title of exactly MAX_TITLE characters (after stripping) is accepted."""
    title = "  " + "z" * kata.MAX_TITLE + "  "
    try:
        post = kata.Post(title=title)
    except ValueError as exc:
        pytest.fail(
            f"Post(title=<{kata.MAX_TITLE} letters with 2 spaces each side>) raised {exc!r}; "
            f"expected it accepted: stripped, it is {kata.MAX_TITLE} characters, the limit. "
            "Measure the title after stripping it, and refuse only what is longer.",
            pytrace=False,
        )
    assert post.title == "z" * kata.MAX_TITLE, (
        f"Post(title=<{kata.MAX_TITLE} letters with spaces each side>).title has "
        f"{len(post.title)} characters; expected the {kata.MAX_TITLE} letters, stripped."
    )


def test_good_titles_are_accepted(kata):
    """Short and unusual titles that have a letter or a digit are accepted unchanged."""
    for title in ("A", "9 lives", "Ünïcode is fine too: 1"):
        post = kata.Post(title=title)
        assert post.title == title, (
            f"Post(title={title!r}).title is {post.title!r}; expected the title unchanged."
        )


def test_refused_title_never_reaches_the_database(kata, db_url, engine):
    """After a refused assignment the post keeps its old title, and a commit stores the old one."""
    _create(kata, engine)
    with engine.begin() as connection:  # a saved post, written without the ORM's events
        post_id = connection.execute(
            insert(kata.Post.__table__)
            .values(title="Kept title", slug="kept-title", body="")
            .returning(kata.Post.__table__.c.id)
        ).scalar_one()
    with Session(engine) as session:
        post = session.get(kata.Post, post_id)
        _refusal(kata, "?!", lambda: setattr(post, "title", "?!"))
        assert post.title == "Kept title", (
            f"After post.title = '?!' raised, post.title is {post.title!r}; expected the old "
            "title, 'Kept title': a validator that raises stops the assignment."
        )
        try:
            session.commit()
        except Exception as exc:  # any failure here is the learner's to see
            pytest.fail(
                f"After a refused assignment, session.commit() raised {exc!r}; expected the "
                "session to go on as if the assignment never happened.",
                pytrace=False,
            )
    stored = _stored(db_url, kata)
    assert stored == [(post_id, "Kept title", "kept-title")], (
        f"After post.title = '?!' was refused and the session committed, the post table holds "
        f"(id, title, slug) = {stored!r}; expected only the old row "
        f"({post_id}, 'Kept title', 'kept-title')."
    )


def test_slug_is_set_on_insert(kata, db_url, engine):
    """A new post gets slugify(title) as its slug at the flush: on the object and in the table."""
    _create(kata, engine)
    with Session(engine) as session:
        post = kata.Post(title="Hello, World!", body="hi")
        session.add(post)
        try:
            session.flush()
        except IntegrityError as exc:
            pytest.fail(
                f"Flushing Post(title='Hello, World!') failed: {exc.orig!r}. The slug was empty "
                "at the INSERT: set target.slug = slugify(target.title) in a before_insert "
                "(mapper) or before_flush (session) event.",
                pytrace=False,
            )
        assert post.slug == "hello-world", (
            f"After the flush, post.slug is {post.slug!r}; expected 'hello-world' "
            "(slugify('Hello, World!'))."
        )
        session.commit()
        post_id = post.id
    assert _stored(db_url, kata) == [(post_id, "Hello, World!", "hello-world")], (
        f"The post table holds {_stored(db_url, kata)!r}; expected "
        f"[({post_id}, 'Hello, World!', 'hello-world')]."
    )


def test_slug_follows_the_title_on_update(kata, db_url, engine):
    """Changing a saved post's title changes its slug in the database: the event fires on UPDATE."""
    _create(kata, engine)
    post_id = _add_post(kata, engine, "Draft title")
    with Session(engine) as session:
        post = session.get(kata.Post, post_id)
        post.title = "Final Title, v2"
        _commit(session, "post.title = 'Final Title, v2' and commit")
    stored = _stored(db_url, kata)
    assert stored == [(post_id, "Final Title, v2", "final-title-v2")], (
        f"After changing the title of a saved post to 'Final Title, v2' and committing, the post "
        f"table holds (id, title, slug) = {stored!r}; expected the slug 'final-title-v2'. An event "
        "on before_insert alone never runs for an UPDATE: listen for before_update too (or use "
        "before_flush, which sees session.dirty)."
    )


def test_slug_cannot_be_set_by_hand(kata, db_url, engine):
    """A slug set by hand is replaced by slugify(title) at the flush, on INSERT and on UPDATE."""
    _create(kata, engine)
    with Session(engine) as session:
        post = kata.Post(title="Real title", slug="chosen-by-hand")
        session.add(post)
        _commit(session, "Post(title='Real title', slug='chosen-by-hand') and commit")
        post_id = post.id
    inserted = _stored(db_url, kata)
    assert inserted == [(post_id, "Real title", "real-title")], (
        f"After committing Post(title='Real title', slug='chosen-by-hand'), the table holds "
        f"{inserted!r}; expected the slug 'real-title'. The slug is derived from the title on "
        "every INSERT and UPDATE, whatever it was set to: set it in a flush-time event, not when "
        "the title is assigned."
    )
    with Session(engine) as session:
        post = session.get(kata.Post, post_id)
        post.slug = "changed-by-hand"
        _commit(session, "post.slug = 'changed-by-hand' and commit")
    updated = _stored(db_url, kata)
    assert updated == [(post_id, "Real title", "real-title")], (
        f"After post.slug = 'changed-by-hand' and a commit, the table holds {updated!r}; "
        "expected the slug to stay 'real-title': every UPDATE of a post writes slugify(title)."
    )


def test_each_post_gets_its_own_slug(kata, db_url, engine):
    """Several posts flushed together each get the slug of their own title."""
    _create(kata, engine)
    titles = ["Zeta: the last", "Alpha & Omega", "  Mixed   CASE  "]
    with Session(engine) as session:
        session.add_all(kata.Post(title=title) for title in titles)
        _commit(session, f"adding Posts with titles {titles!r} and committing")
    got = sorted((title, slug) for _, title, slug in _stored(db_url, kata))
    expected = sorted(
        [
            ("Alpha & Omega", "alpha-omega"),
            ("Mixed   CASE", "mixed-case"),
            ("Zeta: the last", "zeta-the-last"),
        ]
    )
    assert got == expected, (
        f"After adding posts titled {titles!r} in one commit, the table holds (title, slug) = "
        f"{got!r}; expected {expected!r}."
    )
