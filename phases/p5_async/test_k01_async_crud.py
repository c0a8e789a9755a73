"""Checks for kata 5.1 — async engine, sessions and CRUD.

Rows are seeded, and read back, through the sync `engine` on the same database: a separate
connection sees only what the learner's code committed.
"""

import inspect
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, make_url, select, text
from sqlalchemy import inspect as inspect_db
from sqlalchemy.exc import MissingGreenlet, SQLAlchemyError, UnboundExecutionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import DetachedInstanceError

from checker.plugin.compare import assert_rows_match

USERS = ["ann", "bob", "cat"]  # cat never posts
POSTS = [  # (author, title), in insertion (id) order
    ("ann", "Hello, asyncio"),
    ("bob", "Why Postgres"),
    ("ann", "Awaiting the database"),
    ("bob", "Pools, explained"),
    ("ann", "Eager loading for async"),
]
ANN_NEWEST_FIRST = ["Eager loading for async", "Awaiting the database", "Hello, asyncio"]

MISSING_AWAIT = (
    "session.get, session.scalars, session.execute, session.commit and session.delete are "
    "coroutines: each needs an `await`."
)


def _show(value: Any) -> str:
    """A readable form of what a kata function returned: mapped objects as User(id=.., ..),
    from the attributes already loaded (never loading anything)."""
    if isinstance(value, list):
        return f"[{', '.join(_show(item) for item in value)}]"
    mapper = getattr(type(value), "__mapper__", None)  # set on mapped classes, so instances
    if mapper is None:
        return f"{value!r:.200}"
    loaded = inspect_db(value).dict
    fields = ", ".join(
        f"{prop.key}={loaded[prop.key]!r}" for prop in mapper.column_attrs if prop.key in loaded
    )
    return f"{type(value).__name__}({fields})"


def _needed_io(exc: BaseException) -> bool:
    """Whether an error says that SQL was needed where nothing awaits it: MissingGreenlet, which
    SQLAlchemy raises as is or wrapped in the StatementError of the statement it refused."""
    return isinstance(exc, MissingGreenlet) or isinstance(
        getattr(exc, "orig", None), MissingGreenlet
    )


async def _run(call: str, result: Any) -> Any:
    """The result of an async kata function: awaited, with a sentence when the function is not
    async or when what it returns still needs an await (an `await` missing inside it)."""
    if not inspect.isawaitable(result):
        pytest.fail(
            f"{call} returned {_show(result):.300} straight away; expected a coroutine to await. "
            "Define it with `async def`, and await the session's methods inside it.",
            pytrace=False,
        )
    value = await result
    if inspect.isawaitable(value):
        if inspect.iscoroutine(value):
            value.close()  # never run: no "coroutine was never awaited" warning on top
        pytest.fail(
            f"{call} returned {value!r:.200}, something still to be awaited, instead of its "
            f"result: an `await` is missing inside it. {MISSING_AWAIT}",
            pytrace=False,
        )
    return value


@pytest.fixture
def tables(kata, engine: Engine) -> Engine:
    """The kata's tables, empty (created by the check, not by the learner's create_tables)."""
    kata.Base.metadata.create_all(engine)
    return engine


@pytest.fixture
def seeded(kata, tables: Engine) -> dict[str, Any]:
    """Three users and five posts, committed: {"users": {name: id}, "posts": {title: id}}."""
    users_table, posts_table = kata.User.__table__, kata.Post.__table__
    with tables.begin() as connection:
        users = {
            name: connection.execute(
                insert(users_table).values(username=name).returning(users_table.c.id)
            ).scalar_one()
            for name in USERS
        }
        posts = {
            title: connection.execute(
                insert(posts_table)
                .values(author_id=users[author], title=title)
                .returning(posts_table.c.id)
            ).scalar_one()
            for author, title in POSTS
        }
    return {"users": users, "posts": posts}


def _committed_users(engine: Engine, kata) -> dict[int, str]:
    """{id: username} as a new connection sees it: only what was committed."""
    table = kata.User.__table__
    with engine.connect() as connection:
        return dict(connection.execute(select(table.c.id, table.c.username)).tuples().all())


def _committed_posts(engine: Engine, kata) -> dict[int, str]:
    """{id: title} as a new connection sees it: only what was committed."""
    table = kata.Post.__table__
    with engine.connect() as connection:
        return dict(connection.execute(select(table.c.id, table.c.title)).tuples().all())


# 1. make_engine


async def test_make_engine_returns_a_working_async_engine(kata, async_db_url):
    """make_engine(url) returns an AsyncEngine on that URL that can run a query."""
    shown = make_url(async_db_url).render_as_string(hide_password=True)
    made = kata.make_engine(async_db_url)
    assert isinstance(made, AsyncEngine), (
        f"make_engine({shown!r}) returned {made!r:.200}; expected an AsyncEngine. "
        "create_engine() makes a sync Engine even for an async URL; async code needs "
        "create_async_engine() from sqlalchemy.ext.asyncio."
    )
    try:
        got_url = made.url.render_as_string(hide_password=False)
        assert got_url == async_db_url, (
            f"make_engine({shown!r}) returned an engine on "
            f"{made.url.render_as_string(hide_password=True)!r}; expected the URL it was given."
        )
        async with made.connect() as connection:
            value = await connection.scalar(text("SELECT 1"))
        assert value == 1, f"SELECT 1 on the engine from make_engine returned {value!r}."
    finally:
        await made.dispose()


# 2. make_sessionmaker


async def test_make_sessionmaker_makes_async_sessions_on_the_engine(
    kata, tables, async_engine, engine
):
    """make_sessionmaker(engine) is an async_sessionmaker whose AsyncSessions write to engine."""
    maker = kata.make_sessionmaker(async_engine)
    assert isinstance(maker, async_sessionmaker), (
        f"make_sessionmaker(engine) returned {maker!r:.200}; expected an async_sessionmaker "
        "(from sqlalchemy.ext.asyncio): a factory that makes a new AsyncSession each time it is "
        "called. (Older code writes sessionmaker(engine, class_=AsyncSession); "
        "async_sessionmaker is the typed 2.x way.)"
    )
    async with maker() as session:
        assert isinstance(session, AsyncSession), (
            f"Calling the factory from make_sessionmaker(engine) gave {session!r:.200}; "
            "expected an AsyncSession."
        )
        session.add(kata.User(username="ada"))
        try:
            await session.commit()
        except UnboundExecutionError as exc:
            pytest.fail(
                f"Committing a session from make_sessionmaker(engine) raised "
                f"UnboundExecutionError: {exc}\nThe sessions are not bound to the engine: pass it "
                "to async_sessionmaker as its first argument.",
                pytrace=False,
            )
    got = list(_committed_users(engine, kata).values())
    assert got == ["ada"], (
        f"After adding 'ada' and committing in a session from make_sessionmaker(engine), the "
        f"database holds the users {got!r}; expected ['ada']."
    )


async def test_sessions_keep_objects_readable_after_commit(kata, tables, async_engine):
    """Objects stay readable after commit in a session from make_sessionmaker (no expiry)."""
    maker = kata.make_sessionmaker(async_engine)
    async with maker() as session:
        user = kata.User(username="ada")
        session.add(user)
        await session.commit()
        try:
            got = (user.id, user.username)
        except SQLAlchemyError as exc:
            if not _needed_io(exc):
                raise
            pytest.fail(
                "In a session from make_sessionmaker(engine), reading user.username right after "
                f"`await session.commit()` raised MissingGreenlet: {exc}\nBy default commit() "
                "expires every object, so the next attribute read must reload it from the "
                "database: IO without an await, which an AsyncSession refuses. Create the "
                "sessions with expire_on_commit=False.",
                pytrace=False,
            )
    assert isinstance(got[0], int) and got[1] == "ada", (
        f"After commit, the user reads (id, username) = {got!r}; expected (<an id>, 'ada')."
    )


# 3. create_tables


async def test_create_tables_creates_the_models_tables(kata, async_engine, engine):
    """await create_tables(engine) creates the user_account and post tables, committed."""
    commits = []

    def committed(_connection: Any) -> None:
        commits.append(True)

    event.listen(async_engine.sync_engine, "commit", committed)
    try:
        await _run("create_tables(engine)", kata.create_tables(async_engine))
    finally:
        event.remove(async_engine.sync_engine, "commit", committed)
    names = set(inspect_db(engine).get_table_names())
    expected = {kata.User.__tablename__, kata.Post.__tablename__}
    assert expected <= names, (
        f"After await create_tables(engine), a new connection finds the tables {sorted(names)}; "
        f"expected {sorted(expected)}. metadata.create_all is sync code: run it on an async "
        "connection with `await conn.run_sync(Base.metadata.create_all)` inside "
        "`async with engine.begin() as conn:`, which commits when the block ends (Postgres "
        "rolls back DDL that is never committed). Without the await, run_sync() only makes a "
        "coroutine that never runs."
    )
    assert commits, (
        "await create_tables(engine) created the tables but never committed its transaction: "
        "the connection rolled it back when it closed. SQLite's driver happens to commit "
        "CREATE TABLE on its own, so the tables are there; on Postgres, where DDL is "
        "transactional, they would be gone. Use `async with engine.begin() as conn:` (it commits "
        "when the block ends), or `await conn.commit()` inside `engine.connect()`."
    )


# 4. add_user


async def test_add_user_returns_the_new_user(kata, tables, async_session):
    """add_user(session, username) returns a User with that username and its id set."""
    user = await _run("add_user(session, 'ada')", kata.add_user(async_session, "ada"))
    assert isinstance(user, kata.User), (
        f"add_user(session, 'ada') returned {_show(user):.300}; expected the new User."
    )
    assert isinstance(user.id, int), (
        f"The User returned by add_user(session, 'ada') has id {user.id!r}; expected the id the "
        "database assigned. It is set when the INSERT is flushed, and commit flushes first: "
        "`await session.commit()` (without the await, commit() only makes a coroutine and "
        "nothing happens)."
    )
    assert user.username == "ada", (
        f"add_user(session, 'ada') returned a User named {user.username!r}; expected 'ada'."
    )


async def test_add_user_commits(kata, tables, async_session, engine):
    """The new users are committed: a new connection can read them."""
    first = await _run("add_user(session, 'ada')", kata.add_user(async_session, "ada"))
    second = await _run("add_user(session, 'grace')", kata.add_user(async_session, "grace"))
    got = _committed_users(engine, kata)
    assert got == {first.id: "ada", second.id: "grace"}, (
        f"After add_user(session, 'ada') and add_user(session, 'grace') a new connection reads "
        f"the users {got!r}; expected both. session.add() only stages the object and flush() "
        "sends the INSERT inside a transaction that is still open: add_user must "
        "`await session.commit()`."
    )


# 5. get_user


async def test_get_user_finds_the_user(kata, seeded, async_session):
    """get_user(session, id) returns the User with that id."""
    bob = seeded["users"]["bob"]
    user = await _run(f"get_user(session, {bob})", kata.get_user(async_session, bob))
    assert isinstance(user, kata.User) and user.id == bob, (
        f"get_user(session, {bob}) returned {_show(user):.300}; expected the User with id {bob} "
        "('bob'). Look it up by primary key: `await session.get(User, user_id)`."
    )
    assert user.username == "bob", (
        f"get_user(session, {bob}) returned a User named {user.username!r}; expected 'bob'."
    )


async def test_get_user_missing_returns_none(kata, seeded, async_session):
    """get_user returns None for an id no user has, without raising."""
    missing = max(seeded["users"].values()) + 1000
    try:
        got = await _run(f"get_user(session, {missing})", kata.get_user(async_session, missing))
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(
            f"get_user(session, {missing}) raised {type(exc).__name__}: {exc}; expected None for "
            "a missing id. session.get returns None; get_one() and scalar_one() raise.",
            pytrace=False,
        )
    assert got is None, f"get_user(session, {missing}) returned {_show(got):.300}; expected None."


async def test_get_user_uses_the_identity_map(kata, tables, async_session, queries):
    """get_user of a user the session already holds returns that object and sends no SQL."""
    user = kata.User(username="held")
    async_session.add(user)
    await async_session.flush()
    with queries.during() as sent:
        got = await _run(f"get_user(session, {user.id})", kata.get_user(async_session, user.id))
    assert got is user, (
        f"get_user(session, {user.id}) returned {_show(got):.300}; expected the very User object "
        "the session already holds (one object per row per session: the identity map)."
    )
    assert sent == [], (
        f"get_user(session, {user.id}) sent {sent!r} for a user the session already holds; "
        "`await session.get(User, user_id)` looks in the identity map first and sends nothing. "
        "A select() always goes to the database."
    )


# 6. posts_by


async def test_posts_by_lists_the_authors_posts_newest_first(kata, seeded, async_session):
    """posts_by(session, username) returns a list of that user's posts, newest first."""
    got = await _run("posts_by(session, 'ann')", kata.posts_by(async_session, "ann"))
    assert isinstance(got, list), (
        f"posts_by(session, 'ann') returned {got!r:.200}; expected a list of Posts. "
        "`await session.scalars(stmt)` gives a result you can read once: return "
        "`list(result)` or `result.all()`."
    )
    assert all(isinstance(post, kata.Post) for post in got), (
        f"posts_by(session, 'ann') returned {_show(got):.300}; expected Post objects "
        "(session.scalars gives the first column of each row: select(Post))."
    )
    assert_rows_match(
        [(post.title,) for post in got],
        [(title,) for title in ANN_NEWEST_FIRST],
        ordered=True,
        what="posts_by(session, 'ann') (titles, newest first: highest id first)",
    )


async def test_posts_by_user_without_posts_is_empty(kata, seeded, async_session):
    """posts_by returns [] for a user without posts and for a username nobody has."""
    for username in ("cat", "nobody"):
        got = await _run(f"posts_by(session, {username!r})", kata.posts_by(async_session, username))
        assert list(got) == [], (
            f"posts_by(session, {username!r}) returned {_show(got):.300}; expected [] "
            f"({'cat has written nothing' if username == 'cat' else 'there is no such user'})."
        )


# 7. rename_user


async def test_rename_user_commits(kata, seeded, async_session, engine):
    """rename_user returns the User with its new name, committed; the other users stay."""
    users = seeded["users"]
    bob = users["bob"]
    call = f"rename_user(session, {bob}, 'robert')"
    got = await _run(call, kata.rename_user(async_session, bob, "robert"))
    assert isinstance(got, kata.User) and got.id == bob and got.username == "robert", (
        f"{call} returned {_show(got):.300}; expected the User {bob}, now named 'robert'."
    )
    committed = _committed_users(engine, kata)
    expected = {users["ann"]: "ann", bob: "robert", users["cat"]: "cat"}
    assert committed == expected, (
        f"After {call} a new connection reads the users {committed!r}; expected {expected!r}. "
        "Setting the attribute only marks the object dirty: `await session.commit()` sends the "
        "UPDATE and makes it permanent."
    )


async def test_rename_user_missing_returns_none(kata, seeded, async_session, engine):
    """rename_user of a missing id returns None, raises nothing and changes nothing."""
    missing = max(seeded["users"].values()) + 1000
    call = f"rename_user(session, {missing}, 'ghost')"
    try:
        got = await _run(call, kata.rename_user(async_session, missing, "ghost"))
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(
            f"{call} raised {type(exc).__name__}: {exc}; expected None for a user that does not "
            "exist. `await session.get(...)` returns None: check before changing anything.",
            pytrace=False,
        )
    assert got is None, f"{call} returned {_show(got):.300}; expected None (no such user)."
    committed = sorted(_committed_users(engine, kata).values())
    assert committed == sorted(USERS), (
        f"After {call} the users are {committed!r}; expected them unchanged: {sorted(USERS)!r}."
    )


# 8. delete_post


async def test_delete_post_commits(kata, seeded, async_session, engine):
    """delete_post returns True and the post is gone for good; the other posts stay."""
    posts = seeded["posts"]
    doomed = posts["Why Postgres"]
    call = f"delete_post(session, {doomed})"
    got = await _run(call, kata.delete_post(async_session, doomed))
    assert got is True, f"{call} returned {got!r:.200}; expected True (a post was deleted)."
    committed = _committed_posts(engine, kata)
    expected = {post_id: title for title, post_id in posts.items() if post_id != doomed}
    assert committed == expected, (
        f"After {call} a new connection reads the posts {committed!r}; expected every post but "
        "'Why Postgres'. On an AsyncSession, delete() is a coroutine too "
        "(`await session.delete(post)`), and the DELETE is permanent only after "
        "`await session.commit()`."
    )


async def test_delete_post_missing_returns_false(kata, seeded, async_session, engine):
    """delete_post of a missing id returns False, raises nothing and deletes nothing."""
    missing = max(seeded["posts"].values()) + 1000
    call = f"delete_post(session, {missing})"
    try:
        got = await _run(call, kata.delete_post(async_session, missing))
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(
            f"{call} raised {type(exc).__name__}: {exc}; expected False. `await session.get(...)` "
            "returns None for a missing id: check for None before deleting.",
            pytrace=False,
        )
    assert got is False, f"{call} returned {got!r:.200}; expected False (no such post)."
    committed = sorted(_committed_posts(engine, kata).values())
    assert committed == sorted(title for _, title in POSTS), (
        f"After {call} the posts are {committed!r}; expected all five unchanged."
    )


# 9. user_with_posts

LAZY = (
    "A relationship is lazy by default: it is loaded the first time you touch it, with a SELECT "
    "that nothing awaits, so an AsyncSession refuses (MissingGreenlet) and a closed session "
    "cannot (DetachedInstanceError). Load the posts with the user: "
    "`await session.get(User, user_id, options=[selectinload(User.posts)])`, or the same option "
    "on a select()."
)


def _titles(user, when: str) -> list[str]:
    """The titles of user.posts, or a teaching failure when reading them needs IO."""
    try:
        return [post.title for post in user.posts]
    except SQLAlchemyError as exc:
        if not (_needed_io(exc) or isinstance(exc, DetachedInstanceError)):
            raise
        name = "MissingGreenlet" if _needed_io(exc) else type(exc).__name__
        pytest.fail(
            f"Reading user.posts {when} raised {name}: {exc}\n{LAZY}",
            pytrace=False,
        )


async def test_user_with_posts_loads_the_posts(kata, seeded, async_session):
    """user_with_posts returns the User with its posts already loaded: reading them needs no IO."""
    ann = seeded["users"]["ann"]
    call = f"user_with_posts(session, {ann})"
    user = await _run(call, kata.user_with_posts(async_session, ann))
    assert isinstance(user, kata.User) and user.id == ann, (
        f"{call} returned {_show(user):.300}; expected the User 'ann'."
    )
    got = _titles(user, f"on the User from {call}, with the session still open,")
    expected = [title for author, title in POSTS if author == "ann"]
    assert got == expected, f"{call}.posts has the titles {got!r}; expected {expected!r}."


async def test_user_with_posts_usable_after_close(kata, seeded, async_session):
    """The posts from user_with_posts are still readable once the session is closed."""
    ann = seeded["users"]["ann"]
    call = f"user_with_posts(session, {ann})"
    user = await _run(call, kata.user_with_posts(async_session, ann))
    assert user is not None, f"{call} returned None; expected the User 'ann'."
    await async_session.close()
    got = _titles(user, f"on the User from {call} after `await session.close()`")
    expected = [title for author, title in POSTS if author == "ann"]
    assert got == expected, (
        f"After session.close(), {call}.posts has the titles {got!r}; expected {expected!r}."
    )


async def test_user_with_posts_without_posts_or_missing(kata, seeded, async_session):
    """A user without posts comes back with an empty, loaded list; a missing id gives None."""
    cat = seeded["users"]["cat"]
    call = f"user_with_posts(session, {cat})"
    user = await _run(call, kata.user_with_posts(async_session, cat))
    assert isinstance(user, kata.User) and user.username == "cat", (
        f"{call} returned {_show(user):.300}; expected the User 'cat'."
    )
    got = _titles(user, f"on the User from {call} (a user without posts)")
    assert got == [], f"{call}.posts has the titles {got!r}; expected [] (cat never posts)."
    missing = max(seeded["users"].values()) + 1000
    call = f"user_with_posts(session, {missing})"
    got = await _run(call, kata.user_with_posts(async_session, missing))
    assert got is None, f"{call} returned {_show(got):.300}; expected None (no such user)."
