"""Checks for kata 3.6 — custom SQL inside the ORM: from_statement and a column_property."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Column, Engine, TextClause, TextualSelect, event, insert, inspect, select
from sqlalchemy.exc import DBAPIError, InvalidRequestError, SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState

from checker.plugin.compare import assert_rows_match

# Usernames that break SQL pasted together by hand, next to near misses that a LIKE, an ILIKE or
# a prefix match would also find ("50%_off" as a LIKE pattern matches "50 kg off"; SQLite's LIKE
# ignores case, so "ann" matches "Ann").
USERS = [
    (1, "ann"),
    (2, "anne"),
    (3, "Ann"),
    (4, "O'Brien"),
    (5, "back\\slash"),
    (6, "50%_off"),
    (7, "50 kg off"),
    (8, "x'; --"),
    (9, "quiet"),  # writes no posts
]
HOSTILE = ["O'Brien", "back\\slash", "50%_off", "x'; --"]
USER_ID = {name: user_id for user_id, name in USERS}

# (post id, author, title, number of comments). Inserted in this order, which is neither id
# order (either way) nor count order, so a missing ORDER BY or tie-breaker shows.
POSTS = [
    (14, "ann", "Indexes, part 2", 3),
    (3, "anne", "Why Postgres", 1),
    (9, "ann", "Indexes, part 1", 0),
    (21, "Ann", "Capital letters", 2),
    (5, "O'Brien", "It's a trap", 4),
    (17, "back\\slash", "Escaping \\n", 0),
    (2, "50%_off", "Sale", 2),
    (11, "50 kg off", "Diet", 1),
    (8, "x'; --", "Bobby tables", 3),
    (20, "ann", "Indexes, part 3", 1),
    (6, "O'Brien", "Irish names", 0),
    (12, "x'; --", "Little Bobby", 0),
    (1, "back\\slash", "Raw strings", 5),
    (15, "50%_off", "Clearance", 0),
]
COUNT = {post_id: comments for post_id, _, _, comments in POSTS}
TITLE = {post_id: title for post_id, _, title, _ in POSTS}


def _rows_of(author: str) -> list[tuple[int, str, int]]:
    """(id, title, comment_count) of `author`'s posts, newest (highest id) first."""
    return sorted(((pid, title, n) for pid, who, title, n in POSTS if who == author), reverse=True)


def _popular(at_least: int) -> list[tuple[int, str, int]]:
    rows = [(pid, title, n) for pid, _, title, n in POSTS if n >= at_least]
    return sorted(rows, key=lambda row: (-row[2], -row[0]))


@pytest.fixture
def seeded(kata, engine: Engine) -> Engine:
    """The kata's tables holding USERS, POSTS and each post's comments, committed."""
    try:
        kata.Base.metadata.create_all(engine)
    except SQLAlchemyError as exc:
        pytest.fail(
            f"The kata's models do not create their tables: {type(exc).__name__}: {exc}",
            pytrace=False,
        )
    tables = kata.Base.metadata.tables
    comments = []
    for post_id, _, _, count in POSTS:
        for n in range(count):
            # Comments written by users in rotation, so every user comments on others' posts.
            author = USERS[(post_id + n) % len(USERS)][0]
            comments.append({"post_id": post_id, "author_id": author, "body": f"#{n} on {post_id}"})
    with engine.begin() as setup:
        setup.execute(insert(tables["user_account"]), [{"id": i, "username": u} for i, u in USERS])
        setup.execute(
            insert(tables["post"]),
            [{"id": p, "author_id": USER_ID[a], "title": t} for p, a, t, _ in POSTS],
        )
        setup.execute(insert(tables["comment"]), comments)
    return engine


def _comment_count_attr(kata) -> Any:
    """Post.comment_count's mapped property, or a failure saying what is missing."""
    try:
        attrs = inspect(kata.Post).column_attrs
    except SQLAlchemyError as exc:
        pytest.fail(f"The models do not map: {type(exc).__name__}: {exc}", pytrace=False)
    if "comment_count" not in attrs and hasattr(kata.Post, "comment_count"):
        pytest.fail(
            f"Post.comment_count is {kata.Post.__dict__.get('comment_count')!r:.80}, a plain "
            "Python attribute, not a mapped one: Python computes it, after loading whatever it "
            "reads, and where()/order_by() cannot use it. Make it a column_property, so the "
            "database computes it in the post's own SELECT.",
            pytrace=False,
        )
    if "comment_count" not in attrs:
        pytest.fail(
            "Post has no mapped attribute comment_count. Add it in Post's class body: "
            "comment_count: Mapped[int] = column_property(<a SELECT counting this post's "
            "comments>.scalar_subquery()).",
            pytrace=False,
        )
    return attrs["comment_count"]


def _counts_of(posts: Any, call: str, post_cls: type) -> list[tuple[int, str, int]]:
    """(id, title, comment_count) of each Post returned by `call`."""
    rows = []
    for post in posts:
        assert isinstance(post, post_cls), (
            f"{call} returned {post!r:.200} among its results; expected Post objects (the ORM "
            "entity, not a row): select(Post).from_statement(...) with session.scalars()."
        )
        rows.append((post.id, post.title, post.comment_count))
    return rows


def _call(call: str, function: Callable[..., Any], *args: Any) -> Any:
    """Run the learner's function, turning the two typical failures of textual SQL into advice."""
    try:
        return function(*args)
    except DBAPIError as error:
        reason = f"{type(error.orig).__name__}: {str(error.orig).strip()}"
        pytest.fail(
            f"{call} made the database raise {reason}\nIf the value was pasted into the SQL "
            "text, its quote ended the SQL string early: write :username in the text() and pass "
            "{'username': username} to session.scalars() (or bind it with .bindparams()).",
            pytrace=False,
        )
    except NotImplementedError as error:
        frames = error.__traceback__
        while frames is not None and frames.tb_next is not None:
            frames = frames.tb_next
        if frames is None or "sqlalchemy" not in frames.tb_frame.f_code.co_filename:
            raise  # the learner's own `raise NotImplementedError`: the part is not written yet
        pytest.fail(
            f"{call}: SQLAlchemy raised NotImplementedError while matching your text()'s columns "
            "to Post. That happens when .columns(...) names some of Post's attributes but not "
            "comment_count: name all of them, comment_count included, in the order your SELECT "
            "returns them (.columns(Post.id, Post.author_id, Post.title, Post.comment_count)).",
            pytrace=False,
        )


# --- 1. Post.comment_count -------------------------------------------------------------------


def test_comment_count_is_a_column_property(kata):
    """Post.comment_count is a column_property computed by a SQL expression, not a stored column."""
    prop = _comment_count_attr(kata)
    stored = [c for c in prop.columns if isinstance(c, Column)]
    assert not stored, (
        f"Post.comment_count is mapped to the column {stored[0]!r} of a table: a stored number, "
        "which nothing keeps up to date when comments are added. Compute it: "
        "column_property(select(func.count(Comment.id)).where(Comment.post_id == id)"
        ".correlate_except(Comment).scalar_subquery())."
    )


def test_comment_count_values(kata, seeded, session):
    """Every post's comment_count is its number of comments, 0 for a post nobody commented on."""
    _comment_count_attr(kata)
    posts = session.scalars(select(kata.Post).order_by(kata.Post.id))
    got = _counts_of(posts, "select(Post)", kata.Post)
    expected = sorted((pid, title, n) for pid, _, title, n in POSTS)
    assert_rows_match(got, expected, ordered=True, what="(id, title, comment_count) of every post")


@pytest.mark.compare_sql
def test_comment_count_loads_with_the_post(kata, seeded, session, queries):
    """Loading 14 posts and reading their comment_count sends one statement; session.get one."""
    _comment_count_attr(kata)
    with queries.during() as sent:
        posts = session.scalars(select(kata.Post)).all()
        counts = {post.id: post.comment_count for post in posts}
    assert counts == COUNT, f"The posts' comment_count read {counts}; expected {COUNT}."
    assert len(sent) == 1, (
        f"Loading every post with select(Post) and reading each one's comment_count sent "
        f"{len(sent)} statements; expected 1. What was sent:\n  " + "\n  ".join(sent[:4]) + "\n"
        "A column_property is part of the post's own SELECT unless it is deferred; a Python "
        "@property that counts post.comments loads the comments of every post separately."
    )
    session.expunge_all()
    with queries.during() as sent:
        post = session.get(kata.Post, 5)
        count = post.comment_count if post is not None else None
    assert count == COUNT[5] and len(sent) == 1, (
        f"session.get(Post, 5).comment_count read {count!r} after {len(sent)} statements "
        f"({sent}); expected {COUNT[5]} after one SELECT."
    )


def test_comment_count_in_a_query_that_joins_comment(kata, seeded, session):
    """comment_count stays the post's full count in a query that joins the comment table too."""
    _comment_count_attr(kata)
    post, comment = kata.Post, kata.Comment
    reader = USER_ID["quiet"]
    stmt = select(post).join(comment, comment.post_id == post.id).where(comment.author_id == reader)
    try:
        got = {p.id: p.comment_count for p in session.scalars(stmt)}
    except InvalidRequestError as exc:
        pytest.fail(
            "select(Post).join(Comment, Comment.post_id == Post.id).where(...) failed: "
            f"{exc}\nBoth post and comment are in that query's FROM, so the subquery, left to "
            "correlate automatically, takes both from the enclosing query and has no table left "
            "to count. Say which table it counts: .correlate_except(Comment).",
            pytrace=False,
        )
    commented = {p for p, _, _, n in POSTS for k in range(n) if (p + k) % len(USERS) == 8}
    expected = {p: COUNT[p] for p in commented}
    assert got == expected, (
        f"Posts commented on by 'quiet', with their comment_count, read {got}; expected "
        f"{expected}: the count of all the post's comments, whatever the query joins."
    )


# --- 2. posts_by_author ----------------------------------------------------------------------


def _posts_by(kata, session, username: str) -> list[tuple[int, str, int]]:
    call = f"posts_by_author(session, {username!r})"
    posts = _call(call, kata.posts_by_author, session, username)
    return _counts_of(posts, call, kata.Post)


def test_posts_by_author_finds_exactly_that_user(kata, seeded, session):
    """posts_by_author(session, 'ann') returns ann's posts newest first, not anne's nor Ann's."""
    got = _posts_by(kata, session, "ann")
    assert_rows_match(
        got,
        _rows_of("ann"),
        ordered=True,
        what="(id, title, comment_count) of posts_by_author(session, 'ann')",
    )


def test_posts_by_author_unknown_user(kata, seeded, session):
    """posts_by_author returns [] for a username nobody has, and for a user without posts."""
    for name in ("nobody", "quiet"):
        got = _posts_by(kata, session, name)
        assert got == [], f"posts_by_author(session, {name!r}) returned {got}; expected []."


@pytest.mark.parametrize("username", HOSTILE)
def test_posts_by_author_hostile_names(kata, seeded, session, username):
    """Quotes, backslashes, % and _ and a comment marker in a username are just data."""
    got = _posts_by(kata, session, username)
    assert_rows_match(
        got,
        _rows_of(username),
        ordered=True,
        what=f"(id, title, comment_count) of posts_by_author(session, {username!r})",
    )


def test_posts_by_author_binds_the_username(kata, seeded, session, queries):
    """The username reaches the driver as a parameter, and is nowhere in the SQL text."""
    name = "O'Brien"
    _posts_by(kata, session, name)
    sent = list(zip(queries.matching("post"), queries.parameters("post"), strict=True))
    assert sent, f"posts_by_author(session, {name!r}) sent no SELECT on post."
    in_text = [sql for sql, _ in sent if "Brien" in sql]
    assert not in_text, (
        f"posts_by_author(session, {name!r}) sent the name inside the SQL text: {in_text[0]!r}. "
        "Quoting or escaping it yourself is not binding it: write :username in the text() and "
        "pass {'username': username} when you execute it."
    )
    bound = [params for _, params in sent if name in params]
    assert bound, (
        f"posts_by_author(session, {name!r}) sent {sent!r:.400}; expected the name among the "
        "parameters given to the driver (a :username placeholder with {'username': username})."
    )


def test_posts_by_author_uses_from_statement_on_text(kata, seeded, session):
    """posts_by_author runs textual SQL through select(Post).from_statement(text(...))."""
    seen: list[ORMExecuteState] = []

    def record(state: ORMExecuteState) -> None:
        seen.append(state)

    event.listen(session, "do_orm_execute", record)
    try:
        _posts_by(kata, session, "ann")
    finally:
        event.remove(session, "do_orm_execute", record)
    textual = [
        s
        for s in seen
        if s.is_from_statement
        and isinstance(getattr(s.statement, "element", None), TextClause | TextualSelect)
    ]
    ran = ", ".join(type(s.statement).__name__ for s in seen) or "nothing through the session"
    assert textual, (
        f"posts_by_author(session, 'ann') ran {ran}; expected your own SQL in a text() mapped "
        "to Post: session.scalars(select(Post).from_statement(text('SELECT ...')), "
        "{'username': username}). This kata is about SQL you write by hand; the ORM query "
        "comes back in task 3."
    )


@pytest.mark.compare_sql
def test_posts_by_author_one_statement(kata, seeded, session, queries):
    """posts_by_author and reading each post's comment_count send one statement in all."""
    with queries.during() as sent:
        got = _posts_by(kata, session, "ann")
    assert got == _rows_of("ann"), (
        f"posts_by_author(session, 'ann') gave (id, title, comment_count) {got}; expected "
        f"{_rows_of('ann')}."
    )
    assert len(sent) == 1, (
        f"posts_by_author(session, 'ann') and reading each post's comment_count sent {len(sent)} "
        "statements; expected 1. What was sent:\n  " + "\n  ".join(sent[:4]) + "\n"
        "from_statement fills only the attributes your SELECT returns, matched by name; "
        "comment_count was not among them, so each post loaded it with a SELECT of its own. "
        "Compute it in your SELECT and say which column is which: "
        "text(...).columns(Post.id, Post.author_id, Post.title, Post.comment_count), in the "
        "order of your SELECT list."
    )


# --- 3. popular_posts ------------------------------------------------------------------------


def _popular_of(kata, session, at_least: int) -> list[tuple[int, str, int]]:
    call = f"popular_posts(session, {at_least})"
    return _counts_of(_call(call, kata.popular_posts, session, at_least), call, kata.Post)


def test_popular_posts_order(kata, seeded, session):
    """popular_posts(session, 2): posts with 2+ comments, most first, equal counts newest first."""
    got = _popular_of(kata, session, 2)
    assert_rows_match(
        got,
        _popular(2),
        ordered=True,
        what="(id, title, comment_count) of popular_posts(session, 2)",
    )


def test_popular_posts_include_posts_without_comments(kata, seeded, session):
    """popular_posts(session, 0) lists every post, the uncommented ones last; 6 lists none."""
    got = _popular_of(kata, session, 0)
    assert_rows_match(
        got,
        _popular(0),
        ordered=True,
        what="(id, title, comment_count) of popular_posts(session, 0)",
    )
    none = _popular_of(kata, session, 6)
    assert none == [], f"popular_posts(session, 6) returned {none}; no post has 6 comments."


@pytest.mark.compare_sql
def test_popular_posts_one_statement(kata, seeded, session, queries):
    """popular_posts and reading the counts it returns send one statement."""
    with queries.budget(1, "popular_posts(session, 1) and reading each post's comment_count"):
        got = _popular_of(kata, session, 1)
    assert got == _popular(1), f"popular_posts(session, 1) gave {got}; expected {_popular(1)}."
