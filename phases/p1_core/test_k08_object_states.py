"""Checks for kata 1.8 — object states."""

import pytest
from sqlalchemy import Connection, event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import DetachedInstanceError


@pytest.fixture
def tables(kata, engine):
    """The kata's tables, created on this check's database."""
    kata.Base.metadata.create_all(engine)
    return engine


def _saved_user(kata, engine, username="ada", email="ada@example.com") -> int:
    """Commit a user with a separate session; return its id."""
    with Session(engine) as setup, setup.begin():
        user = kata.User(username=username, email=email)
        setup.add(user)
        setup.flush()
        return user.id


def _state(kata, obj, how: str, expected: str) -> None:
    got = kata.state_of(obj)
    assert got == expected, f"state_of(user) {how} returned {got!r}; expected {expected!r}."


def test_state_of_transient(kata):
    """A User that was only constructed is transient."""
    _state(kata, kata.User(username="ada"), "for User(username='ada'), never added", "transient")
    _state(kata, kata.User(id=7, username="bob"), "for User(id=7, ...), never added", "transient")


def test_state_of_pending(kata, tables, session):
    """After session.add and before any flush, an object is pending, even with an id set."""
    user = kata.User(username="ada")
    session.add(user)
    _state(kata, user, "after session.add(user), before a flush", "pending")
    numbered = kata.User(id=42, username="bob")
    session.add(numbered)
    got = kata.state_of(numbered)
    assert got == "pending", (
        f"state_of(User(id=42, ...)) after session.add returned {got!r}; expected 'pending'. "
        "An object is pending until its INSERT is flushed, whether or not its id is already set: "
        "do not judge the state by the primary key, ask inspect(obj)."
    )


def test_state_of_persistent(kata, tables, session):
    """A flushed object is persistent, and stays so after commit while its session is open."""
    user = kata.User(username="ada")
    session.add(user)
    session.flush()
    _state(kata, user, "after session.add(user) and session.flush()", "persistent")
    session.commit()
    _state(kata, user, "after session.commit(), with the session still open", "persistent")


def test_state_of_loaded_object_is_persistent(kata, tables, session):
    """An object loaded with get() or select() is persistent, even when marked for deletion."""
    user_id = _saved_user(kata, tables)
    loaded = session.get(kata.User, user_id)
    _state(kata, loaded, "for an object loaded with session.get()", "persistent")
    selected = session.scalars(select(kata.User)).one()
    _state(kata, selected, "for an object loaded with session.scalars(select(User))", "persistent")
    session.delete(loaded)
    got = kata.state_of(loaded)
    assert got == "persistent", (
        f"state_of(user) right after session.delete(user), before a flush, returned {got!r}; "
        "expected 'persistent'. session.delete() only marks the object: it becomes 'deleted' "
        "when the DELETE is flushed. inspect(obj).deleted tells you exactly that."
    )


def test_state_of_deleted(kata, tables, session):
    """After session.delete and a flush, an object is deleted until commit or rollback."""
    user = session.get(kata.User, _saved_user(kata, tables))
    session.delete(user)
    session.flush()
    _state(kata, user, "after session.delete(user) and session.flush()", "deleted")
    session.rollback()
    _state(kata, user, "after a deleted object's transaction was rolled back", "persistent")


def test_state_of_deleted_then_committed_is_detached(kata, tables, session):
    """A deleted object becomes detached once the delete is committed."""
    user = session.get(kata.User, _saved_user(kata, tables))
    session.delete(user)
    session.commit()
    got = kata.state_of(user)
    assert got == "detached", (
        f"state_of(user) after session.delete(user) and session.commit() returned {got!r}; "
        "expected 'detached'. 'deleted' lasts only from the flush to the commit; afterwards the "
        "object has left the session (inspect(obj).was_deleted stays True, .deleted does not)."
    )


def test_state_of_detached(kata, tables, session):
    """Objects whose session closed, or that were expunged, are detached."""
    user_id = _saved_user(kata, tables)
    other_id = _saved_user(kata, tables, "bob", "bob@example.com")
    expunged = session.get(kata.User, other_id)
    session.expunge(expunged)
    _state(kata, expunged, "after session.expunge(user)", "detached")
    kept = session.get(kata.User, user_id)
    session.close()
    _state(kata, kept, "after the session that loaded it was closed", "detached")


def test_load_detached_user_is_readable(kata, tables):
    """load_detached_user returns a detached User whose attributes can still be read."""
    user_id = _saved_user(kata, tables, "grace", "grace@example.com")
    user = kata.load_detached_user(tables, user_id)
    assert isinstance(user, kata.User), (
        f"load_detached_user(engine, {user_id}) returned {user!r}; expected the User with that id."
    )
    try:
        seen = (user.id, user.username, user.email)
    except DetachedInstanceError as exc:
        pytest.fail(
            f"Reading the attributes of the User returned by load_detached_user raised "
            f"DetachedInstanceError ({exc}). The commit expired the object and its session was "
            "closed, so there was nothing to reload from. Use Session(engine, "
            "expire_on_commit=False), or do not commit a read-only session.",
            pytrace=False,
        )
    assert seen == (user_id, "grace", "grace@example.com"), (
        f"load_detached_user(engine, {user_id}) returned a user with (id, username, email) = "
        f"{seen!r}; expected {(user_id, 'grace', 'grace@example.com')!r}."
    )


def test_load_detached_user_closes_its_session(kata, tables):
    """load_detached_user closes its session: the object is detached and the connection returned."""
    user_id = _saved_user(kata, tables)
    # Hold every Connection the engine hands out, so one left open stays checked out instead of
    # being returned quietly when the garbage collector finds the forgotten session.
    opened: list[Connection] = []
    event.listen(tables, "engine_connect", opened.append)
    user = kata.load_detached_user(tables, user_id)
    assert user is not None and inspect(user).detached, (
        f"load_detached_user(engine, {user_id}) returned an object that is not detached "
        f"({'None' if user is None else 'still in a session'}); close the session before returning "
        "(a `with Session(engine) as session:` block does it for you)."
    )
    assert tables.pool.checkedout() == 0 and all(c.closed for c in opened), (
        "After load_detached_user returned, its connection was still checked out of the pool: "
        "the session was never closed (a `with Session(...) as session:` block closes it)."
    )


def test_load_detached_user_missing_is_none(kata, tables):
    """load_detached_user returns None for an id with no row."""
    _saved_user(kata, tables)
    got = kata.load_detached_user(tables, 999)
    assert got is None, (
        f"load_detached_user(engine, 999) returned {got!r}; expected None (no such user)."
    )


def test_was_changed_tracks_one_attribute(kata, tables, session):
    """was_changed is True only for the attribute that was given a new value."""
    user = session.get(kata.User, _saved_user(kata, tables))
    got = kata.was_changed(user, "username")
    assert got is False, (
        f"was_changed(user, 'username') on a freshly loaded user returned {got!r}; expected False."
    )
    user.email = "ada@lovelace.org"
    assert kata.was_changed(user, "email") is True, (
        "After user.email = 'ada@lovelace.org', was_changed(user, 'email') did not return True."
    )
    got = kata.was_changed(user, "username")
    assert got is False, (
        f"Only user.email was changed, yet was_changed(user, 'username') returned {got!r}; "
        "expected False. Look at that one attribute's history (inspect(obj).attrs[name].history), "
        "not at whether the object as a whole was modified."
    )


def test_was_changed_same_value_and_after_flush(kata, tables, session):
    """Assigning the current value is not a change, and a flush clears the history."""
    user = session.get(kata.User, _saved_user(kata, tables))
    user.username = "ada"
    got = kata.was_changed(user, "username")
    assert got is False, (
        f"After user.username = 'ada' (the value it already had), was_changed(user, 'username') "
        f"returned {got!r}; expected False: the history shows it unchanged, even though the "
        "session lists the object in session.dirty."
    )
    user.username = "ada_l"
    assert kata.was_changed(user, "username") is True, (
        "After user.username = 'ada_l', was_changed(user, 'username') did not return True."
    )
    session.flush()
    got = kata.was_changed(user, "username")
    assert got is False, (
        f"After session.flush() sent the UPDATE, was_changed(user, 'username') returned {got!r}; "
        "expected False: the change is no longer pending."
    )
