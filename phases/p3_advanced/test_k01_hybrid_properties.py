"""Checks for kata 3.1 — hybrid properties."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, not_, select
from sqlalchemy.exc import ArgumentError, InvalidRequestError
from sqlalchemy.orm import Session

from checker.plugin.compare import assert_rows_match

PUBLISHED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

# (title, upvotes, downvotes, published?), inserted in this order: no order asked for (score,
# title, upvotes, id) matches it. The drafts have high scores, so a missing filter shows at once;
# "Many votes both ways" has the most upvotes and a low score; scores 8 and 3 are ties.
POSTS = [
    ("Zebra crossings", 10, 2, True),
    ("Unpublished draft", 50, 0, False),
    ("Async in practice", 3, 0, True),
    ("Many votes both ways", 20, 19, True),
    ("Controversial", 5, 9, True),
    ("Beta testing", 9, 1, True),
    ("Another draft", 7, 0, False),
    ("Middle of the road", 4, 1, True),
]
# the published posts, best score first, ties by title
RANKED = [
    "Beta testing",
    "Zebra crossings",
    "Async in practice",
    "Middle of the road",
    "Many votes both ways",
    "Controversial",
]
DRAFTS = ["Another draft", "Unpublished draft"]

# (username, nickname), inserted in this order. countess's nickname is ada's username; zed's is
# bob's username; bob's is "Ada" (another case); the others are near misses for exact matching:
# a prefix (adam), LIKE wildcards (ad_, 100%), quotes, a backslash and a comment marker.
HOSTILE = "O'Brien \\ '; --"
USERS = [
    ("countess", "ada"),
    ("zed", "bob"),
    ("ada", None),
    ("bob", "Ada"),
    ("adam", None),
    ("mia", None),
    ("underscore", "ad_"),
    ("percent", "100%"),
    ("thousand", "1000 days"),
    ("obrien", HOSTILE),
]


@pytest.fixture
def seeded(kata, engine) -> None:
    """The kata's tables with POSTS and USERS committed."""
    kata.Base.metadata.create_all(engine)
    with Session(engine) as setup, setup.begin():
        setup.add_all(
            kata.Post(
                title=title,
                upvotes=up,
                downvotes=down,
                published_at=PUBLISHED if published else None,
            )
            for title, up, down, published in POSTS
        )
        setup.add_all(kata.User(username=name, nickname=nick) for name, nick in USERS)


HYBRIDS = {
    ("Post", "score"): "upvotes minus downvotes",
    ("Post", "is_published"): "True when published_at is set",
    ("User", "display_name"): "the nickname, or the username when there is none",
}


def _require(kata, *names: tuple[str, str]) -> None:
    """Fail with a sentence when one of the hybrids (class, attribute) is not there at all."""
    for owner, name in names:
        # looked up in the class dictionaries: getattr() would already run the hybrid's code
        if not any(name in vars(klass) for klass in getattr(kata, owner).__mro__):
            pytest.fail(
                f"{owner} has no attribute `{name}`; expected a @hybrid_property "
                f"({HYBRIDS[owner, name]}): task {list(HYBRIDS).index((owner, name)) + 1}.",
                pytrace=False,
            )


def _sql(build, what: str, hint: str):
    """Build a statement with the learner's hybrid at class level; fail with `hint` when the
    hybrid cannot be used in SQL."""
    try:
        return build()
    except (ArgumentError, InvalidRequestError, TypeError, AttributeError) as exc:
        pytest.fail(
            f"{what} could not be built: {type(exc).__name__}: {exc}\n{hint}", pytrace=False
        )


NOT_SQL = (
    "On the class, a hybrid calls your function with the class, so it must build a SQL "
    "expression there. Python's `is not None`, `if`/`else` and `or` cannot: give the hybrid an "
    "expression of its own with @{name}.inplace.expression (a @classmethod returning a SQL "
    "expression)."
)


def test_score_on_an_instance(kata):
    """post.score is upvotes minus downvotes on a new object, and follows later changes."""
    _require(kata, ("Post", "score"))
    post = kata.Post(title="t", upvotes=7, downvotes=3)
    assert post.score == 4, (
        f"Post(upvotes=7, downvotes=3).score is {post.score!r}; expected 4, computed in Python on "
        "the object (nothing has been saved yet). A column_property is only filled in by a "
        "query; a hybrid property computes it from the attributes."
    )
    post.downvotes = 10
    assert post.score == -3, (
        f"After post.downvotes = 10 (upvotes 7), post.score is {post.score!r}; expected -3: a "
        "hybrid reads the attributes each time, so the score follows them."
    )


def test_score_in_sql(kata, seeded, session):
    """Post.score works in select(): WHERE Post.score < 0 and ORDER BY Post.score, in SQL."""
    _require(kata, ("Post", "score"))
    Post = kata.Post
    negative = _sql(
        lambda: select(Post.title).where(Post.score < 0),
        "select(Post.title).where(Post.score < 0)",
        "Post.score must be a hybrid property: a plain @property on the class is a property "
        "object, which SQL cannot use.",
    )
    got = list(session.scalars(negative))
    assert_rows_match(
        got, ["Controversial"], ordered=False, what="select(Post.title).where(Post.score < 0)"
    )
    ordered = select(Post.title).order_by(Post.score, Post.title)
    got = list(session.scalars(ordered))
    expected = [
        title for title, up, down, _ in sorted(POSTS, key=lambda row: (row[1] - row[2], row[0]))
    ]
    assert_rows_match(
        got, expected, ordered=True, what="select(Post.title).order_by(Post.score, Post.title)"
    )


def test_is_published_on_an_instance(kata):
    """post.is_published is True when published_at is set and False while it is None."""
    _require(kata, ("Post", "is_published"))
    draft = kata.Post(title="t")
    assert draft.is_published is False, (
        f"Post(title='t').is_published is {draft.is_published!r}; expected False (published_at "
        "is None)."
    )
    draft.published_at = PUBLISHED
    assert draft.is_published is True, (
        f"After post.published_at = {PUBLISHED!r}, post.is_published is "
        f"{draft.is_published!r}; expected True."
    )


def test_is_published_in_sql(kata, seeded, session):
    """where(Post.is_published) keeps the published posts, where(~Post.is_published) the drafts."""
    _require(kata, ("Post", "is_published"))
    Post = kata.Post
    hint = NOT_SQL.format(name="is_published") + " published_at.is_not(None) is the SQL form."
    published = _sql(
        lambda: select(Post.title).where(Post.is_published),
        "select(Post.title).where(Post.is_published)",
        hint,
    )
    assert_rows_match(
        list(session.scalars(published)),
        RANKED,
        ordered=False,
        what="select(Post.title).where(Post.is_published)",
    )
    drafts = _sql(
        lambda: select(Post.title).where(not_(Post.is_published)),
        "select(Post.title).where(not_(Post.is_published))",
        hint,
    )
    assert_rows_match(
        list(session.scalars(drafts)),
        DRAFTS,
        ordered=False,
        what="select(Post.title).where(not_(Post.is_published))",
    )
    inverted = _sql(
        lambda: select(Post.title).where(~Post.is_published),
        "select(Post.title).where(~Post.is_published)",
        hint,
    )
    assert_rows_match(
        list(session.scalars(inverted)),
        DRAFTS,
        ordered=False,
        what="select(Post.title).where(~Post.is_published)",
    )


def test_display_name_on_an_instance(kata):
    """user.display_name is the nickname when there is one, else the username."""
    _require(kata, ("User", "display_name"))
    nicknamed = kata.User(username="countess", nickname="ada")
    assert nicknamed.display_name == "ada", (
        f"User(username='countess', nickname='ada').display_name is "
        f"{nicknamed.display_name!r}; expected the nickname, 'ada'."
    )
    plain = kata.User(username="bob")
    assert plain.display_name == "bob", (
        f"User(username='bob') (no nickname).display_name is {plain.display_name!r}; expected "
        "the username, 'bob'."
    )
    plain.nickname = "bobby"
    assert plain.display_name == "bobby", (
        f"After user.nickname = 'bobby', user.display_name is {plain.display_name!r}; expected "
        "'bobby'."
    )


def test_display_name_in_sql(kata, seeded, session):
    """User.display_name == 'ada' finds ada (no nickname) and countess (nicknamed ada) in SQL."""
    _require(kata, ("User", "display_name"))
    User = kata.User
    query = _sql(
        lambda: select(User.username).where(User.display_name == "ada"),
        "select(User.username).where(User.display_name == 'ada')",
        NOT_SQL.format(name="display_name"),
    )
    got = list(session.scalars(query))
    if sorted(got) == ["countess"]:
        pytest.fail(
            "select(User.username).where(User.display_name == 'ada') found only countess (whose "
            "nickname is 'ada'), not ada (no nickname, username 'ada'). Run on the class, "
            "`cls.nickname if cls.nickname is not None else cls.username` is always "
            "`cls.nickname` (a column object is never None), so the query compared the nickname "
            "alone. Give display_name an expression that picks in SQL: "
            "func.coalesce(cls.nickname, cls.username).",
            pytrace=False,
        )
    assert_rows_match(
        got,
        ["ada", "countess"],
        ordered=False,
        what="select(User.username).where(User.display_name == 'ada')",
    )


def test_order_by_display_name(kata, seeded, session):
    """order_by(User.display_name) sorts on the nickname where there is one, else the username."""
    _require(kata, ("User", "display_name"))
    User = kata.User
    names = ["adam", "mia", "zed", "countess"]
    query = _sql(
        lambda: (
            select(User.username)
            .where(User.username.in_(names))
            .order_by(User.display_name, User.username)
        ),
        "select(User.username).order_by(User.display_name, User.username)",
        NOT_SQL.format(name="display_name"),
    )
    # display names: countess -> ada, adam -> adam, zed -> bob, mia -> mia
    assert_rows_match(
        list(session.scalars(query)),
        ["countess", "adam", "zed", "mia"],
        ordered=True,
        what=f"select(User.username).where(User.username.in_({names!r}))"
        ".order_by(User.display_name, User.username)",
    )


def test_python_and_sql_forms_agree(kata, seeded, session):
    """For every row, the hybrids computed by the database equal the ones computed on the object."""
    _require(kata, *HYBRIDS)
    Post, User = kata.Post, kata.User
    hint = NOT_SQL.format(name="is_published")
    in_sql = _sql(
        lambda: select(Post.id, Post.score, Post.is_published),
        "select(Post.id, Post.score, Post.is_published)",
        hint,
    )
    from_database = {row[0]: (row[1], bool(row[2])) for row in session.execute(in_sql)}
    posts = session.scalars(select(Post))
    on_objects = {post.id: (post.score, post.is_published) for post in posts}
    assert from_database == on_objects, (
        f"(score, is_published) per post id: the database computed {from_database!r}, the "
        f"objects {on_objects!r}; the SQL expression and the Python code must agree."
    )
    names = _sql(
        lambda: select(User.id, User.display_name),
        "select(User.id, User.display_name)",
        NOT_SQL.format(name="display_name"),
    )
    from_database = {user_id: name for user_id, name in session.execute(names)}
    on_objects = {user.id: user.display_name for user in session.scalars(select(User))}
    assert from_database == on_objects, (
        f"display_name per user id: the database computed {from_database!r}, the objects "
        f"{on_objects!r}; the SQL expression and the Python code must agree."
    )


@pytest.mark.parametrize("limit", [3, 4, 10])
def test_top_posts(kata, seeded, session, limit):
    """top_posts(session, n): the n best-scored published posts, best first, ties by title."""
    got = kata.top_posts(session, limit)
    assert_rows_match(got, RANKED[:limit], ordered=True, what=f"top_posts(session, {limit})")


@pytest.mark.compare_sql
def test_top_posts_is_one_query_in_the_database(kata, seeded, session, queries):
    """top_posts filters, sorts and limits in one SELECT: no more posts loaded than asked for."""
    loaded: list = []  # every Post object the ORM builds from a row while top_posts runs

    def count(target, context):
        loaded.append(target)

    event.listen(kata.Post, "load", count)
    try:
        with queries.during() as sent:
            got = kata.top_posts(session, 2)
    finally:
        event.remove(kata.Post, "load", count)
    assert_rows_match(got, RANKED[:2], ordered=True, what="top_posts(session, 2)")
    selects = [sql for sql in sent if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, (
        f"top_posts(session, 2) sent {len(selects)} SELECTs: {selects!r}; expected one query "
        "that filters, sorts and limits."
    )
    assert len(loaded) <= 2, (
        f"top_posts(session, 2) loaded {len(loaded)} Post objects from the database; expected at "
        "most 2. Let the database do the work: .where(Post.is_published), "
        ".order_by(Post.score.desc(), Post.title) and .limit(n) in the query, instead of loading "
        "posts and sorting them in Python."
    )
    sql = selects[0].upper()
    for clauses, meaning in (
        (("WHERE",), "filter the drafts out"),
        (("ORDER BY",), "sort"),
        (("LIMIT", "FETCH FIRST"), "keep only n rows"),
    ):
        clause = clauses[0]
        assert any(word in sql for word in clauses), (
            f"top_posts(session, 2) sent {selects[0]!r}, which has no {clause}; expected the "
            f"database to {meaning}, not Python."
        )


def test_users_called(kata, seeded, session):
    """users_called matches display names exactly: nicknames first, usernames otherwise."""
    cases = {
        "ada": ["ada", "countess"],  # ada by username, countess by nickname
        "bob": ["zed"],  # bob's display name is 'Ada'; zed is nicknamed bob
        "Ada": ["bob"],
        "ad": [],  # no prefix matches
        "ad_": ["underscore"],  # `_` is a character, not a LIKE wildcard
        "100%": ["percent"],  # `%` too
        "nobody": [],
    }
    for name, expected in cases.items():
        got = kata.users_called(session, name)
        assert_rows_match(got, expected, ordered=True, what=f"users_called(session, {name!r})")


def test_users_called_binds_the_name(kata, seeded, engine, queries):
    """users_called sends the name as a bound parameter: quotes and backslashes round-trip."""
    with Session(engine) as session:
        got = kata.users_called(session, HOSTILE)
    received = [value for values in queries.parameters() for value in values]
    assert_rows_match(got, ["obrien"], ordered=True, what=f"users_called(session, {HOSTILE!r})")
    assert HOSTILE in received, (
        f"users_called(session, {HOSTILE!r}) sent the parameters {received!r} to the driver; "
        "expected the name among them, as a bound parameter. Compare with == on the hybrid "
        "(select(...).where(User.display_name == name)); never paste the value into SQL text."
    )
