"""Checks for kata 1.3 — raw SQL with text() and bound parameters."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    insert,
)
from sqlalchemy.exc import DBAPIError, MultipleResultsFound

# The kata's tables, built here from MetaData so the DDL suits each database and a learner's
# edits to the provided tables cannot break the checks.
schema = MetaData()
users = Table(
    "user_account",
    schema,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False, unique=True),
    Column("email", String(120)),
)
posts = Table(
    "post",
    schema,
    Column("id", Integer, primary_key=True),
    Column("author_id", ForeignKey("user_account.id"), nullable=False),
    Column("title", String(200), nullable=False),
)

USERS = [
    {"id": 1, "name": "ada", "email": "ada@example.com"},
    {"id": 2, "name": "O'Brien", "email": "obrien@example.com"},
    {"id": 3, "name": "grace", "email": None},
    # "adam" starts with "ada": a prefix or LIKE match finds two users where "=" finds one.
    {"id": 4, "name": "adam", "email": "adam@example.com"},
    # Names that break SQL written around them.
    {"id": 5, "name": "back\\slash", "email": None},
    {"id": 6, "name": "100%", "email": None},
    {"id": 7, "name": "'; --", "email": None},
]
HOSTILE_NAMES = {"O'Brien": 2, "back\\slash": 5, "100%": 6, "'; --": 7}
# Ids that stand out in SQL text. Inserted in neither id nor title order, so a missing ORDER BY
# shows (SQLite scans in id order anyway; Postgres in insertion order).
POSTS = [
    {"id": 303, "author_id": 2, "title": "it's a trap"},
    {"id": 505, "author_id": 2, "title": "bound parameters"},
    {"id": 101, "author_id": 1, "title": "using text safely"},
    {"id": 404, "author_id": 3, "title": "postgres params"},
    {"id": 202, "author_id": 1, "title": "core tables"},
]
TITLE = {post["id"]: post["title"] for post in POSTS}

INJECTED_QUOTE = (
    "The value was pasted into the SQL text, so its quote ended the SQL string early. Put a "
    "placeholder in the text() (:name) and pass the value separately: "
    "connection.execute(statement, {'name': value})."
)


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection on a database holding USERS and POSTS."""
    schema.create_all(engine)
    with engine.begin() as setup:
        setup.execute(insert(users), USERS)
        setup.execute(insert(posts), POSTS)
    with engine.connect() as opened:
        yield opened


def _call(call: str, function: Callable[..., Any], *args: Any, advice: str) -> Any:
    """Run the learner's function; a database error fails the check with `advice`."""
    try:
        return function(*args)
    except DBAPIError as error:
        reason = f"{type(error.orig).__name__}: {str(error.orig).strip()}"
        pytest.fail(f"{call} made the database raise {reason}\n{advice}", pytrace=False)


def test_find_user_by_name_finds_the_user(kata, connection):
    """find_user_by_name(connection, 'ada') returns ada's row; an unknown name returns None."""
    row = kata.find_user_by_name(connection, "ada")
    assert row is not None and (row.id, row.name, row.email) == (1, "ada", "ada@example.com"), (
        f"find_user_by_name(connection, 'ada') returned {row!r}; expected the row "
        "(1, 'ada', 'ada@example.com') with fields id, name, email."
    )
    nobody = kata.find_user_by_name(connection, "nobody")
    assert nobody is None, (
        f"find_user_by_name(connection, 'nobody') returned {nobody!r}; expected None."
    )


def test_find_user_by_name_with_a_quote(kata, connection):
    """find_user_by_name(connection, "O'Brien") finds O'Brien: a quote in a value is just data."""
    call = 'find_user_by_name(connection, "O\'Brien")'
    row = _call(call, kata.find_user_by_name, connection, "O'Brien", advice=INJECTED_QUOTE)
    assert row is not None and row.id == 2, (
        f"{call} returned {row!r}; expected O'Brien's row (id 2)."
    )


@pytest.mark.parametrize("attack", ["x' OR '1'='1", "ada' --"])
def test_find_user_by_name_resists_injection(kata, connection, attack):
    """A name crafted to rewrite the SQL finds nobody: it is compared as plain text."""
    call = f"find_user_by_name(connection, {attack!r})"
    try:
        row = _call(call, kata.find_user_by_name, connection, attack, advice=INJECTED_QUOTE)
    except MultipleResultsFound:
        pytest.fail(
            f"{call} matched every user: the value became part of the SQL (WHERE name = "
            f"'{attack}'), so its OR '1'='1' is always true. That is SQL injection. Use a :name "
            "placeholder and pass {'name': name} to execute().",
            pytrace=False,
        )
    assert row is None, (
        f"{call} returned {row!r}; expected None, as no user has that name. The value was read "
        "as SQL (SQL injection): bind it as a parameter instead of formatting it into the text."
    )


def test_find_user_by_name_sends_the_name_as_a_parameter(kata, connection, queries):
    """Each name travels as a bound parameter: names with quotes, backslashes, % and -- work."""
    for name, user_id in HOSTILE_NAMES.items():
        call = f"find_user_by_name(connection, {name!r})"
        row = _call(call, kata.find_user_by_name, connection, name, advice=INJECTED_QUOTE)
        assert row is not None and row.id == user_id, (
            f"{call} returned {row!r}; expected the row of the user named {name!r} (id {user_id})."
        )
    bound = queries.parameters(r"\buser_account\b")
    missing = [name for name in HOSTILE_NAMES if not any(name in values for values in bound)]
    assert not missing, (
        f"find_user_by_name sent {queries.matching(r'user_account')!r} with the bound values "
        f"{bound!r}; the names {missing!r} were not among them, so they travelled inside the "
        "SQL text (doubling the quotes by hand is not binding). Write text('... WHERE name = "
        ":name') and pass {'name': name} to execute()."
    )


@pytest.mark.parametrize("near_miss", ["ad", "a_a", "ad%", "ADA", "ada "])
def test_find_user_by_name_matches_exactly(kata, connection, near_miss):
    """A name that merely resembles a user's (a prefix, a wildcard, other case) finds nobody."""
    call = f"find_user_by_name(connection, {near_miss!r})"
    try:
        row = _call(call, kata.find_user_by_name, connection, near_miss, advice=INJECTED_QUOTE)
    except MultipleResultsFound:
        pytest.fail(
            f"{call} matched several users (ada and adam); expected None: no user is named "
            f"exactly {near_miss!r}. Compare with `name = :name`: LIKE reads % and _ as wildcards, "
            "and a prefix match finds every name that starts the same way.",
            pytrace=False,
        )
    assert row is None, (
        f"{call} returned {row!r}; expected None: no user is named exactly {near_miss!r}. "
        "Compare with `WHERE name = :name`: LIKE reads % and _ as wildcards (and ignores case "
        "on SQLite), lower() ignores case, and a prefix match is not equality."
    )


def _posts(kata, connection, ids: list[int]) -> list[tuple[int, str]]:
    advice = (
        "A plain :ids placeholder holds one value, not a list. Declare it "
        "bindparam('ids', expanding=True) with text(...).bindparams(...): SQLAlchemy then "
        "sends one parameter per item."
    )
    call = f"posts_with_ids(connection, {ids})"
    rows = _call(call, kata.posts_with_ids, connection, ids, advice=advice)
    return [(row.id, row.title) for row in rows]


def test_posts_with_ids_returns_the_posts_in_id_order(kata, connection):
    """posts_with_ids(connection, [505, 101, 999]) returns posts 101 and 505, in id order."""
    got = _posts(kata, connection, [505, 101, 999])
    expected = [(101, TITLE[101]), (505, TITLE[505])]
    assert got == expected, (
        f"posts_with_ids(connection, [505, 101, 999]) returned rows (id, title) {got}; expected "
        f"{expected}: the posts whose id is in the list (999 is no post), ORDER BY id."
    )


def test_posts_with_ids_one_id_and_none(kata, connection):
    """posts_with_ids works for a one-item list and returns [] for an empty one."""
    one = _posts(kata, connection, [303])
    assert one == [(303, TITLE[303])], (
        f"posts_with_ids(connection, [303]) returned {one}; expected [(303, {TITLE[303]!r})]."
    )
    empty = _posts(kata, connection, [])
    assert empty == [], (
        f"posts_with_ids(connection, []) returned {empty}; expected []. An expanding bindparam "
        "copes with an empty list; SQL written as IN () does not, on most databases."
    )


def test_posts_with_ids_binds_each_id(kata, connection, queries):
    """posts_with_ids sends one SELECT whose ids are parameters, not numbers in the SQL."""
    with queries.during() as sent:
        _posts(kata, connection, [202, 404])
    bound = queries.parameters(r"\bpost\b")
    assert len(sent) == 1 and bound and {202, 404} <= set(bound[0]), (
        f"posts_with_ids(connection, [202, 404]) sent {sent} with the bound values {bound}; "
        "expected one SELECT whose bound values are the ids 202 and 404 (IN (?, ?) on SQLite): "
        "ids written into the SQL text are not parameters, and fetching every post to filter "
        "in Python moves the whole table."
    )


def _search(kata, connection, fragment: str) -> list[str]:
    call = f"search_titles(connection, {fragment!r})"
    return list(_call(call, kata.search_titles, connection, fragment, advice=INJECTED_QUOTE))


def test_search_titles_finds_fragments_alphabetically(kata, connection):
    """search_titles(connection, 'param') returns the titles containing 'param', sorted."""
    expected = {
        "param": ["bound parameters", "postgres params"],
        "tables": ["core tables"],
        "s": sorted(TITLE.values()),
        "nothing like this": [],
    }
    for fragment, titles in expected.items():
        got = _search(kata, connection, fragment)
        assert got == titles, (
            f"search_titles(connection, {fragment!r}) returned {got!r}; expected {titles!r}: "
            "every title containing the fragment anywhere, ORDER BY title."
        )


def test_search_titles_with_quotes_and_injection(kata, connection):
    """Quotes in the fragment are searched for literally; an injection attempt finds nothing."""
    got = _search(kata, connection, "it's")
    assert got == ["it's a trap"], (
        f'search_titles(connection, "it\'s") returned {got!r}; expected ["it\'s a trap"].'
    )
    attack = "' OR '1'='1"
    got = _search(kata, connection, attack)
    assert got == [], (
        f"search_titles(connection, {attack!r}) returned {got!r}; expected [] (no title contains "
        "that text). The fragment was read as SQL: bind it, with the % signs in the bound value."
    )


# Titles holding LIKE's special characters, each beside a near miss that a wildcard would also
# match. Added by the check that needs them, so the sorted lists above stay about plain words.
SPECIAL = [
    {"id": 601, "author_id": 1, "title": "100% sure"},
    {"id": 602, "author_id": 1, "title": "1000 users"},
    {"id": 603, "author_id": 1, "title": "snake_case names"},
    {"id": 604, "author_id": 1, "title": "snakeXcase names"},
    {"id": 605, "author_id": 1, "title": "a 50/50 split"},
    {"id": 606, "author_id": 1, "title": "a 5050 split"},
    {"id": 607, "author_id": 1, "title": "back\\slash"},
]


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("100%", ["100% sure"]),
        ("e_c", ["snake_case names"]),
        ("50/50", ["a 50/50 split"]),
        ("k\\s", ["back\\slash"]),
        ("%", ["100% sure"]),
        ("_", ["snake_case names"]),
    ],
)
def test_search_titles_reads_wildcards_as_text(kata, connection, fragment, expected):
    """A %, _ or / in the fragment matches only itself: the fragment is text, not a pattern."""
    connection.execute(insert(posts), SPECIAL)
    got = _search(kata, connection, fragment)
    assert got == expected, (
        f"search_titles(connection, {fragment!r}) returned {got!r}; expected {expected!r} "
        f"(titles: {[p['title'] for p in SPECIAL]}). In LIKE, % matches any run of characters "
        "and _ any one character: escape them in the bound value and name the escape "
        "character, `LIKE :pattern ESCAPE '/'` with f'%{escaped}%', where escaped has / "
        "doubled first, then % and _ prefixed with /."
    )


def test_search_titles_sends_the_pattern_as_a_parameter(kata, connection, queries):
    """The fragment travels inside a bound parameter, not inside the SQL text."""
    with queries.during() as sent:
        _search(kata, connection, "trap")
    bound = queries.parameters(r"\bpost\b")
    carries = [v for values in bound for v in values if isinstance(v, str) and "trap" in v]
    assert sent and carries and not any("trap" in sql for sql in sent), (
        f"search_titles(connection, 'trap') sent {sent} with the bound values {bound}: the "
        "fragment should be in a bound value (the pattern '%trap%'), not in the SQL text. Write "
        "text('... WHERE title LIKE :pattern ...') and bind {'pattern': f'%{escaped}%'}."
    )
