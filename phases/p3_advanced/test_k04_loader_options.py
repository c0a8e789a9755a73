"""Checks for kata 3.4 — loader options: contains_eager, joinedload, selectinload, load_only."""

import re

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session, selectinload

from checker.plugin.compare import assert_rows_match

# Inserted in neither username nor id order; two users (bob, cy) have no posts and zed only drafts.
USERS = ["mia", "ann", "zed", "bob", "anna", "cy"]

# (author, title, published), inserted in this order, so ids follow it. Each author's titles are
# in a different order by title than by id, so a collection in the wrong order shows.
POSTS = [
    ("mia", "Python tips", True),
    ("ann", "Zen of SQL", True),
    ("mia", "Draft: ideas", False),
    ("anna", "Joins", True),
    ("zed", "Unfinished", False),
    ("mia", "Async in practice", True),
    ("ann", "Alembic notes", False),
    ("anna", "Indexes", True),
    ("mia", "Caching", True),
    ("anna", "B-trees", False),
    ("anna", "Aliases", True),
]

# (post title, comment body), inserted in this order. The newest posts have several comments, so a
# LIMIT that counts joined rows instead of posts returns too few posts.
COMMENTS = [
    ("Aliases", "first on aliases"),
    ("Caching", "first on caching"),
    ("Python tips", "first on tips"),
    ("Aliases", "second on aliases"),
    ("Async in practice", "first on async"),
    ("Indexes", "first on indexes"),
    ("Caching", "second on caching"),
    ("Aliases", "third on aliases"),
    ("Async in practice", "second on async"),
]

SELECT_LIST = re.compile(r"^\s*SELECT\s(.*?)\sFROM\s", re.IGNORECASE | re.DOTALL)


def _titles_of(author: str, *, published_only: bool, by_title: bool) -> tuple[str, ...]:
    titles = [t for a, t, pub in POSTS if a == author and (pub or not published_only)]
    return tuple(sorted(titles) if by_title else titles)


def _comments_of(title: str) -> tuple[str, ...]:
    return tuple(body for t, body in COMMENTS if t == title)


@pytest.fixture
def seeded(kata, engine) -> None:
    """The kata's tables with USERS, POSTS and COMMENTS, committed."""
    kata.Base.metadata.create_all(engine)
    with Session(engine) as setup, setup.begin():
        users = {name: kata.User(username=name, email=f"{name}@example.com") for name in USERS}
        for name, user in users.items():
            user.bio = f"{name} writes about databases. " * 40
        setup.add_all(users.values())
        setup.flush()
        posts = {}
        for author, title, published in POSTS:
            post = kata.Post(
                author_id=users[author].id,
                title=title,
                body=f"The whole of {title!r}. " * 50,
                published=published,
            )
            setup.add(post)
            setup.flush()  # one at a time, so ids follow POSTS
            posts[title] = post.id
        for title, body in COMMENTS:
            setup.add(kata.Comment(post_id=posts[title], body=body))
            setup.flush()


def _users(got, call: str) -> list:
    if not isinstance(got, list | tuple):
        pytest.fail(f"{call} returned {got!r:.300}; expected a list of Users.", pytrace=False)
    return list(got)


def _user_rows(users: list) -> list[tuple]:
    """(username, (post titles, ...)) for each user, in the order returned."""
    return [(user.username, tuple(post.title for post in user.posts)) for user in users]


# --- 1. published_by_author: contains_eager on a filtered join --------------------------------


def test_published_by_author_holds_only_published_posts(kata, seeded, session):
    """published_by_author returns authors of published posts, each holding only those, by title."""
    users = _users(kata.published_by_author(session), "published_by_author(session)")
    expected = [
        (name, _titles_of(name, published_only=True, by_title=True))
        for name in sorted({a for a, _, pub in POSTS if pub})
    ]
    assert_rows_match(
        _user_rows(users), expected, ordered=True, what="published_by_author(session)"
    )


@pytest.mark.compare_sql
def test_published_by_author_one_statement(kata, seeded, session, queries):
    """published_by_author loads the users and their published posts in one statement."""
    with queries.budget(1, "published_by_author(session) and reading every user.posts"):
        users = kata.published_by_author(session)
        _user_rows(_users(users, "published_by_author(session)"))


def test_published_by_author_refills_loaded_collections(kata, seeded, session):
    """Users the session already holds with every post loaded come back with only the published."""
    # Another part of the app loaded everyone with every post, in this same session, and still
    # holds them.
    held = session.scalars(select(kata.User).options(selectinload(kata.User.posts))).all()
    users = _users(kata.published_by_author(session), "published_by_author(session)")
    for user in users:
        drafts = [post.title for post in user.posts if not post.published]
        assert not drafts, (
            f"After the session had loaded every user with all their posts, "
            f"published_by_author(session) returned {user.username!r} with the drafts {drafts!r} "
            "in user.posts; expected only the published posts. An object already in the session "
            "keeps the collection it has: the rows your query returned were ignored for it. Ask "
            "for them to be used with .execution_options(populate_existing=True) on the statement."
        )
    del held  # referenced until here: the session forgets objects nobody holds


def test_published_by_author_called_twice(kata, seeded, session):
    """A second call in the same session returns the same users and collections."""
    first = _user_rows(_users(kata.published_by_author(session), "published_by_author(session)"))
    second = _user_rows(_users(kata.published_by_author(session), "published_by_author(session)"))
    assert_rows_match(
        second, first, ordered=True, what="published_by_author(session), called a second time"
    )


# --- 2. everyone_with_posts: joinedload on a collection ----------------------------------------


def test_everyone_with_posts_rows(kata, seeded, session):
    """everyone_with_posts returns every user by username, posts in id order, [] for none."""
    users = _users(kata.everyone_with_posts(session), "everyone_with_posts(session)")
    expected = [
        (name, _titles_of(name, published_only=False, by_title=False)) for name in sorted(USERS)
    ]
    assert_rows_match(
        _user_rows(users), expected, ordered=True, what="everyone_with_posts(session)"
    )


@pytest.mark.compare_sql
def test_everyone_with_posts_one_statement(kata, seeded, session, queries):
    """everyone_with_posts loads users and posts in ONE statement (a joined eager load)."""
    with queries.budget(1, "everyone_with_posts(session) and reading every user.posts"):
        users = kata.everyone_with_posts(session)
        _user_rows(_users(users, "everyone_with_posts(session)"))


# --- 3. latest_posts: a LIMIT and a collection ------------------------------------------------


@pytest.mark.parametrize("limit", [3, 5, 50])
def test_latest_posts_rows(kata, seeded, session, limit):
    """latest_posts(limit) returns that many newest posts, newest first, each with its comments."""
    call = f"latest_posts(session, {limit})"
    posts = kata.latest_posts(session, limit)
    if not isinstance(posts, list | tuple):
        pytest.fail(f"{call} returned {posts!r:.300}; expected a list of Posts.", pytrace=False)
    got = [(post.title, tuple(c.body for c in post.comments)) for post in posts]
    newest = [title for _, title, _ in reversed(POSTS)][:limit]
    expected = [(title, _comments_of(title)) for title in newest]
    assert_rows_match(got, expected, ordered=True, what=call)


def test_latest_posts_loads_only_what_it_returns(kata, seeded, session):
    """latest_posts(session, 3) builds 3 posts and their comments: the LIMIT is in the SQL."""
    built: dict[str, int] = {"Post": 0, "Comment": 0}

    def count(target, _context) -> None:
        built[type(target).__name__] += 1

    # `load` fires once for each object built from a row the database sent back.
    event.listen(kata.Post, "load", count)
    event.listen(kata.Comment, "load", count)
    try:
        posts = kata.latest_posts(session, 3)
    finally:
        event.remove(kata.Post, "load", count)
        event.remove(kata.Comment, "load", count)
    newest = [title for _, title, _ in reversed(POSTS)][:3]
    expected = {"Post": 3, "Comment": sum(len(_comments_of(title)) for title in newest)}
    assert built == expected, (
        f"latest_posts(session, 3) returned {len(posts)} posts but built {built['Post']} Post "
        f"and {built['Comment']} Comment objects from the rows it fetched; expected {expected}. "
        "Fetching every post and slicing the list in Python reads the whole table: put the "
        "LIMIT in the query (.limit(limit)), on the posts' own SELECT."
    )


@pytest.mark.compare_sql
def test_latest_posts_statement_budget(kata, seeded, session, queries):
    """latest_posts(session, 5) and reading each post's comments send at most 2 statements."""
    with queries.budget(2, "latest_posts(session, 5) and reading each post.comments"):
        posts = kata.latest_posts(session, 5)
        [[comment.body for comment in post.comments] for post in posts]


# --- 4. headlines: load_only, defer and raiseload ------------------------------------------------


@pytest.mark.compare_sql
def test_headlines_rows_in_one_statement(kata, seeded, session, queries):
    """headlines: published posts newest first, title and author (name, email), in 1 statement."""
    with queries.budget(1, "headlines(session) and reading each title, author username and email"):
        posts = kata.headlines(session)
        if not isinstance(posts, list | tuple):
            pytest.fail(
                f"headlines(session) returned {posts!r:.300}; expected a list of Posts.",
                pytrace=False,
            )
        try:
            got = [(post.title, post.author.username, post.author.email) for post in posts]
        except InvalidRequestError as exc:
            pytest.fail(
                "Reading post.title, post.author.username and post.author.email on the posts "
                f"from headlines(session) raised {type(exc).__name__}: {exc}\nThose must be "
                "loaded: the title of the post (load_only(Post.title, ...)) and every column of "
                "the author but the bio (defer(User.bio, ...) on the author's loader, not "
                "load_only).",
                pytrace=False,
            )
    expected = [(title, a, f"{a}@example.com") for a, title, pub in reversed(POSTS) if pub]
    assert_rows_match(got, expected, ordered=True, what="headlines(session)")


def test_headlines_select_no_big_columns(kata, seeded, session, queries):
    """The SELECT list of headlines has neither post.body nor user_account.bio."""
    with queries.during() as sent:
        kata.headlines(session)
    for sql in sent:
        found = SELECT_LIST.match(sql)
        selected = found[1] if found else sql
        big = [name for name in ("body", "bio") if re.search(rf"\b{name}\b", selected)]
        assert not big, (
            f"headlines(session) sent {sql!r:.400}, which selects the column(s) {big}; expected "
            "neither post.body nor user_account.bio in the SELECT list. load_only(Post.title) on "
            "the post and defer(User.bio) on the author leave them out."
        )


@pytest.mark.parametrize(
    ("path", "what"),
    [
        (("body",), "post.body"),
        (("published",), "post.published"),
        (("author_id",), "post.author_id"),
        (("author", "bio"), "post.author.bio"),
    ],
)
def test_headlines_unloaded_columns_raise(kata, seeded, session, queries, path, what):
    """A column headlines did not load raises when touched, and sends no query."""
    posts = kata.headlines(session)
    assert posts, "headlines(session) returned no posts; expected the 7 published ones."
    post = posts[0]
    raised = None
    with queries.during() as sent:
        try:
            value = post
            for name in path:
                value = getattr(value, name)
        except InvalidRequestError as exc:
            raised = exc
    if raised is None:
        how = (
            f"it sent {sent[0]!r:.200} to load it lazily"
            if sent
            else "it had been loaded with the post"
        )
        pytest.fail(
            f"Reading {what} on a post from headlines(session) returned {value!r:.80}, and {how}. "
            "Expected an error: headlines loads only the post's title and the author without "
            "the bio, and raiseload=True (load_only(..., raiseload=True), defer(..., "
            "raiseload=True)) makes every column left out raise instead of sending a query.",
            pytrace=False,
        )
    assert not sent, f"Reading {what} sent {sent!r:.300} before raising; expected no SQL."
