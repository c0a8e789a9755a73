"""Checks for kata 3.7 — session strategies: identity map, expiry, refresh, merge, detached."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, insert, inspect, select, text
from sqlalchemy.exc import InvalidRequestError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import DetachedInstanceError

# Usernames inserted in neither id nor name order; ids come from the database (so that users the
# kata creates later get fresh ones on Postgres too).
USERS = [("bob", "bob@example.com"), ("ann", "ann@example.com"), ("O'Brien", "ob@example.com")]
POSTS = {"ann": ["Identity maps", "Expiry"], "bob": ["Merging"]}


@pytest.fixture
def seeded(kata, engine: Engine) -> dict[str, int]:
    """The kata's tables with USERS and their POSTS, committed; returns {username: id}."""
    try:
        kata.Base.metadata.create_all(engine)
    except SQLAlchemyError as exc:
        pytest.fail(
            f"The kata's models do not create their tables: {type(exc).__name__}: {exc}",
            pytrace=False,
        )
    tables = kata.Base.metadata.tables
    with engine.begin() as setup:
        setup.execute(
            insert(tables["user_account"]), [{"username": u, "email": e} for u, e in USERS]
        )
        ids = dict(setup.execute(text("SELECT username, id FROM user_account")).tuples().all())
        setup.execute(
            insert(tables["post"]),
            [{"author_id": ids[who], "title": t} for who, titles in POSTS.items() for t in titles],
        )
    return ids


def stored(engine: Engine, user_id: int) -> tuple[str, str] | None:
    """(username, email) of the user's row as committed, read on a connection of its own."""
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT username, email FROM user_account WHERE id = :id"), {"id": user_id}
        ).first()
    return None if row is None else (row.username, row.email)


def change_elsewhere(engine: Engine, user_id: int, email: str) -> None:
    """Another connection updates the user's email and commits."""
    with engine.begin() as other:
        other.execute(
            text("UPDATE user_account SET email = :email WHERE id = :id"),
            {"email": email, "id": user_id},
        )


def read_all(user: Any) -> tuple:
    """Everything the caller of register() reads: id, username, email, (post id, title)s."""
    return (user.id, user.username, user.email, [(p.id, p.title) for p in user.posts])


# --- 1. find_user ----------------------------------------------------------------------------


def test_find_user_returns_the_user(kata, seeded, session):
    """find_user returns the User with that id, and None for an id no user has."""
    user = kata.find_user(session, seeded["ann"])
    assert isinstance(user, kata.User) and user.username == "ann", (
        f"find_user(session, {seeded['ann']}) returned {user!r}; expected the User 'ann'."
    )
    missing = kata.find_user(session, 99999)
    assert missing is None, f"find_user(session, 99999) returned {missing!r}; expected None."


@pytest.mark.compare_sql
def test_find_user_uses_the_identity_map(kata, seeded, session, queries):
    """Twice for one id: the same object, and the second call sends no SQL."""
    first = kata.find_user(session, seeded["bob"])
    with queries.during() as sent:
        second = kata.find_user(session, seeded["bob"])
    assert second is first, (
        f"find_user(session, <bob>) twice returned two different objects ({first!r}, "
        f"{second!r}); expected the same one: a session holds one object per row."
    )
    assert not sent, (
        f"The second find_user(session, <bob>) sent {sent}; expected no SQL, as the session "
        "already holds bob. A select() always asks the database; session.get() looks in the "
        "session's identity map first."
    )


def test_find_user_after_a_query(kata, seeded, session, queries):
    """A user loaded by an earlier query is found without SQL: it is the object that query gave."""
    everyone = {user.username: user for user in session.scalars(select(kata.User))}
    with queries.during() as sent:
        got = kata.find_user(session, seeded["O'Brien"])
    assert got is everyone["O'Brien"], (
        f"find_user(session, <O'Brien>) returned {got!r}; expected the very User object the "
        "session loaded just before with select(User)."
    )
    assert not sent, (
        f"find_user(session, <O'Brien>) sent {sent} although the session already held "
        "O'Brien; expected no SQL (session.get)."
    )


# --- 2. make_session_factory -----------------------------------------------------------------


def _factory(kata, engine: Engine) -> Callable[[], Session]:
    factory = kata.make_session_factory(engine)
    assert callable(factory), (
        f"make_session_factory(engine) returned {factory!r}; expected a factory to call for "
        "each new session: sessionmaker(engine, ...)."
    )
    return factory


def test_factory_sessions_use_the_engine(kata, seeded, engine):
    """A session from the factory is a Session on `engine`: what it commits is in the database."""
    factory = _factory(kata, engine)
    with factory() as session:
        assert isinstance(session, Session), (
            f"make_session_factory(engine)() gave {session!r}; expected a Session."
        )
        user = kata.User(username="dee", email="dee@example.com")
        session.add(user)
        session.commit()
        user_id = session.scalars(select(kata.User.id).where(kata.User.username == "dee")).one()
    assert stored(engine, user_id) == ("dee", "dee@example.com"), (
        "A session from make_session_factory(engine) added and committed the user 'dee', "
        f"but the database holds {stored(engine, user_id)!r}; expected ('dee', 'dee@example.com')."
    )


@pytest.mark.compare_sql
def test_factory_keeps_values_after_commit(kata, seeded, engine, queries):
    """After commit, reading the object sends no SQL; it stays readable once the session ends."""
    factory = _factory(kata, engine)
    with factory() as session:
        user = session.get(kata.User, seeded["ann"])
        user.email = "ann@new.example.com"
        session.commit()
        with queries.during() as sent:
            got = (user.id, user.username, user.email)
    assert not sent, (
        f"After commit(), reading user.id, user.username and user.email sent {sent}; expected "
        "no SQL. By default commit() expires every object, so the next read reloads it with a "
        "SELECT: make the factory's sessions with expire_on_commit=False."
    )
    assert got == (seeded["ann"], "ann", "ann@new.example.com"), (
        f"After commit() the user read {got!r}; expected "
        f"{(seeded['ann'], 'ann', 'ann@new.example.com')!r}."
    )
    try:
        after = (user.username, user.email)
    except DetachedInstanceError as exc:
        pytest.fail(
            f"Once the factory's session was closed, reading user.username raised "
            f"DetachedInstanceError: {exc}\nThe commit expired the user and the closed session "
            "cannot reload it: expire_on_commit=False keeps the values.",
            pytrace=False,
        )
    assert after == ("ann", "ann@new.example.com"), (
        f"After the session closed, the user read {after!r}; expected "
        "('ann', 'ann@new.example.com')."
    )


def test_factory_makes_a_new_session_each_time(kata, seeded, engine):
    """Each call of the factory gives a session of its own."""
    factory = _factory(kata, engine)
    with factory() as one, factory() as two:
        assert one is not two, (
            "Two calls of make_session_factory(engine)() returned the same Session; expected a "
            "new one each time (one session per unit of work, per request)."
        )


# --- 3. reload -------------------------------------------------------------------------------


def _reload(kata, session: Session, user: Any) -> Any:
    got = kata.reload(session, user)
    assert got is user, (
        f"reload(session, user) returned {got!r}; expected the user it was given, refreshed in "
        "place (the session holds one object per row)."
    )
    return got


def test_reload_reads_committed_changes(kata, seeded, session, engine):
    """After another connection commits a change, reload shows the new value."""
    user = session.get(kata.User, seeded["ann"])
    change_elsewhere(engine, seeded["ann"], "ann@elsewhere.example.com")
    _reload(kata, session, user)
    assert user.email == "ann@elsewhere.example.com", (
        f"Another connection set ann's email to 'ann@elsewhere.example.com' and committed; after "
        f"reload(session, user), user.email is {user.email!r}. session.get() returns the object "
        "the session already holds, as it was; session.refresh(user) reads the row again."
    )


def test_reload_discards_unflushed_changes(kata, seeded, session, engine):
    """A change made to the user and not flushed is dropped by reload, and never written."""
    user = session.get(kata.User, seeded["ann"])
    change_elsewhere(engine, seeded["ann"], "ann@elsewhere.example.com")
    user.username = "draft"
    _reload(kata, session, user)
    got = (user.username, user.email)
    assert got == ("ann", "ann@elsewhere.example.com"), (
        "With user.username set to 'draft' (not flushed) and the email changed elsewhere, "
        f"reload(session, user) left (username, email) = {got!r}; expected "
        "('ann', 'ann@elsewhere.example.com'). session.refresh(user) first expires the user, "
        "dropping its unflushed change, then loads the row; a query (even with "
        "populate_existing) flushes the change first, and reads 'draft' back."
    )
    assert stored(engine, seeded["ann"]) == ("ann", "ann@elsewhere.example.com"), (
        f"After reload, the database holds {stored(engine, seeded['ann'])!r} for ann; expected "
        "the change to be discarded, not committed."
    )


def test_reload_leaves_other_pending_work(kata, seeded, session, engine):
    """reload touches only the user it is given: others' unsaved changes survive, uncommitted."""
    ann = session.get(kata.User, seeded["ann"])
    bob = session.get(kata.User, seeded["bob"])
    bob.email = "bob@pending.example.com"
    newcomer = kata.User(username="eve", email="eve@example.com")
    session.add(newcomer)
    _reload(kata, session, ann)
    assert newcomer in session and bob.email == "bob@pending.example.com", (
        f"After reload(session, ann), the new user 'eve' is "
        f"{'still' if newcomer in session else 'no longer'} in the session and bob.email is "
        f"{bob.email!r}; expected both unsaved changes kept ('bob@pending.example.com'). "
        "rollback() and expire_all() throw away the whole session's work; refresh(user) drops "
        "only that user's."
    )
    with engine.connect() as other:
        eves = other.execute(text("SELECT count(*) FROM user_account WHERE username = 'eve'"))
        committed = (stored(engine, seeded["bob"]), eves.scalar_one())
    assert committed == (("bob", "bob@example.com"), 0), (
        f"After reload(session, ann), the database holds bob as {committed[0]!r} and "
        f"{committed[1]} user(s) named 'eve'; expected the session's other work uncommitted: "
        "reload must not commit."
    )


@pytest.mark.compare_sql
def test_reload_loads_now(kata, seeded, session, engine, queries):
    """reload itself sends the SELECT: afterwards the user reads without SQL, even detached."""
    user = session.get(kata.User, seeded["bob"])
    change_elsewhere(engine, seeded["bob"], "bob@elsewhere.example.com")
    with queries.during() as during:
        _reload(kata, session, user)
    with queries.during() as after:
        got = (user.username, user.email)
    assert during and not after, (
        f"reload(session, user) sent {len(during)} statements and reading user afterwards sent "
        f"{len(after)} ({after}); expected reload to read the row itself, and no SQL after it. "
        "session.expire(user) only marks the attributes stale: the SELECT waits for the next "
        "read, which fails if the session is closed by then. session.refresh(user) loads now."
    )
    assert got == ("bob", "bob@elsewhere.example.com"), (
        f"After reload the user read {got!r}; expected ('bob', 'bob@elsewhere.example.com')."
    )
    session.close()
    try:
        detached = (user.username, user.email)
    except DetachedInstanceError as exc:
        pytest.fail(
            f"After reload(session, user) and session.close(), reading the user raised "
            f"DetachedInstanceError: {exc}\nreload should leave the user loaded, not expired.",
            pytrace=False,
        )
    assert detached == got, f"After session.close() the user read {detached!r}; expected {got!r}."


# --- 4. save_detached ------------------------------------------------------------------------


@pytest.fixture
def detached_ann(kata, seeded, engine) -> Any:
    """ann, loaded by a session that has since closed, with a new username and email."""
    with Session(engine) as earlier:
        ann = earlier.get(kata.User, seeded["ann"])
    ann.username = "ann.lee"
    ann.email = "ann.lee@example.com"
    return ann


def _save(kata, session: Session, user: Any) -> Any:
    try:
        return kata.save_detached(session, user)
    except InvalidRequestError as exc:
        if "already present" not in str(exc):
            raise
        pytest.fail(
            f"save_detached(session, ann) raised InvalidRequestError: {exc}\nThe session already "
            "holds its own User object for ann's row, and session.add() cannot attach a second "
            "one (one object per row). session.merge(user) copies the detached object's state "
            "onto the session's instance and returns that instance.",
            pytrace=False,
        )


def test_save_detached_commits_the_changes(kata, seeded, session, engine, detached_ann):
    """save_detached writes the detached user's new username and email, and commits."""
    _save(kata, session, detached_ann)
    got = stored(engine, seeded["ann"])
    assert got == ("ann.lee", "ann.lee@example.com"), (
        f"After save_detached(session, ann), the database holds {got!r} for ann; expected "
        "('ann.lee', 'ann.lee@example.com'), committed."
    )


def test_save_detached_returns_the_session_instance(kata, seeded, session, detached_ann):
    """The result is the session's own persistent User; the object passed in stays detached."""
    saved = _save(kata, session, detached_ann)
    assert isinstance(saved, kata.User) and saved is not detached_ann, (
        f"save_detached(session, ann) returned {saved!r}; expected the User instance the session "
        "manages for ann's row, a different object from the detached one passed in "
        "(what session.merge() returns)."
    )
    assert inspect(saved).persistent and saved in session, (
        f"save_detached(session, ann) returned a User that is not persistent in the session "
        f"(state: {_state(saved)}); expected the session's instance for ann's row."
    )
    assert inspect(detached_ann).detached and detached_ann not in session, (
        f"The User passed to save_detached is now {_state(detached_ann)}; expected it to stay "
        "detached: merge copies its state and leaves it alone, add() would attach it."
    )
    assert (saved.username, saved.email) == ("ann.lee", "ann.lee@example.com"), (
        f"The returned user reads {(saved.username, saved.email)!r}; expected the detached "
        "object's changes: ('ann.lee', 'ann.lee@example.com')."
    )


def _state(obj: Any) -> str:
    state = inspect(obj)
    names = ("transient", "pending", "persistent", "deleted", "detached")
    return next((name for name in names if getattr(state, name)), "unknown")


def test_save_detached_when_the_session_holds_the_user(kata, seeded, session, engine, detached_ann):
    """When the session already holds ann, her changes land on that instance and are committed."""
    held = session.get(kata.User, seeded["ann"])
    saved = _save(kata, session, detached_ann)
    assert saved is held, (
        f"save_detached(session, ann) returned {saved!r}, but the session already held {held!r} "
        "for that row; expected that same instance (one object per row)."
    )
    assert (held.username, held.email) == ("ann.lee", "ann.lee@example.com"), (
        f"The session's ann reads {(held.username, held.email)!r}; expected the detached "
        "object's changes copied onto it."
    )
    assert stored(engine, seeded["ann"]) == ("ann.lee", "ann.lee@example.com"), (
        f"The database holds {stored(engine, seeded['ann'])!r} for ann; expected "
        "('ann.lee', 'ann.lee@example.com'), committed."
    )


def test_save_detached_twice(kata, seeded, session, engine, detached_ann):
    """Saving, changing the detached user again and saving again stores the second change too."""
    first = _save(kata, session, detached_ann)
    detached_ann.email = "ann@second.example.com"
    second = _save(kata, session, detached_ann)
    assert second is first, (
        f"The second save_detached(session, ann) returned {second!r}; expected the same session "
        f"instance as the first ({first!r})."
    )
    got = stored(engine, seeded["ann"])
    assert got == ("ann.lee", "ann@second.example.com"), (
        f"After saving ann twice, the database holds {got!r}; expected "
        "('ann.lee', 'ann@second.example.com')."
    )


# --- 5. register -----------------------------------------------------------------------------


def _register(kata, engine: Engine, username: str, titles: list[str]) -> Any:
    email = f"{username}@example.com"
    user = kata.register(engine, username, email, titles)
    call = f"register(engine, {username!r}, {email!r}, {titles!r})"
    assert isinstance(user, kata.User), f"{call} returned {user!r}; expected the new User."
    return user


def test_register_commits_user_and_posts(kata, seeded, engine):
    """register stores the user and one post per title, committed."""
    user = _register(kata, engine, "cleo", ["Hello", "Again"])
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT user_account.email, post.title FROM post JOIN user_account "
                "ON user_account.id = post.author_id WHERE user_account.username = 'cleo' "
                "ORDER BY post.id"
            )
        ).all()
    got = [tuple(row) for row in rows]
    expected = [("cleo@example.com", "Hello"), ("cleo@example.com", "Again")]
    assert got == expected, (
        f"After register(engine, 'cleo', ...) the database holds (email, post title) {got}; "
        f"expected {expected}, committed. (returned {user!r})"
    )


@pytest.mark.compare_sql
def test_register_returns_a_usable_detached_user(kata, seeded, engine, queries):
    """The returned user is detached and its columns and posts read without SQL or errors."""
    user = _register(kata, engine, "cleo", ["Hello", "Again"])
    assert inspect(user).detached, (
        f"register returned a user that is {_state(user)}; expected detached: register's own "
        "session should be closed when it returns (a `with Session(...)` block), so that no "
        "caller depends on a session it cannot see, commit or close."
    )
    with queries.during() as sent:
        try:
            got = read_all(user)
        except DetachedInstanceError as exc:
            pytest.fail(
                f"Reading the user register() returned raised DetachedInstanceError: {exc}\n"
                "commit() expired the user and its posts, and after the session closed nothing "
                "can reload them. Either make the session with expire_on_commit=False, or load "
                "what the caller reads before closing: session.refresh() reloads the columns "
                "but not a lazy relationship (refresh(user, ['posts']) names it), a "
                "select(User) with selectinload(User.posts) loads both.",
                pytrace=False,
            )
    assert not sent, f"Reading the returned user sent {sent}; expected no SQL (it is detached)."
    user_id, username, email, posts = got
    assert (username, email) == ("cleo", "cleo@example.com") and isinstance(user_id, int), (
        f"The returned user reads (id, username, email) {(user_id, username, email)!r}; "
        "expected an id and ('cleo', 'cleo@example.com')."
    )
    titles = [title for _, title in posts]
    assert titles == ["Hello", "Again"] and all(isinstance(pid, int) for pid, _ in posts), (
        f"The returned user's posts read (id, title) {posts}; expected ids and the titles "
        "['Hello', 'Again']."
    )


def test_register_twice(kata, seeded, engine):
    """Two registrations give two users, each with their own posts; a user may have none."""
    cleo = read_all(_register(kata, engine, "cleo", ["Hello"]))
    dan = read_all(_register(kata, engine, "dan", []))
    assert cleo[0] != dan[0] and dan[3] == [] and [t for _, t in cleo[3]] == ["Hello"], (
        f"register gave cleo {cleo!r} and dan {dan!r}; expected two different ids, cleo with "
        "the post 'Hello' and dan with no posts."
    )
    assert stored(engine, cleo[0]) == ("cleo", "cleo@example.com") and stored(engine, dan[0]) == (
        "dan",
        "dan@example.com",
    ), (
        "After registering cleo and then dan, the database holds "
        f"{stored(engine, cleo[0])!r} and {stored(engine, dan[0])!r}; expected both users."
    )
