"""Checks for kata 5.6 — relationships in an async API.

The checks seed users, posts and comments with SQL of their own (not through the kata's models),
drive the app over ASGI inside its lifespan (`app_client`) and once under uvicorn
(`live_server`), and compare every answer with what the database holds, read back on a
connection of the check's own. `queries` counts the statements each request sent: a list must
cost the same few statements however many posts it holds. An exception the app raises reaches
the check (ASGI, no server in between); the ones async code is known for (MissingGreenlet, a
lazy="raise" refusal, joinedload without unique()) are explained with the request that raised
them and the line of the kata where it happened.
"""

from __future__ import annotations

import json
import re
import traceback
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text, inspect, text
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session

from checker.plugin.assertions import find_relationship
from checker.workbook.legacy import explain

MISSING = 4242  # an id no user and no post has in these checks
KATA_FOLDER = "k06_async_relationships"  # the package's folder, in katas/, solutions/ or a mutant

# The tables, as the check writes and reads them: plain Core, independent of the kata's models.
_metadata = MetaData()
USERS = Table(
    "user_account", _metadata, Column("id", Integer, primary_key=True), Column("username", String)
)
POSTS = Table(
    "post",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("author_id", ForeignKey("user_account.id")),
    Column("title", String),
)
COMMENTS = Table(
    "comment",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", ForeignKey("post.id")),
    Column("author_id", ForeignKey("user_account.id")),
    Column("body", Text),
)


# --- Seeding and reading back --------------------------------------------------------------------


def _require_tables(engine: Any) -> None:
    missing = sorted({"user_account", "post", "comment"} - set(inspect(engine).get_table_names()))
    if missing:
        pytest.fail(
            f"Once the app had started, the database DATABASE_URL names had no table "
            f"{missing[0]}. The lifespan (given) creates the tables from Base.metadata: is "
            "every model still a subclass of Base?",
            pytrace=False,
        )


def seed(
    engine: Any, users: list[str], posts: list[tuple[str, str]], comments: list[tuple]
) -> SimpleNamespace:
    """Insert `users` (usernames), `posts` ((author, title)) and `comments` ((post number from
    1, commenter, body)) in that order, one row at a time; the ids come back by name/number."""
    _require_tables(engine)
    user_ids: dict[str, int] = {}
    post_ids: list[int] = []
    comment_ids: list[int] = []
    with engine.begin() as connection:
        for name in users:
            result = connection.execute(USERS.insert().values(username=name))
            user_ids[name] = result.inserted_primary_key[0]
        for author, title in posts:
            result = connection.execute(
                POSTS.insert().values(author_id=user_ids[author], title=title)
            )
            post_ids.append(result.inserted_primary_key[0])
        for number, commenter, body in comments:
            values = {"post_id": post_ids[number - 1], "author_id": user_ids[commenter]}
            result = connection.execute(COMMENTS.insert().values(body=body, **values))
            comment_ids.append(result.inserted_primary_key[0])
    return SimpleNamespace(user=user_ids, post=post_ids, comment=comment_ids)


def move_to_the_end(engine: Any, table: Table, row_id: int, column: str) -> None:
    """An UPDATE writes a new version of the row at the end of a Postgres table, so a SELECT
    without ORDER BY returns it last from then on. (SQLite keeps rows in id order whatever
    happens, so there a missing ORDER BY on a relationship goes unseen.)"""
    with engine.begin() as connection:
        update = table.update().where(table.c.id == row_id)
        connection.execute(update.values({table.c[column]: table.c[column]}))


def expected_post(engine: Any, post_id: int) -> dict:
    """The post as the database holds it, in post_out's shape: comments oldest first."""
    with engine.connect() as connection:
        post = connection.execute(
            text(
                "SELECT p.id, p.title, u.id, u.username FROM post p "
                "JOIN user_account u ON u.id = p.author_id WHERE p.id = :id"
            ),
            {"id": post_id},
        ).one()
        comments = connection.execute(
            text(
                "SELECT c.id, c.body, u.id, u.username FROM comment c "
                "JOIN user_account u ON u.id = c.author_id WHERE c.post_id = :id ORDER BY c.id"
            ),
            {"id": post_id},
        ).all()
    return {
        "id": post[0],
        "title": post[1],
        "author": {"id": post[2], "username": post[3]},
        "comments": [
            {"id": c[0], "body": c[1], "author": {"id": c[2], "username": c[3]}} for c in comments
        ],
    }


def expected_posts(engine: Any) -> list[dict]:
    """Every post, newest first, as GET /posts must answer."""
    with engine.connect() as connection:
        ids = connection.scalars(text("SELECT id FROM post ORDER BY id DESC")).all()
    return [expected_post(engine, post_id) for post_id in ids]


def expected_user(engine: Any, user_id: int) -> dict:
    with engine.connect() as connection:
        username = connection.scalar(
            text("SELECT username FROM user_account WHERE id = :id"), {"id": user_id}
        )
        posts = connection.execute(
            text("SELECT id, title FROM post WHERE author_id = :id ORDER BY id"), {"id": user_id}
        ).all()
    return {
        "id": user_id,
        "username": username,
        "posts": [{"id": post_id, "title": title} for post_id, title in posts],
    }


def comment_rows(engine: Any) -> list[tuple]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text("SELECT id, post_id, author_id, body FROM comment ORDER BY id")
            )
        ]


# --- Requests, and what their failures mean -----------------------------------------------------


def _shown(method: str, path: str, body: Any) -> str:
    return f"{method} {path}" + (f" with {json.dumps(body)}" if body is not None else "")


def _site(exc: BaseException) -> str:
    """Where in the kata's files the exception was raised: its innermost frame there."""
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if Path(frame.filename).parent.name == KATA_FOLDER
    ]
    if not frames:
        return ""
    frame = frames[-1]
    return f"\n  in {frame.name}() at {Path(frame.filename).name}:{frame.lineno}: {frame.line}"


def _raised(exc: BaseException) -> str:
    """The exception in one line, where the kata raised it, and for a failed lazy load the SELECT
    it tried to send."""
    first = str(exc).splitlines()[0] if str(exc) else ""
    first = re.sub(r" \(Background on this error at: \S+\)", "", first)
    shown = f"{type(exc).__name__}: {first[:300]}{_site(exc)}"
    statement = getattr(exc, "statement", None)
    if statement:
        shown += f"\nThe SELECT it tried to send: {' '.join(str(statement).split())[:300]}"
    return shown


async def call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    expect: int,
    body: Any = None,
    server: Any = None,
) -> httpx.Response:
    """Send one request; fail, saying what was sent and what came back, unless it answers
    `expect`. An exception the app raised is explained when it is one async code is known for."""
    shown = _shown(method, path, body)
    try:
        response = await client.request(method, path, json=body)
    except Exception as exc:
        advice = explain(exc)
        if advice is None:
            raise
        pytest.fail(f"{shown} raised {_raised(exc)}\n{advice}", pytrace=False)
    if response.status_code != expect:
        logged = _server_error(server) if response.status_code == 500 and server else ""
        pytest.fail(
            f"{shown} answered {response.status_code} {response.text[:300]}; expected "
            f"{expect}.{logged}",
            pytrace=False,
        )
    return response


def _server_error(server: Any) -> str:
    """The exception a live server logged for a 500, explained if it is MissingGreenlet."""
    logged = server.logged_exception()
    if not logged:
        return ""
    hint = ""
    if "MissingGreenlet" in logged:
        hint = (
            "\nMissingGreenlet: an attribute nobody loaded was read while building the "
            "answer, and under asyncio that load cannot run (an attribute access cannot "
            "be awaited). Load it in the route's query with a loader option."
        )
    return f"\nThe server logged: {logged[:300]}{hint}"


def _path_of(keys: list[Any]) -> str:
    return "".join(f"[{key!r}]" for key in keys) or "the whole answer"


ORDER_HINT = (
    " The same items in another order: posts come newest first (order_by(Post.id.desc()) in "
    "the query); comments and a user's posts oldest first: give the relationship its order, "
    "relationship(..., order_by=Comment.id), which lazy loads, selectinload and joinedload "
    "all apply."
)


def first_difference(got: Any, expected: Any, keys: list[Any] | None = None) -> str | None:
    """Where `got` first differs from `expected` (JSON-like values), in words; None if equal."""
    keys = keys or []
    if isinstance(expected, dict) and isinstance(got, dict):
        if set(got) != set(expected):
            return f"at {_path_of(keys)} the keys are {sorted(got)}; expected {sorted(expected)}"
        for key in expected:
            found = first_difference(got[key], expected[key], [*keys, key])
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(got, list):
        ids = [item.get("id") if isinstance(item, dict) else item for item in got]
        want = [item.get("id") for item in expected]
        if ids != want:
            found = f"at {_path_of(keys)} the ids are {ids}; expected {want}."
            return found + (ORDER_HINT if sorted(map(str, ids)) == sorted(map(str, want)) else "")
        for index, (item, wanted) in enumerate(zip(got, expected, strict=True)):
            found = first_difference(item, wanted, [*keys, index])
            if found:
                return found
        return None
    if got != expected:
        return f"at {_path_of(keys)} the answer has {got!r}; expected {expected!r}"
    return None


def assert_answer(what: str, got: Any, expected: Any, hint: str = "") -> None:
    """Fail unless `got` equals `expected`, naming the first difference; `hint` says what a
    difference in the set of items usually means for this request."""
    difference = first_difference(got, expected)
    if difference is None:
        return
    if hint and ORDER_HINT not in difference:
        difference += f" {hint}"
    pytest.fail(
        f"{what} answered differently from the database: {difference}\n"
        f"The whole answer expected: {json.dumps(expected)[:600]}",
        pytrace=False,
    )


def _described(value: Any) -> str:
    if isinstance(value, list):
        kinds = sorted({type(item).__name__ for item in value})
        return f"a list of {len(value)} ({', '.join(kinds) or 'nothing'})"
    return f"a {type(value).__name__}" if value is not None else "None"


NEW_COMMENT_HINT = (
    "The answer must show the post as the database holds it after the commit. Append the new "
    "Comment to the loaded post.comments (the session then knows it belongs there); a Comment "
    "added by post_id alone is not in a collection loaded before it, and selecting the post "
    "again returns the object already in the session as it was, unless populate_existing=True."
)


# --- The data ------------------------------------------------------------------------------------


@pytest.fixture
def blog(app_client: httpx.AsyncClient, engine: Any) -> SimpleNamespace:
    """ada and bob write posts (two titled "Hello"); cat only comments; dan has done nothing.
    Comments go to the posts in turn, so no post's comments are consecutive rows; then the first
    comment of ada's first post, and that post, are updated (on Postgres they move to the end of
    their table, so a missing ORDER BY shows)."""
    seeded = seed(
        engine,
        ["ada", "bob", "cat", "dan"],
        [("ada", "Hello"), ("bob", "Async in practice"), ("ada", "Quiet"), ("bob", "Hello")],
        [
            (2, "cat", "First!"),
            (1, "bob", "Nice post"),
            (2, "ada", "Thanks"),
            (1, "cat", "Agreed"),
            (4, "bob", "Replying to myself"),
            (1, "ada", "Thank you both"),
        ],
    )
    move_to_the_end(engine, COMMENTS, seeded.comment[1], "body")
    move_to_the_end(engine, POSTS, seeded.post[0], "title")
    return seeded


@pytest.fixture
def twenty_posts(app_client: httpx.AsyncClient, engine: Any) -> SimpleNamespace:
    """Twenty posts by five authors; each has from none to three comments, by authors and by
    two users who never post."""
    authors = ["ann", "ben", "cy", "dee", "eli"]
    readers = ["fay", "gus"]
    everyone = authors + readers
    posts = [(authors[n % 5], f"Post {n}") for n in range(20)]
    comments = [
        (number, everyone[(number + k * 3) % 7], f"Comment {k} on post {number}")
        for k in range(3)
        for number in range(1, 21)
        if number % 4 > k
    ]
    seeded = seed(engine, everyone, posts, comments)
    seeded.expected = expected_posts(engine)  # read here, so the check's body sends only GET /posts
    return seeded


# --- The models ----------------------------------------------------------------------------------

CONFIGURE_HINT = (
    "Each relationship() needs a Mapped[...] annotation naming its target, and back_populates on "
    "both sides must name each other."
)
USER_POSTS = 'posts: Mapped[list[Post]] = relationship(back_populates="author", order_by=...)'
LAZY_RAISE = [
    ("Post", "author", "User", 'author: Mapped[User] = relationship(back_populates="posts", ...)'),
    (
        "Post",
        "comments",
        "Comment",
        'comments: Mapped[list[Comment]] = relationship(back_populates="post", ...)',
    ),
    (
        "Comment",
        "post",
        "Post",
        'post: Mapped[Post] = relationship(back_populates="comments", ...)',
    ),
    ("Comment", "author", "User", "author: Mapped[User] = relationship(...)"),
]


def test_relationships_refuse_to_load_lazily(kata, blog, engine, queries):
    """Post.author, Post.comments, Comment.post and Comment.author raise unless loaded."""
    for owner, name, target, expected in LAZY_RAISE:
        find_relationship(kata, owner, name, target, expected, CONFIGURE_HINT)
    objects = {"Post": (kata.Post, blog.post[0]), "Comment": (kata.Comment, blog.comment[1])}
    for owner, name, _, _ in LAZY_RAISE:
        model, row_id = objects[owner]
        with Session(engine) as session:
            loaded = session.get(model, row_id)
            with queries.during() as sent:
                try:
                    value = getattr(loaded, name)
                except InvalidRequestError as error:
                    assert "lazy='raise" in str(error), (
                        f"Reading {owner}.{name} on a {owner} loaded without loader options "
                        f"raised {type(error).__name__}: {error}; expected the lazy='raise' "
                        "refusal."
                    )
                    continue
        pytest.fail(
            f"Reading {owner}.{name} on a {owner} loaded without loader options (in a sync "
            f"Session) gave {_described(value)}"
            + (f", after the SELECT {sent[0]!r}" if sent else "")
            + '; expected an error. Declare it relationship(..., lazy="raise"): then a route '
            "that forgets its loader option fails at once, naming the attribute, instead of "
            "loading it behind your back (in a sync app: one SELECT per object; in an async "
            "one: MissingGreenlet).",
            pytrace=False,
        )


def test_both_sides_know_each_other(kata):
    """back_populates links Post.comments with Comment.post and User.posts with Post.author."""
    for owner, name, target, expected in LAZY_RAISE[:3]:
        find_relationship(kata, owner, name, target, expected, CONFIGURE_HINT)
    find_relationship(kata, "User", "posts", "Post", USER_POSTS, CONFIGURE_HINT)
    pairs = [  # (owner, collection, many-to-one on the other side)
        ("Post", "comments", "Comment", "post", ("post", "comments")),
        ("User", "posts", "Post", "author", ("author", "posts")),
    ]
    for one, collection, many, single, names in pairs:
        links = f"{one}.{collection} and {many}.{single} each say back_populates= the other {names}"
        parent, child = getattr(kata, one)(), getattr(kata, many)()
        getattr(parent, collection).append(child)
        got = getattr(child, single)
        assert got is parent, (
            f"After {one.lower()}.{collection}.append({many.lower()}), {many.lower()}.{single} is "
            f"{got!r}; expected the {one.lower()} it was appended to: {links}."
        )
        parent, child = getattr(kata, one)(), getattr(kata, many)()
        setattr(child, single, parent)
        got = getattr(parent, collection)
        assert got == [child], (
            f"After {many.lower()}.{single} = {one.lower()}, {one.lower()}.{collection} is "
            f"{got!r}; expected [{many.lower()}]: {links}."
        )


async def test_awaitable_attrs_loads_a_users_posts(kata, blog, async_session, queries):
    """`await user.awaitable_attrs.posts` loads a user's posts, oldest first, in one SELECT."""
    find_relationship(kata, "User", "posts", "Post", USER_POSTS, CONFIGURE_HINT)
    user = await async_session.get(kata.User, blog.user["ada"])
    if not hasattr(user, "awaitable_attrs"):
        pytest.fail(
            "A User has no awaitable_attrs: declare the base as "
            "class Base(AsyncAttrs, DeclarativeBase), so that every model gets it.",
            pytrace=False,
        )
    try:
        with queries.during() as sent:
            posts = await user.awaitable_attrs.posts
    except InvalidRequestError as error:
        pytest.fail(
            f"await user.awaitable_attrs.posts raised {type(error).__name__}: {error}. "
            "awaitable_attrs runs the relationship's lazy load inside an await, so User.posts "
            'must keep a lazy loader (the default, lazy="select"): lazy="raise" refuses that '
            "load too.",
            pytrace=False,
        )
    titles = [(post.id, post.title) for post in posts]
    expected = [(blog.post[0], "Hello"), (blog.post[2], "Quiet")]
    assert titles == expected, (
        f"await user.awaitable_attrs.posts for ada gave (id, title) {titles}; expected "
        f'{expected}, oldest first: relationship(back_populates="author", order_by=Post.id).'
    )
    assert len(sent) != 0, (
        "await user.awaitable_attrs.posts sent no statement: the posts were loaded with the user. "
        "Leave User.posts lazy (no lazy= on it): loaded on purpose where a route needs it, not "
        "with every user any query loads."
    )
    assert len(sent) == 1, (
        f"await user.awaitable_attrs.posts sent {len(sent)} statements; expected 1, the posts "
        f'alone: {sent}. Something eager on the model loads more with them (lazy="selectin" or '
        '"joined" on Post\'s relationships): declare those lazy="raise".'
    )


# --- The routes ----------------------------------------------------------------------------------


async def test_posts_with_authors_and_comments(app_client, blog, engine):
    """GET /posts answers every post, newest first, with its author and its comments."""
    got = (await call(app_client, "GET", "/posts", 200)).json()
    assert_answer("GET /posts", got, expected_posts(engine))


@pytest.mark.compare_sql
async def test_twenty_posts_cost_three_statements(app_client, twenty_posts, queries):
    """GET /posts with 20 posts, their authors and 30 comments sends at most 3 statements."""
    action = "GET /posts, listing 20 posts with their authors and comments,"
    with queries.budget(3, action):
        got = (await call(app_client, "GET", "/posts", 200)).json()
    assert_answer("GET /posts", got, twenty_posts.expected)


async def test_one_post(app_client, blog, engine, queries):
    """GET /posts/{id} answers the post with its thread in at most 3 statements, or 404."""
    for number in (1, 3, 2):  # three comments, none, two
        post_id = blog.post[number - 1]
        with queries.budget(3, f"GET /posts/{post_id}"):
            got = (await call(app_client, "GET", f"/posts/{post_id}", 200)).json()
        assert_answer(f"GET /posts/{post_id}", got, expected_post(engine, post_id))
    await call(app_client, "GET", f"/posts/{MISSING}", 404)


async def test_a_user_with_posts(app_client, blog, engine, queries):
    """GET /users/{id} answers the user with their posts in at most 3 statements, or 404."""
    for name in ("ada", "cat"):
        user_id = blog.user[name]
        with queries.budget(3, f"GET /users/{user_id} (the user, then their posts)"):
            got = (await call(app_client, "GET", f"/users/{user_id}", 200)).json()
        assert_answer(f"GET /users/{user_id}", got, expected_user(engine, user_id))
    await call(app_client, "GET", f"/users/{MISSING}", 404)


HOSTILE = "O'Hara says: 100% \\ sure'; --"


async def test_add_a_comment(app_client, blog, engine, queries):
    """POST /posts/{id}/comments stores the comment and answers the whole post, new comment last."""
    quiet, hello = blog.post[2], blog.post[0]
    before = comment_rows(engine)
    plan = [
        (quiet, "dan", HOSTILE),  # a post with no comments yet, by a user new to the post
        (quiet, "ada", "Second on the quiet post"),  # ada wrote it: her own post
        (hello, "cat", "Again, agreed"),  # a post with comments, cat among them
    ]
    added = []
    for post_id, name, text_ in plan:
        path = f"/posts/{post_id}/comments"
        body = {"author_id": blog.user[name], "body": text_}
        got = (await call(app_client, "POST", path, 201, body)).json()
        expected = expected_post(engine, post_id)
        assert_answer(f"POST {path} with {json.dumps(body)}", got, expected, NEW_COMMENT_HINT)
        newest = expected["comments"][-1]
        assert (newest["author"]["username"], newest["body"]) == (name, text_), (
            f"After POST {path} with {json.dumps(body)}, the post's newest comment in the "
            f"database is {newest}; expected {name}'s, with that body."
        )
        added.append((newest["id"], post_id, blog.user[name], text_))
    stored = comment_rows(engine)
    assert stored == before + added, (
        f"After three POSTs of a comment, the comment table holds {stored}; expected the six "
        f"seeded comments unchanged and the three new ones: {added}."
    )
    sent = queries.parameters(r"^INSERT INTO comment")
    assert any(HOSTILE in values for values in sent), (
        f"The INSERTs into comment carried the values {sent}; expected the body {HOSTILE!r} "
        "among them, as a bound parameter (the ORM binds every value it writes)."
    )


async def test_a_comment_on_nothing_is_404(app_client, blog, engine):
    """POST /posts/{id}/comments answers 404 and writes nothing for a missing post or user."""
    before = comment_rows(engine)
    await call(
        app_client,
        "POST",
        f"/posts/{MISSING}/comments",
        404,
        {"author_id": blog.user["cat"], "body": "Lost"},
    )
    await call(
        app_client,
        "POST",
        f"/posts/{blog.post[1]}/comments",
        404,
        {"author_id": MISSING, "body": "Nobody"},
    )
    stored = comment_rows(engine)
    assert stored == before, (
        f"After two POSTs answered 404, the comment table holds {stored}; expected it unchanged: "
        "check that the post and the user exist before adding the comment."
    )
    got = (await call(app_client, "GET", f"/posts/{blog.post[1]}", 200)).json()
    assert_answer(f"GET /posts/{blog.post[1]}", got, expected_post(engine, blog.post[1]))


async def test_under_uvicorn(live_server, engine):
    """Under a real uvicorn: the list, a user, a new comment; the rows land in the database."""
    async with live_server.client() as client:
        await call(client, "GET", "/posts", 200, server=live_server)  # started: tables exist
        seeded = seed(
            engine,
            ["ada", "bob"],
            [("ada", "Served"), ("bob", "Also served")],
            [(1, "bob", "Fast"), (2, "ada", "Indeed")],
        )
        got = (await call(client, "GET", "/posts", 200, server=live_server)).json()
        assert_answer("Under uvicorn, GET /posts", got, expected_posts(engine))
        path = f"/posts/{seeded.post[0]}/comments"
        body = {"author_id": seeded.user["ada"], "body": "Thanks, bob"}
        got = (await call(client, "POST", path, 201, body, live_server)).json()
        expected = expected_post(engine, seeded.post[0])
        assert_answer(f"Under uvicorn, POST {path}", got, expected, NEW_COMMENT_HINT)
        user_path = f"/users/{seeded.user['ada']}"
        got = (await call(client, "GET", user_path, 200, server=live_server)).json()
        assert_answer(
            f"Under uvicorn, GET {user_path}", got, expected_user(engine, seeded.user["ada"])
        )
    stored = [row[1:] for row in comment_rows(engine)]
    expected = [
        (seeded.post[0], seeded.user["bob"], "Fast"),
        (seeded.post[1], seeded.user["ada"], "Indeed"),
        (seeded.post[0], seeded.user["ada"], "Thanks, bob"),
    ]
    assert stored == expected, (
        f"After the server answered, the comment table holds (post_id, author_id, body) "
        f"{stored}; expected {expected}."
    )
