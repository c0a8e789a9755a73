"""Checks for kata 3.5 — aliases: self-joins with aliased()."""

import pytest
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from checker.plugin.compare import assert_rows_match

# Inserted in neither alphabetical nor any asked order. Names contain other names (ann, anna,
# joann), one has a quote, and the ids are not in username order (zed is 1, anna is 4).
USERS = ["zed", "ann", "mia", "anna", "bob", "o'hara", "joann", "cy", "dan", "eve"]

# (follower, followed). ann and cy follow themselves (rows left by an old version of the app);
# ann's friends mia and bob both follow zed (a suggestion reached twice) and each other (a
# suggestion ann already follows); mia follows ann back (a path that returns to ann); bob follows
# anna, a suggestion for ann whose name starts with "ann".
FOLLOWS = [
    ("ann", "mia"),
    ("ann", "bob"),
    ("ann", "ann"),
    ("mia", "ann"),
    ("mia", "zed"),
    ("mia", "eve"),
    ("mia", "bob"),
    ("bob", "zed"),
    ("bob", "dan"),
    ("bob", "mia"),
    ("bob", "anna"),
    ("zed", "anna"),
    ("anna", "zed"),
    ("anna", "joann"),
    ("anna", "cy"),
    ("joann", "anna"),
    ("o'hara", "ann"),
    ("o'hara", "eve"),
    ("o'hara", "dan"),
    ("dan", "o'hara"),
    ("eve", "o'hara"),
    ("cy", "cy"),
]

# (id, author, parent id, body), inserted in this order (a parent before its replies), with ids
# out of insertion order. 33 replies to a reply; 3 is anna replying to herself; 50 has no replies.
COMMENTS = [
    (40, "ann", None, "Loader options are neat"),
    (25, "anna", None, "Aliases next"),
    (50, "bob", None, "Nobody answers me"),
    (12, "mia", 40, "Agreed, contains_eager especially"),
    (7, "zed", 40, "Me too"),
    (33, "ann", 12, "Thanks, mia"),
    (18, "ann", 25, "Looking forward to it"),
    (3, "anna", 25, "Self-joins, to be precise"),
    (21, "bob", 40, "+1"),
]

# Not a username, but near one: a LIKE or a substring test would find ann or anna.
NEAR_MISSES = ["an%", "a_n", "nn", "ann' --", "nobody"]


def _following(name: str) -> set[str]:
    return {b for a, b in FOLLOWS if a == name}


def _expected_followers(name: str) -> list[str]:
    return sorted(a for a, b in FOLLOWS if b == name and a != name)


def _expected_suggestions(name: str) -> list[str]:
    reached = {c for friend in _following(name) for c in _following(friend)}
    return sorted(reached - _following(name) - {name})


def _expected_mutuals() -> list[tuple[str, str]]:
    edges = set(FOLLOWS)
    return sorted((a, b) for a, b in edges if a < b and (b, a) in edges)


def _expected_replies() -> list[tuple[str, str, str]]:
    by_id = {cid: (author, body) for cid, author, _, body in COMMENTS}
    rows = [
        (by_id[parent][0], -cid, author, body)  # newest (highest id) first
        for cid, author, parent, body in COMMENTS
        if parent is not None
    ]
    return [(author, parent_author, body) for parent_author, _, author, body in sorted(rows)]


@pytest.fixture
def seeded(kata, engine) -> None:
    """The kata's tables with USERS, FOLLOWS and COMMENTS, committed."""
    kata.Base.metadata.create_all(engine)
    with Session(engine) as setup, setup.begin():
        ids = {}
        for name in USERS:
            user = kata.User(username=name)
            setup.add(user)
            setup.flush()  # one at a time, so ids follow USERS
            ids[name] = user.id
        rows = [{"follower_id": ids[a], "followed_id": ids[b]} for a, b in FOLLOWS]
        setup.execute(insert(kata.follow), rows)
        for cid, author, parent, body in COMMENTS:
            setup.add(kata.Comment(id=cid, author_id=ids[author], parent_id=parent, body=body))
            setup.flush()


def _names(got, call: str) -> list:
    if isinstance(got, str) or not isinstance(got, list | tuple):
        pytest.fail(f"{call} returned {got!r:.300}; expected a list of usernames.", pytrace=False)
    return list(got)


# --- 1. followers_of ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ann", "anna", "o'hara", "cy"])
def test_followers_of(kata, seeded, session, name):
    """followers_of(name) lists who follows that user, alphabetically, never the user themself."""
    call = f"followers_of(session, {name!r})"
    got = _names(kata.followers_of(session, name), call)
    assert_rows_match(got, _expected_followers(name), ordered=True, what=call)


def test_followers_of_is_not_following(kata, seeded, session):
    """followers_of('anna') lists who follows anna, not whom anna follows."""
    got = _names(kata.followers_of(session, "anna"), "followers_of(session, 'anna')")
    whom_anna_follows = sorted(_following("anna"))
    assert got != whom_anna_follows, (
        f"followers_of(session, 'anna') returned {got!r}: the users anna FOLLOWS. Expected "
        f"those who follow anna, {_expected_followers('anna')!r}. With two Users in the query, "
        "filter on the one being followed (the alias) and select the other."
    )


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_followers_of_nobody(kata, seeded, session, name):
    """followers_of for a name no user has returns [], however close it is to one."""
    call = f"followers_of(session, {name!r})"
    got = _names(kata.followers_of(session, name), call)
    assert got == [], (
        f"{call} returned {got!r}; expected [], as no user is called {name!r}. Compare the "
        "username with == (a bound parameter), not LIKE or contains()."
    )


@pytest.mark.compare_sql
def test_followers_of_one_query(kata, seeded, session, queries):
    """followers_of sends one statement."""
    with queries.budget(1, "followers_of(session, 'ann')"):
        kata.followers_of(session, "ann")


# --- 2. who_to_follow -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ann", "o'hara", "joann", "anna"])
def test_who_to_follow(kata, seeded, session, db, name):
    """who_to_follow(name): follows of follows, once each, minus the user and whom they follow."""
    call = f"who_to_follow(session, {name!r})"
    if db.dialect == "postgresql":
        # On rows this few, Postgres often removes duplicates by sorting, so the names come out
        # in order even without an ORDER BY; make it hash them instead, as it may on big tables.
        session.execute(text("SET LOCAL enable_sort = off"))
    got = _names(kata.who_to_follow(session, name), call)
    expected = _expected_suggestions(name)
    repeated = sorted({n for n in got if got.count(n) > 1})
    assert not repeated, (
        f"{call} returned {got!r}, with {repeated!r} more than once; expected each suggestion "
        f"once: {expected!r}. Two friends who follow the same user make two rows: .distinct()."
    )
    assert name not in got, (
        f"{call} returned {got!r}, which suggests {name!r} to themself (someone they follow "
        f"follows them back); expected {expected!r}. Leave out the row where the suggested "
        "user IS the user asking: compare the two aliases' ids."
    )
    already = sorted(set(got) & _following(name))
    assert not already, (
        f"{call} returned {got!r}, which suggests {already!r}, already followed by {name!r}; "
        f"expected {expected!r}. Leave out users {name!r} already follows (NOT EXISTS, or NOT IN, "
        "over the follow table)."
    )
    assert_rows_match(got, expected, ordered=True, what=call)


@pytest.mark.parametrize("name", ["nobody", "an%"])
def test_who_to_follow_nobody(kata, seeded, session, name):
    """who_to_follow for a name no user has returns []."""
    call = f"who_to_follow(session, {name!r})"
    got = _names(kata.who_to_follow(session, name), call)
    assert got == [], f"{call} returned {got!r}; expected [], as no user is called {name!r}."


@pytest.mark.compare_sql
def test_who_to_follow_one_query(kata, seeded, session, queries):
    """who_to_follow sends one statement, not one per friend."""
    with queries.budget(1, "who_to_follow(session, 'ann')"):
        kata.who_to_follow(session, "ann")


# --- 3. mutual_follows --------------------------------------------------------------------------


def test_mutual_follows(kata, seeded, session):
    """mutual_follows lists each pair of users who follow each other once, (first < second)."""
    got = kata.mutual_follows(session)
    if not isinstance(got, list | tuple):
        pytest.fail(
            f"mutual_follows(session) returned {got!r:.300}; expected a list of (first, second) "
            "tuples.",
            pytrace=False,
        )
    selfies = [pair for pair in got if len(set(pair)) == 1]
    assert not selfies, (
        f"mutual_follows(session) returned {selfies!r}: a user who follows themself is not a "
        "mutual follow. Keep only pairs of two different users (first < second does it)."
    )
    assert_rows_match(got, _expected_mutuals(), ordered=True, what="mutual_follows(session)")


@pytest.mark.compare_sql
def test_mutual_follows_one_query(kata, seeded, session, queries):
    """mutual_follows sends one statement."""
    with queries.budget(1, "mutual_follows(session)"):
        kata.mutual_follows(session)


# --- 4. replies ----------------------------------------------------------------------------------


def test_replies(kata, seeded, session):
    """replies: (reply's author, parent's author, body), by parent's author, newest reply first."""
    got = kata.replies(session)
    if not isinstance(got, list | tuple):
        pytest.fail(
            f"replies(session) returned {got!r:.300}; expected a list of (reply's author, "
            "parent's author, body) tuples.",
            pytrace=False,
        )
    assert_rows_match(got, _expected_replies(), ordered=True, what="replies(session)")


@pytest.mark.compare_sql
def test_replies_one_query(kata, seeded, session, queries):
    """replies sends one statement, not one per parent or author."""
    with queries.budget(1, "replies(session)"):
        kata.replies(session)
