"""Checks for kata 2.7 — joins across relationships."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from checker.plugin.compare import assert_rows_match

# Inserted in this (not alphabetical) order. annie's name contains ann's, and LIKE's _ in b_b
# matches the o of bob: only an exact match tells them apart. (All lower case: Postgres's
# collation may sort capitals differently from SQLite's.)
USERS = ["cat", "ann", "fay", "bob", "eve", "dan", "annie", "b_b"]

# (title, author, [commenters, in order]), inserted in this order: posts with equal comment counts
# go in against the alphabet, so only an ORDER BY on the title puts them right (a user's
# commented posts, and the users who commented on their own posts, also come in id order against
# the alphabet). ann comments twice on her own post, cat once on hers, bob twice on ann's; ann
# wrote two posts titled "Fixtures" (one commented on, one not), so grouping by title merges
# them; eve's post is commented on, never by her; dan, fay, annie and b_b only comment.
POSTS = [
    ("Window functions", "cat", []),
    ("Eager loading", "cat", ["dan", "fay", "cat", "bob"]),
    ("Migrations", "bob", ["annie"]),
    ("Async sessions", "ann", ["bob", "cat", "ann", "ann"]),
    ("Fixtures", "ann", []),
    ("Bulk inserts", "ann", ["bob", "bob"]),
    ("Cascades", "bob", ["ann", "dan", "bob"]),
    ("Dataclasses", "bob", []),
    ("Fixtures", "ann", ["b_b"]),
    ("Generics", "eve", ["annie"]),
]

COMMENT_COUNTS = [
    ("Async sessions", 4),
    ("Eager loading", 4),
    ("Cascades", 3),
    ("Bulk inserts", 2),
    ("Fixtures", 1),
    ("Generics", 1),
    ("Migrations", 1),
    ("Dataclasses", 0),
    ("Fixtures", 0),
    ("Window functions", 0),
]

AUTHOR_STATS = [
    ("ann", 4, 7),
    ("annie", 0, 0),
    ("b_b", 0, 0),
    ("bob", 3, 4),
    ("cat", 2, 4),
    ("dan", 0, 0),
    ("eve", 1, 1),
    ("fay", 0, 0),
]
WITHOUT_POSTS = ["annie", "b_b", "dan", "fay"]


@pytest.fixture
def seeded(kata, engine) -> None:
    """The kata's tables with USERS, POSTS and their comments committed."""
    kata.Base.metadata.create_all(engine)
    with Session(engine) as setup, setup.begin():
        users = {name: kata.User(username=name) for name in USERS}
        setup.add_all(users.values())
        setup.flush()
        for title, author, commenters in POSTS:
            post = kata.Post(title=title, author_id=users[author].id)
            setup.add(post)
            setup.flush()
            setup.add_all(
                kata.Comment(post_id=post.id, author_id=users[name].id, body=f"{name} on {title}")
                for name in commenters
            )
        setup.flush()


def _rows(got) -> list[tuple]:
    return [tuple(row) for row in got]


def test_comment_counts(kata, seeded, session):
    """comment_counts gives every post's number of comments, most first, ties by title."""
    got = _rows(kata.comment_counts(session))
    fixtures = sorted(count for title, count in got if title == "Fixtures")
    assert len(fixtures) == 2, (
        f"comment_counts(session) has {len(fixtures)} row(s) for 'Fixtures' ({fixtures!r}); "
        "expected 2: ann wrote two posts with that title, one with a comment and one without. "
        "Group by the post (Post.id), not by its title: two posts can share a title."
    )
    assert_rows_match(got, COMMENT_COUNTS, ordered=True, what="comment_counts(session)")


def test_comment_counts_keeps_posts_without_comments(kata, seeded, session):
    """Posts nobody commented on are in comment_counts with 0."""
    got = dict(_rows(kata.comment_counts(session)))
    for title in ("Dataclasses", "Window functions"):
        assert title in got, (
            f"comment_counts(session) has no row for {title!r}, a post without comments; expected "
            f"({title!r}, 0). An inner join (.join) keeps only posts that have a matching comment; "
            ".outerjoin(Post.comments) keeps every post, with NULL comment columns when there are "
            "none."
        )
        assert got[title] == 0, (
            f"comment_counts(session) gave {title!r}, a post without comments, {got[title]!r}; "
            "expected 0. After an outer join, a post without comments is one row with NULLs: "
            "count(*) counts that row (1); func.count(Comment.id) counts non-NULL comment ids (0)."
        )


def test_author_stats(kata, seeded, session):
    """author_stats gives (username, posts written, comments received) for every user, by name."""
    got = _rows(kata.author_stats(session))
    assert_rows_match(got, AUTHOR_STATS, ordered=True, what="author_stats(session)")


def test_author_stats_counts_posts_once(kata, seeded, session):
    """Joining comments does not inflate the number of posts (ann wrote 3, not one per comment)."""
    got = {row[0]: tuple(row) for row in kata.author_stats(session)}
    ann = got.get("ann")
    assert ann is not None, (
        f"author_stats(session) returned {list(got.values())!r}; expected a row for 'ann'."
    )
    assert ann[1] <= 4, (
        f"author_stats(session) says ann wrote {ann[1]!r} posts; expected 4. Joining users to "
        "posts to comments gives one row per comment (her post with 4 comments appears 4 times), "
        "so count(Post.id) counts comments. Count each post once: func.count(distinct(Post.id)) — "
        "or count the posts and the comments in separate subqueries."
    )
    assert ann[1] == 4, (
        f"author_stats(session) says ann wrote {ann[1]!r} posts; expected 4: two of them without "
        "comments, and two titled 'Fixtures'. An inner .join(Post.comments) drops the posts "
        "nobody commented on (outer-join every step: .outerjoin(User.posts)"
        ".outerjoin(Post.comments)), and count(distinct(Post.title)) counts her two 'Fixtures' "
        "once (count the ids: func.count(distinct(Post.id)))."
    )
    for name in WITHOUT_POSTS:
        assert got.get(name) == (name, 0, 0), (
            f"author_stats(session) gave {name!r} {got.get(name)!r}; expected ({name!r}, 0, 0): "
            "every user has a row, so join from User with outer joins and count ids, not rows."
        )


@pytest.mark.parametrize(
    "username, expected",
    [
        ("bob", ["Async sessions", "Bulk inserts", "Cascades", "Eager loading"]),
        ("ann", ["Async sessions", "Cascades"]),
        ("cat", ["Async sessions", "Eager loading"]),
        ("fay", ["Eager loading"]),
        ("b_b", ["Fixtures"]),
    ],
    ids=["bob", "ann", "cat", "fay", "b_b"],
)
def test_posts_with_comments_by(kata, seeded, session, username, expected):
    """posts_with_comments_by lists the posts a user commented on, each once, alphabetically;
    the user is matched exactly (annie is not ann, bob is not b_b)."""
    got = kata.posts_with_comments_by(session, username)
    others = {
        title
        for title, _, commenters in POSTS
        for name in commenters
        if name != username and title not in expected
    }
    wrong = sorted(set(got) & others)
    assert not wrong, (
        f"posts_with_comments_by(session, {username!r}) returned {list(got)!r}, with posts only "
        f"others commented on: {wrong!r}. The users are {USERS!r}: compare User.username == "
        "username (contains(), LIKE and startswith() also match annie for ann, and LIKE's _ "
        "matches bob for b_b)."
    )
    assert_rows_match(
        got, expected, ordered=True, what=f"posts_with_comments_by(session, {username!r})"
    )


def test_posts_with_comments_by_nobody(kata, seeded, session):
    """A user who never commented, or no such user, gives an empty list."""
    for username in ("eve", "zed", "an"):
        got = kata.posts_with_comments_by(session, username)
        assert list(got) == [], (
            f"posts_with_comments_by(session, {username!r}) returned {got!r}; expected [] "
            f"({username!r} wrote no comments; the users are {USERS!r})."
        )


def _no_natural_order(session) -> None:
    """Keep the database from returning rows sorted by accident when a query has no ORDER BY:
    SQLite reads unordered SELECTs backwards, and Postgres removes duplicates (DISTINCT, GROUP BY)
    by hashing rather than by sorting on the very column the task wants the rows in."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA reverse_unordered_selects = ON"))
    else:
        session.execute(text("SET LOCAL enable_sort = off"))


def test_authors_who_commented_on_own_posts(kata, seeded, session):
    """Only users who commented on a post they wrote themselves are listed, each once."""
    _no_natural_order(session)
    got = kata.authors_who_commented_on_own_posts(session)
    assert_rows_match(
        got, ["ann", "bob", "cat"], ordered=True, what="authors_who_commented_on_own_posts(session)"
    )


def test_users_without_posts(kata, seeded, session):
    """users_without_posts lists the users who wrote no posts, including those who only comment."""
    got = kata.users_without_posts(session)
    assert_rows_match(got, WITHOUT_POSTS, ordered=True, what="users_without_posts(session)")


def test_users_without_posts_follows_the_data(kata, seeded, session):
    """Once dan writes a post, he is no longer without posts."""
    dan = session.scalar(select(kata.User.id).where(kata.User.username == "dan"))
    session.add(kata.Post(title="Dan's first", author_id=dan))
    session.flush()
    got = kata.users_without_posts(session)
    assert_rows_match(
        got,
        [name for name in WITHOUT_POSTS if name != "dan"],
        ordered=True,
        what="users_without_posts(session) after dan posted",
    )


QUERY_CALLS = {
    "comment_counts": (lambda kata, s: kata.comment_counts(s), 1),
    "author_stats": (lambda kata, s: kata.author_stats(s), 1),
    "posts_with_comments_by": (lambda kata, s: kata.posts_with_comments_by(s, "bob"), 2),
    "authors_who_commented_on_own_posts": (
        lambda kata, s: kata.authors_who_commented_on_own_posts(s),
        1,
    ),
    "users_without_posts": (lambda kata, s: kata.users_without_posts(s), 1),
}


@pytest.mark.compare_sql
@pytest.mark.parametrize("function", list(QUERY_CALLS))
def test_answered_by_the_database(kata, seeded, session, queries, function):
    """Each question is answered by the database in one query, not by a loop over lazy loads."""
    call, limit = QUERY_CALLS[function]
    with queries.budget(
        limit,
        f"{function}(session{', ' + repr('bob') if function == 'posts_with_comments_by' else ''})",
    ):
        call(kata, session)
