"""Checks for kata 1.7 — CRUD with the ORM."""

import pytest
from sqlalchemy import Engine, event, insert, select


@pytest.fixture
def posts(kata, engine: Engine):
    """The post table, created from the kata's model."""
    kata.Base.metadata.create_all(engine)
    return kata.Post.__table__


def _seed(engine: Engine, table, *rows: dict) -> list[int]:
    """Insert committed posts on a connection of their own; their ids, in order."""
    ids = []
    with engine.begin() as connection:
        for row in rows:
            values = {"body": "…", "published": False, **row}
            statement = insert(table).values(**values).returning(table.c.id)
            ids.append(connection.execute(statement).scalar_one())
    return ids


def _committed(engine: Engine, table) -> dict[int, tuple[str, bool]]:
    """{id: (title, published)} as a new connection sees it: only what was committed."""
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.id, table.c.title, table.c.published)).all()
    return {row.id: (row.title, bool(row.published)) for row in rows}


def test_create_post_returns_new_post(kata, session, posts):
    """create_post(session, title, body) returns a Post with an id, unpublished."""
    post = kata.create_post(session, "Hello", "My first post")
    assert isinstance(post, kata.Post), (
        f"create_post(session, 'Hello', ...) returned {post!r}; expected the new Post."
    )
    assert isinstance(post.id, int), (
        f"The Post returned by create_post has id {post.id!r}; expected the id the database "
        "assigned (it is set when the INSERT is flushed; commit flushes first)."
    )
    assert (post.title, post.body, post.published) == ("Hello", "My first post", False), (
        f"create_post(session, 'Hello', 'My first post') returned a Post with "
        f"title={post.title!r}, body={post.body!r}, published={post.published!r}; "
        "expected 'Hello', 'My first post', False."
    )


def test_create_post_commits(kata, engine, session, posts):
    """The new post is committed: a new connection can read it."""
    first = kata.create_post(session, "Hello", "one")
    second = kata.create_post(session, "Again", "two")
    first_id, second_id = first.id, second.id
    got = _committed(engine, posts)
    assert got == {first_id: ("Hello", False), second_id: ("Again", False)}, (
        f"After two create_post calls a new connection reads {got!r}; expected both posts. "
        "session.add() alone only stages the object, and flush() sends the INSERT inside a "
        "transaction that is still open: create_post must call session.commit()."
    )


def test_get_post_finds_committed_post(kata, engine, session, posts):
    """get_post(session, id) returns the Post with that id."""
    ids = _seed(engine, posts, {"title": "First"}, {"title": "Second", "published": True})
    post = kata.get_post(session, ids[1])
    assert isinstance(post, kata.Post) and post.id == ids[1], (
        f"get_post(session, {ids[1]}) returned {post!r}; expected the Post with id {ids[1]}."
    )
    assert (post.title, post.published) == ("Second", True), (
        f"get_post returned a post titled {post.title!r}, published={post.published!r}; "
        "expected 'Second', True."
    )


def test_get_post_missing_returns_none(kata, engine, session, posts):
    """get_post(session, id) returns None for an id that does not exist, without raising."""
    ids = _seed(engine, posts, {"title": "Only"})
    missing = ids[0] + 1000
    try:
        got = kata.get_post(session, missing)
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(
            f"get_post(session, {missing}) raised {type(exc).__name__}: {exc}; expected None for a "
            "missing id. session.get returns None; get_one() and .one() raise.",
            pytrace=False,
        )
    assert got is None, (
        f"get_post(session, {missing}) returned {got!r}; expected None (there is no such post)."
    )


def test_get_post_is_one_primary_key_lookup(kata, engine, session, posts, queries):
    """get_post loads a post the session does not hold with one SELECT."""
    ids = _seed(engine, posts, {"title": "First"})
    with queries.budget(1, f"get_post(session, {ids[0]})"):
        post = kata.get_post(session, ids[0])
    assert post is not None and post.id == ids[0], f"get_post(session, {ids[0]}) returned {post!r}."


def test_get_post_uses_the_identity_map(kata, session, posts, queries):
    """get_post of a post the session already holds returns that object and sends no SQL."""
    post = kata.Post(title="In memory", body="held by the session", published=False)
    session.add(post)
    session.flush()
    with queries.during() as sent:
        got = kata.get_post(session, post.id)
    assert got is post, (
        f"get_post(session, {post.id}) returned {got!r}; expected the very Post object the session "
        "already holds (one object per row per session: the identity map)."
    )
    assert sent == [], (
        f"get_post(session, {post.id}) sent {sent!r} for a post the session already holds; "
        "session.get(Post, id) looks in the identity map first and sends no SQL. A select() "
        "always goes to the database."
    )


def test_publish_post_commits(kata, engine, session, posts):
    """publish_post(session, id) returns True and commits published = True for that post only."""
    ids = _seed(engine, posts, {"title": "Draft"}, {"title": "Other"})
    result = kata.publish_post(session, ids[0])
    assert result is True, f"publish_post(session, {ids[0]}) returned {result!r}; expected True."
    got = _committed(engine, posts)
    assert got == {ids[0]: ("Draft", True), ids[1]: ("Other", False)}, (
        f"After publish_post(session, {ids[0]}) a new connection reads {got!r}; expected 'Draft' "
        "published and 'Other' untouched. Changing the attribute only marks the object dirty: "
        "commit to send the UPDATE and make it permanent."
    )


def test_publish_post_sets_rather_than_toggles(kata, engine, session, posts):
    """Publishing twice, or publishing a published post, leaves it published."""
    ids = _seed(engine, posts, {"title": "Draft"}, {"title": "Live", "published": True})
    results = [kata.publish_post(session, ids[0]), kata.publish_post(session, ids[0])]
    results.append(kata.publish_post(session, ids[1]))
    got = _committed(engine, posts)
    assert results == [True, True, True] and got == {
        ids[0]: ("Draft", True),
        ids[1]: ("Live", True),
    }, (
        f"publish_post(session, draft_id) twice, then publish_post(session, live_id) for a post "
        f"already published, returned {results} and left {got!r}; expected [True, True, True] "
        "and both posts published. Set the flag (post.published = True); "
        "`not post.published` flips it back on the second call."
    )


def test_publish_post_missing_returns_false(kata, engine, session, posts):
    """publish_post of a missing id returns False, raises nothing and changes nothing."""
    ids = _seed(engine, posts, {"title": "Draft"})
    missing = ids[0] + 1000
    try:
        result = kata.publish_post(session, missing)
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(
            f"publish_post(session, {missing}) raised {type(exc).__name__}: {exc}; expected False "
            "for a post that does not exist.",
            pytrace=False,
        )
    assert result is False, (
        f"publish_post(session, {missing}) returned {result!r}; expected False (no such post)."
    )
    assert _committed(engine, posts) == {ids[0]: ("Draft", False)}, (
        "publish_post of a missing id changed the table."
    )


def test_delete_post_commits(kata, engine, session, posts):
    """delete_post(session, id) returns True and the row is gone for good; the others stay."""
    ids = _seed(engine, posts, {"title": "Doomed"}, {"title": "Keeper"})
    result = kata.delete_post(session, ids[0])
    assert result is True, f"delete_post(session, {ids[0]}) returned {result!r}; expected True."
    got = _committed(engine, posts)
    assert got == {ids[1]: ("Keeper", False)}, (
        f"After delete_post(session, {ids[0]}) a new connection reads {got!r}; expected only "
        "'Keeper' left. session.delete() marks the object; the DELETE is sent at the next flush "
        "and is permanent only after commit."
    )
    assert kata.get_post(session, ids[0]) is None, (
        f"After delete_post(session, {ids[0]}), get_post in the same session still finds it."
    )


def test_delete_post_is_an_orm_delete(kata, engine, session, posts):
    """delete_post deletes through the session (session.delete), so ORM events and cascades run."""
    ids = _seed(engine, posts, {"title": "Doomed"}, {"title": "Keeper"})
    gone: list[object] = []  # the id of each object the session's flush deleted
    event.listen(session, "persistent_to_deleted", lambda _, obj: gone.append(obj.id))
    kata.delete_post(session, ids[0])
    assert gone == [ids[0]], (
        f"delete_post(session, {ids[0]}) deleted {gone} through the session's unit of work; "
        f"expected [{ids[0]}]. A bulk `session.execute(delete(Post).where(...))` removes the row "
        "without the ORM knowing: no cascades to related rows, no events, and the object stays "
        "in the session. Load the post and call session.delete(post)."
    )


def test_delete_post_missing_returns_false(kata, engine, session, posts):
    """delete_post of a missing id returns False, raises nothing and deletes nothing."""
    ids = _seed(engine, posts, {"title": "Keeper"})
    missing = ids[0] + 1000
    try:
        result = kata.delete_post(session, missing)
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(
            f"delete_post(session, {missing}) raised {type(exc).__name__}: {exc}; expected False. "
            "session.get returns None for a missing id: check for None before session.delete().",
            pytrace=False,
        )
    assert result is False, (
        f"delete_post(session, {missing}) returned {result!r}; expected False (no such post)."
    )
    assert _committed(engine, posts) == {ids[0]: ("Keeper", False)}, (
        "delete_post of a missing id changed the table."
    )
