"""Checks for kata 1.9 — queries."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.orm import Session

START = datetime(2024, 1, 1, tzinfo=UTC)

# (username, is_active), inserted in this (not alphabetical) order.
USERS = [("carol", True), ("alice", True), ("dave", False), ("bob", True), ("erin", True)]

# (author, title, hours after START, views), inserted in this (not chronological) order.
# Three posts share hour 9 and two authors share a post count, so the tie-breaks matter.
POSTS = [
    ("alice", "a1", 5, 10),
    ("bob", "b1", 1, 3),
    ("alice", "a2", 9, 7),
    ("carol", "c1", 9, 0),
    ("alice", "a3", 2, 20),
    ("bob", "b2", 7, 5),
    ("carol", "c2", 3, 1),
    ("dave", "d1", 9, 2),
    ("alice", "a4", 4, 0),
    ("bob", "b3", 6, 4),
    ("carol", "c3", 8, 6),
]

# Newest first; equal times by the higher id first (d1, c1, a2 all at hour 9).
NEWEST_FIRST = ["d1", "c1", "a2", "c3", "b2", "b3", "a1", "a4", "c2", "a3", "b1"]


@pytest.fixture
def seeded(kata, engine) -> dict[str, int]:
    """The kata's tables with USERS and POSTS committed; returns {username: id}."""
    kata.Base.metadata.create_all(engine)
    with Session(engine) as setup, setup.begin():
        users = {
            name: kata.User(username=name, email=f"{name}@example.com", is_active=active)
            for name, active in USERS
        }
        setup.add_all(users.values())
        setup.flush()
        for author, title, hours, views in POSTS:
            setup.add(
                kata.Post(
                    author_id=users[author].id,
                    title=title,
                    created_at=START + timedelta(hours=hours),
                    views=views,
                )
            )
            setup.flush()  # one at a time, so ids follow the list order
        return {name: user.id for name, user in users.items()}


def test_active_usernames(kata, seeded, session):
    """active_usernames returns the active users' names as strings, alphabetically."""
    got = kata.active_usernames(session)
    assert isinstance(got, list) and all(isinstance(name, str) for name in got), (
        f"active_usernames(session) returned {got!r}; expected a list of str. "
        "select(User.username) with session.scalars(...).all() gives plain values; "
        "session.execute(...) gives Rows."
    )
    assert got == ["alice", "bob", "carol", "erin"], (
        f"active_usernames(session) returned {got!r}; expected ['alice', 'bob', 'carol', 'erin']: "
        "dave is inactive, and the database returns rows in no particular order unless you "
        "order_by(User.username)."
    )


def test_find_by_email(kata, seeded, session, queries):
    """find_by_email returns the User with that email in one query."""
    got = kata.find_by_email(session, "bob@example.com")
    assert isinstance(got, kata.User) and got.username == "bob", (
        f"find_by_email(session, 'bob@example.com') returned {got!r}; expected the User 'bob'."
    )
    assert len(queries.statements) == 1, (
        f"find_by_email sent {len(queries.statements)} statements: {queries.statements!r}; "
        "expected one SELECT with a WHERE on email."
    )


def test_find_by_email_missing_is_none(kata, seeded, session):
    """find_by_email returns None for an email nobody has."""
    try:
        got = kata.find_by_email(session, "nobody@example.com")
    except (NoResultFound, MultipleResultsFound) as exc:
        pytest.fail(
            f"find_by_email(session, 'nobody@example.com') raised {type(exc).__name__}: {exc}. "
            "Expected None: .one() raises when there is no row, .one_or_none() returns None.",
            pytrace=False,
        )
    assert got is None, (
        f"find_by_email(session, 'nobody@example.com') returned {got!r}; expected None."
    )


@pytest.mark.parametrize(
    ("email", "owner"),
    [
        ("a_n@example.com", "a_n"),
        ("ann@example.com", "ann"),
        ("%@example.com", None),
        ("bob@example", None),
        ("ob@example.com", None),
    ],
)
def test_find_by_email_matches_exactly(kata, seeded, session, email, owner):
    """Only the exact email matches: no wildcards, prefixes or substrings."""
    for name in ("ann", "a_n"):
        session.add(kata.User(username=name, email=f"{name}@example.com"))
    session.flush()
    call = f"find_by_email(session, {email!r})"
    try:
        got = kata.find_by_email(session, email)
    except MultipleResultsFound:
        pytest.fail(
            f"{call} matched several users; expected {owner or 'nobody'}. Compare with "
            "User.email == email (or filter_by(email=email)): LIKE reads % and _ as wildcards, "
            "and startswith/contains match part of an address.",
            pytrace=False,
        )
    name = getattr(got, "username", got)
    shown = f"the User {name!r}" if isinstance(got, kata.User) else repr(got)
    assert name == owner, (
        f"{call} returned {shown}; expected "
        f"{'the User ' + repr(owner) if owner else 'None'}: the users' emails are "
        "<username>@example.com, with ann and a_n among them. Only an equal email matches; "
        "LIKE reads % and _ as wildcards, and startswith/contains match part of an address."
    )


def test_page_of_posts_first_pages(kata, seeded, session):
    """Pages 1 and 2 hold the newest posts, equal times ordered by the higher id first."""
    for page in (1, 2):
        got = kata.page_of_posts(session, page, 3)
        assert all(isinstance(post, kata.Post) for post in got), (
            f"page_of_posts(session, {page}, 3) returned {got!r}; expected a list of Post objects."
        )
        titles = [post.title for post in got]
        expected = NEWEST_FIRST[(page - 1) * 3 : page * 3]
        assert titles == expected, (
            f"page_of_posts(session, {page}, 3) returned the posts {titles!r}; "
            f"expected {expected!r}. "
            "Pages count from 1 (page 1 skips nothing), newest created_at first, and posts created "
            "at the same moment with the higher id first."
        )


def test_page_of_posts_last_and_past_the_end(kata, seeded, session):
    """The last page may be short, and a page past the end is empty."""
    titles = [post.title for post in kata.page_of_posts(session, 4, 3)]
    assert titles == NEWEST_FIRST[9:], (
        f"page_of_posts(session, 4, 3) returned the posts {titles!r}; "
        f"expected {NEWEST_FIRST[9:]!r} "
        "(11 posts: the fourth page of 3 has only 2)."
    )
    got = kata.page_of_posts(session, 5, 3)
    assert list(got) == [], (
        f"page_of_posts(session, 5, 3) returned {got!r}; expected [] (past the end)."
    )
    titles = [post.title for post in kata.page_of_posts(session, 2, 5)]
    assert titles == NEWEST_FIRST[5:10], (
        f"page_of_posts(session, 2, 5) returned the posts {titles!r}; "
        f"expected {NEWEST_FIRST[5:10]!r}."
    )


def test_page_of_posts_pages_in_sql(kata, seeded, session, queries):
    """page_of_posts asks the database for one page with LIMIT, in one query."""
    with queries.budget(1, "page_of_posts(session, 2, 3)"):
        kata.page_of_posts(session, 2, 3)
    assert queries.matching(r"\bLIMIT\b"), (
        f"page_of_posts sent {queries.statements!r}, with no LIMIT: it fetched every post and "
        "sliced them in Python. Use .limit(per_page) and .offset(...) on the select()."
    )


def test_count_posts(kata, seeded, session):
    """count_posts returns each author's number of posts, 0 for none."""
    expected = {"alice": 4, "bob": 3, "carol": 3, "dave": 1, "erin": 0}
    got = {name: kata.count_posts(session, seeded[name]) for name in expected}
    assert got == expected, (
        f"count_posts(session, <id>) by author gave {got!r}; expected {expected!r}."
    )
    missing = kata.count_posts(session, 999)
    assert missing == 0, (
        f"count_posts(session, 999) returned {missing!r}; expected 0 (no such author)."
    )


def test_count_posts_counts_in_sql(kata, seeded, session, queries):
    """count_posts sends one SELECT count(...) and fetches no post rows."""
    with queries.budget(1, "count_posts(session, alice_id)"):
        kata.count_posts(session, seeded["alice"])
    sent = queries.statements
    assert sent and queries.matching(r"\bcount\s*\(") == sent, (
        f"count_posts sent {sent!r}; expected a single SELECT count(...) FROM post WHERE ... . "
        "Fetching the posts and calling len() moves every row over the network to count them: "
        "let the database count with func.count() and read it with session.scalar()."
    )


def test_total_views(kata, seeded, session, queries):
    """total_views sums views in SQL and returns 0, not None, for an author without posts."""
    got = {name: kata.total_views(session, seeded[name]) for name in ("alice", "bob")}
    assert got == {"alice": 37, "bob": 12}, (
        f"total_views(session, <id>) gave {got!r}; expected {{'alice': 37, 'bob': 12}}."
    )
    assert len(queries.matching(r"\bsum\s*\(")) == 2, (
        f"total_views sent {queries.statements!r}; expected one SELECT sum(...) per call: let the "
        "database add up the views with func.sum()."
    )
    none = kata.total_views(session, seeded["erin"])
    assert none == 0 and isinstance(none, int), (
        f"total_views(session, erin_id) for an author with no posts returned {none!r}; expected 0. "
        "SUM over no rows is NULL (None); wrap it: func.coalesce(func.sum(Post.views), 0)."
    )


def test_prolific_authors(kata, seeded, session):
    """
    prolific_authors(session, 3) lists authors with at least 3 posts, most first, ties by name.
    """
    got = kata.prolific_authors(session, 3)
    pairs = [tuple(row) for row in got]
    assert pairs == [("alice", 4), ("bob", 3), ("carol", 3)], (
        f"prolific_authors(session, 3) returned {pairs!r}; expected [('alice', 4), ('bob', 3), "
        "('carol', 3)]: 'at least 3' includes 3 (>=), most posts first, bob before carol by name."
    )


def test_prolific_authors_threshold(kata, seeded, session):
    """Raising or lowering min_posts keeps exactly the authors at or above it."""
    got = [tuple(row) for row in kata.prolific_authors(session, 4)]
    assert got == [("alice", 4)], (
        f"prolific_authors(session, 4) returned {got!r}; expected [('alice', 4)]."
    )
    got = [tuple(row) for row in kata.prolific_authors(session, 1)]
    expected = [("alice", 4), ("bob", 3), ("carol", 3), ("dave", 1)]
    assert got == expected, (
        f"prolific_authors(session, 1) returned {got!r}; expected {expected!r} (erin has no posts)."
    )
    got = list(kata.prolific_authors(session, 5))
    assert got == [], f"prolific_authors(session, 5) returned {got!r}; expected []."


def test_prolific_authors_orders_ties_by_name(kata, seeded, session):
    """Authors with the same number of posts come in username order."""
    newcomers = ["zoe", "uma", "yan", "val", "xia", "wes"]
    for name in newcomers:
        user = kata.User(username=name, email=f"{name}@example.com")
        session.add(user)
        session.flush()
        session.add_all(
            [
                kata.Post(author_id=user.id, title=f"{name}{n}", created_at=START, views=0)
                for n in (1, 2)
            ]
        )
    session.flush()
    got = [tuple(row) for row in kata.prolific_authors(session, 2)]
    expected = [("alice", 4), ("bob", 3), ("carol", 3)] + [(name, 2) for name in sorted(newcomers)]
    assert got == expected, (
        f"prolific_authors(session, 2) returned {got!r}; expected {expected!r}. Authors with equal "
        "counts come back in whatever order the database grouped them unless you also order_by "
        "the username."
    )


def test_prolific_authors_counts_posts_not_titles(kata, seeded, session):
    """Posts with the same title are still separate posts."""
    zed = kata.User(username="zed", email="zed@example.com")
    session.add(zed)
    session.flush()
    session.add_all(
        [
            kata.Post(author_id=zed.id, title="weekly notes", created_at=START, views=1)
            for _ in range(4)
        ]
    )
    session.flush()
    got = [tuple(row) for row in kata.prolific_authors(session, 4)]
    expected = [("alice", 4), ("zed", 4)]
    assert got == expected, (
        f"With zed's four posts all titled 'weekly notes', prolific_authors(session, 4) returned "
        f"{got!r}; expected {expected!r}. Count the posts (func.count(Post.id)): distinct "
        "titles are not distinct posts."
    )


def test_prolific_authors_groups_in_sql(kata, seeded, session, queries):
    """prolific_authors groups and filters the groups in one SQL statement (GROUP BY ... HAVING)."""
    with queries.budget(1, "prolific_authors(session, 3)"):
        kata.prolific_authors(session, 3)
    grouped = queries.matching(r"\bGROUP BY\b")
    # HAVING, or a WHERE over a grouped subquery, both filter the groups in the database.
    assert grouped and (
        queries.matching(r"\bHAVING\b") or queries.matching(r"\bGROUP BY\b.*\).*\bWHERE\b")
    ), (
        f"prolific_authors sent {queries.statements!r}; expected one SELECT with GROUP BY and a "
        "HAVING count(...) >= :min_posts, so that only the qualifying groups come back. "
        "WHERE filters rows before grouping; HAVING filters the groups."
    )
