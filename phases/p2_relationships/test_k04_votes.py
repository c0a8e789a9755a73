"""Checks for kata 2.4 — association object: votes."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from checker.plugin.compare import assert_rows_match
from checker.plugin.schema import Col, assert_table

# Inserted in this (not alphabetical) order, so that sorting is the code's doing.
USERS = ["carol", "alice", "dave", "bob", "erin"]
POSTS = ["Hello", "Second", "Quiet"]
# (username, post title, value). "Quiet" has no votes.
VOTES = [
    ("carol", "Hello", 1),
    ("alice", "Hello", 1),
    ("dave", "Hello", -1),
    ("bob", "Hello", 1),
    ("erin", "Second", -1),
    ("bob", "Second", -1),
]


def _vote_model(kata):
    """The learner's Vote, after checking it has the columns the checks use."""
    columns = set(kata.Vote.__table__.c.keys())
    missing = [
        name for name in ("user_id", "post_id", "value", "created_at") if name not in columns
    ]
    if missing:
        pytest.fail(
            f"Vote has no column(s) {missing} (its columns: {sorted(columns)}). Task 1 gives Vote "
            "user_id and post_id (the primary key), value and created_at.",
            pytrace=False,
        )
    return kata.Vote


def _relationship(model, name: str, target) -> None:
    """Fail with a sentence unless `model.name` is a relationship to `target`."""
    relationships = inspect(model).relationships
    if name not in relationships:
        pytest.fail(
            f"{model.__name__} has no relationship `{name}` "
            f"(it has {sorted(relationships.keys())}). "
            f"Expected `{name}` = relationship(back_populates=...) to {target.__name__}.",
            pytrace=False,
        )
    got = relationships[name].mapper.class_
    assert got is target, (
        f"{model.__name__}.{name} leads to {got.__name__}; expected {target.__name__}."
    )


def _navigable(kata) -> None:
    vote = _vote_model(kata)
    _relationship(vote, "user", kata.User)
    _relationship(vote, "post", kata.Post)
    _relationship(kata.User, "votes", vote)
    _relationship(kata.Post, "votes", vote)


@pytest.fixture
def tables(kata, engine: Engine):
    """The kata's tables, created from its models."""
    _vote_model(kata)
    kata.Base.metadata.create_all(engine)


@pytest.fixture
def people(kata, engine: Engine, tables) -> dict[str, dict[str, int]]:
    """USERS and POSTS committed, no votes: {"users": {name: id}, "posts": {title: id}}."""
    users, posts = kata.User.__table__, kata.Post.__table__
    with engine.begin() as connection:
        user_ids = {
            name: connection.execute(
                insert(users).values(username=name).returning(users.c.id)
            ).scalar_one()
            for name in USERS
        }
        post_ids = {
            title: connection.execute(
                insert(posts).values(title=title).returning(posts.c.id)
            ).scalar_one()
            for title in POSTS
        }
    return {"users": user_ids, "posts": post_ids}


@pytest.fixture
def seeded(kata, engine: Engine, people) -> dict[str, dict[str, int]]:
    """People plus VOTES committed (through the vote table, not the kata's functions)."""
    votes = kata.Vote.__table__
    with engine.begin() as connection:
        for name, title, value in VOTES:
            connection.execute(
                insert(votes).values(
                    user_id=people["users"][name],
                    post_id=people["posts"][title],
                    value=value,
                    created_at=datetime(2024, 1, 1, tzinfo=UTC),
                )
            )
    return people


def _vote_rows(engine: Engine, kata) -> list[tuple[int, int, int]]:
    """(user_id, post_id, value) of every committed vote, read on a new connection."""
    votes = kata.Vote.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(votes.c.user_id, votes.c.post_id, votes.c.value)).all()
    return [tuple(row) for row in rows]


def test_vote_table(kata, engine, tables):
    """The database's vote table: primary key (user_id, post_id), foreign keys to user_account
    and post, value and created_at NOT NULL, created_at a DateTime with a time zone."""
    assert_table(
        engine,
        "vote",
        {
            "user_id": Col(
                nullable=False,
                unique=False,
                references="user_account.id",
                hint="A user votes on many posts: "
                'mapped_column(ForeignKey("user_account.id"), primary_key=True).',
            ),
            "post_id": Col(
                nullable=False,
                unique=False,
                references="post.id",
                hint='A post gets many votes: mapped_column(ForeignKey("post.id"), '
                "primary_key=True).",
            ),
            "value": Col(nullable=False, hint="value: Mapped[int]."),
            "created_at": Col(
                nullable=False,
                timezone=True,
                hint="created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), "
                "default=...).",
            ),
        },
        primary_key=["user_id", "post_id"],
        model=kata.Vote.__table__,
        pk_hint="The pair identifies a vote: put primary_key=True on both foreign key columns "
        "(user_id first, so session.get(Vote, (user_id, post_id)) reads in that order) and drop "
        "`id`.",
    )
    given = {"id": Col(nullable=False)}
    assert_table(
        engine,
        "user_account",
        given | {"username": Col(nullable=False, unique=True)},
        primary_key=["id"],
    )
    assert_table(engine, "post", given | {"title": Col(nullable=False)}, primary_key=["id"])


def test_database_refuses_a_second_vote_on_the_same_post(kata, engine, people):
    """Inserting the same (user, post) twice in plain SQL fails: the database enforces one vote."""
    votes = kata.Vote.__table__
    alice, bob = people["users"]["alice"], people["users"]["bob"]
    hello, second = people["posts"]["Hello"], people["posts"]["Second"]
    with engine.begin() as connection:
        for user_id, post_id in ((alice, hello), (alice, second), (bob, hello)):
            connection.execute(insert(votes).values(user_id=user_id, post_id=post_id, value=1))
    with pytest.raises(IntegrityError):
        with engine.begin() as connection:
            connection.execute(insert(votes).values(user_id=alice, post_id=hello, value=-1))
        pytest.fail(
            "A second INSERT INTO vote for the same (user_id, post_id) was accepted; expected an "
            "IntegrityError. Only a primary key (or unique constraint) on the pair makes the "
            "database refuse a duplicate vote; with a surrogate `id` key, every INSERT is new.",
            pytrace=False,
        )


def test_database_refuses_values_other_than_plus_or_minus_one(kata, engine, people):
    """The vote table accepts value 1 and -1 and refuses 0 and 2 (a CHECK constraint)."""
    votes = kata.Vote.__table__
    users, hello = people["users"], people["posts"]["Hello"]
    with engine.begin() as connection:
        connection.execute(insert(votes).values(user_id=users["alice"], post_id=hello, value=1))
        connection.execute(insert(votes).values(user_id=users["bob"], post_id=hello, value=-1))
    for value, name in ((0, "carol"), (2, "dave")):
        with pytest.raises(IntegrityError):
            with engine.begin() as connection:
                connection.execute(
                    insert(votes).values(user_id=users[name], post_id=hello, value=value)
                )
            pytest.fail(
                f"INSERT INTO vote (..., value) VALUES (..., {value}) was accepted; expected an "
                'IntegrityError. Add __table_args__ = (CheckConstraint("value IN (-1, 1)"),) '
                "to Vote so that the database itself refuses other values.",
                pytrace=False,
            )


def _python_default(column) -> bool:
    """Whether the column's INSERT value is computed in Python (default=<value or function>),
    rather than by the database (server_default=, or default=<SQL expression>)."""
    default = column.default
    return (
        column.server_default is None
        and default is not None
        and (default.is_callable or default.is_scalar)
    )


def test_created_at_is_set_and_aware(kata, engine, session, people):
    """A vote saved without created_at gets the current time, time-zone aware."""
    vote = _vote_model(kata)
    before = datetime.now(UTC)
    with Session(engine) as other:
        new = vote(user_id=people["users"]["alice"], post_id=people["posts"]["Hello"], value=1)
        other.add(new)
        other.flush()
        if _python_default(vote.__table__.c.created_at):
            made = new.created_at  # what the default made, before any database converted it
            assert isinstance(made, datetime) and made.tzinfo is not None, (
                f"The default of created_at made {made!r}, a datetime without a time zone; "
                "expected an aware one (datetime.now(timezone.utc)): a naive datetime says "
                "nothing about which zone it is in, and a timestamptz column reads it in the "
                "server's zone."
            )
        other.commit()
    got = session.scalars(select(vote.created_at)).one()
    assert got is not None, (
        "A Vote saved without created_at has created_at NULL; expected the time of the INSERT "
        "(default=lambda: datetime.now(timezone.utc), or server_default=func.now())."
    )
    if engine.dialect.name == "postgresql":
        assert got.tzinfo is not None, (
            f"created_at came back as {got!r}, without a time zone; expected an aware datetime: "
            "use DateTime(timezone=True) (timestamptz on Postgres)."
        )
    aware = got if got.tzinfo else got.replace(tzinfo=UTC)  # SQLite returns naive UTC
    assert abs(aware - before) < timedelta(minutes=5), (
        f"created_at is {got!r}; expected about {before!r} (now, in UTC)."
    )


def test_created_at_is_set_per_row(kata, engine, people):
    """Two votes saved a second apart get created_at values a second apart (the default is
    computed for each INSERT, not once)."""
    vote = _vote_model(kata)
    users, hello = people["users"], people["posts"]["Hello"]
    for name in ("alice", "bob"):
        with Session(engine) as other:
            other.add(vote(user_id=users[name], post_id=hello, value=1))
            other.commit()
        if name == "alice":
            time.sleep(1.1)  # SQLite's CURRENT_TIMESTAMP counts whole seconds
    votes = vote.__table__
    with engine.connect() as connection:
        stamps = dict(connection.execute(select(votes.c.user_id, votes.c.created_at)).all())
    first, second = stamps[users["alice"]], stamps[users["bob"]]
    assert first is not None and second is not None and second - first >= timedelta(seconds=0.5), (
        f"alice's vote was saved, then bob's 1.1 seconds later; their created_at read "
        f"{first!r} and {second!r}; expected bob's about a second later. "
        "default=datetime.now(timezone.utc) calls now() once, when the class is defined: "
        "every row gets that moment. Pass the function instead: "
        "default=lambda: datetime.now(timezone.utc) (or server_default=func.now())."
    )


def test_relationships_back_populate_in_memory(kata):
    """Vote(user=u, post=p) shows up in u.votes and p.votes at once, before any flush."""
    _navigable(kata)
    user, post = kata.User(username="ada"), kata.Post(title="Hi")
    vote = kata.Vote(user=user, post=post, value=1)
    assert list(user.votes) == [vote], (
        f"After Vote(user=ada, post=hi, value=1), ada.votes is {list(user.votes)!r}; expected "
        "[that vote]. Vote.user and User.votes must name each other with back_populates."
    )
    assert list(post.votes) == [vote], (
        f"After Vote(user=ada, post=hi, value=1), hi.votes is {list(post.votes)!r}; expected "
        "[that vote]. Vote.post and Post.votes must name each other with back_populates."
    )
    other = kata.Vote(value=-1)
    post.votes.append(other)
    assert other.post is post, (
        f"After post.votes.append(vote), vote.post is {other.post!r}; expected the post "
        "(back_populates works both ways)."
    )
    user.votes.append(other)
    assert other.user is user, (
        f"After user.votes.append(vote), vote.user is {other.user!r}; expected the user: "
        'User.votes needs back_populates="user" as well (back_populates works both ways only '
        "when both sides name each other)."
    )


def test_navigate_both_ways_from_the_database(kata, seeded, session):
    """user.votes -> vote.post and post.votes -> vote.user load the right rows."""
    _navigable(kata)
    bob = session.get(kata.User, seeded["users"]["bob"])
    got = sorted((vote.post.title, vote.value) for vote in bob.votes)
    assert got == [("Hello", 1), ("Second", -1)], (
        f"[(vote.post.title, vote.value) for vote in bob.votes] gave {got!r}; expected "
        "[('Hello', 1), ('Second', -1)]."
    )
    hello = session.get(kata.Post, seeded["posts"]["Hello"])
    got = sorted((vote.user.username, vote.value) for vote in hello.votes)
    expected = [("alice", 1), ("bob", 1), ("carol", 1), ("dave", -1)]
    assert got == expected, (
        f"[(vote.user.username, vote.value) for vote in hello.votes] gave {got!r}; "
        f"expected {expected!r}."
    )
    found = session.get(kata.Vote, (seeded["users"]["dave"], seeded["posts"]["Hello"]))
    assert found is not None and found.value == -1, (
        f"session.get(Vote, (dave_id, hello_id)) returned {found!r}; expected dave's -1 vote on "
        "'Hello': a composite key is looked up with a tuple, in the order of its columns."
    )


def test_cast_vote_records_a_vote(kata, engine, session, people):
    """cast_vote(session, user, post, 1) commits one vote row and returns the Vote."""
    _navigable(kata)
    alice = session.get(kata.User, people["users"]["alice"])
    hello = session.get(kata.Post, people["posts"]["Hello"])
    got = kata.cast_vote(session, alice, hello, 1)
    assert isinstance(got, kata.Vote) and (got.user_id, got.post_id, got.value) == (
        alice.id,
        hello.id,
        1,
    ), (
        f"cast_vote(session, alice, hello, 1) returned {got!r}; expected alice's Vote on 'Hello' "
        "with value 1."
    )
    rows = _vote_rows(engine, kata)
    assert rows == [(alice.id, hello.id, 1)], (
        f"After cast_vote(session, alice, hello, 1) a new connection reads the votes {rows!r}; "
        f"expected [({alice.id}, {hello.id}, 1)] (committed)."
    )


def test_cast_vote_again_changes_the_vote(kata, engine, session, people):
    """Voting again on the same post changes the value: still one row, no IntegrityError."""
    _navigable(kata)
    alice = session.get(kata.User, people["users"]["alice"])
    hello = session.get(kata.Post, people["posts"]["Hello"])
    try:
        kata.cast_vote(session, alice, hello, 1)
        got = kata.cast_vote(session, alice, hello, -1)
    except IntegrityError as exc:
        pytest.fail(
            f"Voting twice with cast_vote(session, alice, hello, ...) raised IntegrityError: "
            f"{str(exc).splitlines()[0]}. A re-vote must change the existing Vote: look it up "
            "with session.get(Vote, (user.id, post.id)) and set its value.",
            pytrace=False,
        )
    rows = _vote_rows(engine, kata)
    assert rows == [(alice.id, hello.id, -1)], (
        f"After cast_vote(..., 1) then cast_vote(..., -1) for alice on 'Hello' the vote table "
        f"holds {rows!r}; expected one row with value -1."
    )
    assert got.value == -1, (
        f"The second cast_vote returned a Vote with value {got.value!r}; expected -1."
    )


def test_cast_vote_sets_the_value_asked_for(kata, engine, session, people):
    """Casting the same vote twice keeps it (+1 stays +1, -1 stays -1), also with other votes
    cast in between: cast_vote sets the value, it does not toggle or undo."""
    _navigable(kata)
    users, posts = people["users"], people["posts"]
    alice, bob = session.get(kata.User, users["alice"]), session.get(kata.User, users["bob"])
    hello, second = session.get(kata.Post, posts["Hello"]), session.get(kata.Post, posts["Second"])
    calls = [(alice, hello, 1), (bob, hello, -1), (alice, hello, 1), (bob, second, 1)]
    calls += [(bob, hello, -1), (alice, second, -1), (alice, second, -1)]
    for user, post, value in calls:
        kata.cast_vote(session, user, post, value)
    rows = sorted(_vote_rows(engine, kata))
    expected = sorted(
        [
            (alice.id, hello.id, 1),
            (bob.id, hello.id, -1),
            (bob.id, second.id, 1),
            (alice.id, second.id, -1),
        ]
    )
    shown = ", ".join(f"({u.username}, {p.title}, {v:+d})" for u, p, v in calls)
    assert rows == expected, (
        f"After cast_vote for {shown}, the vote table holds (user_id, post_id, value) = "
        f"{rows!r}; expected {expected!r}: voting +1 again leaves +1, -1 again leaves -1. "
        "Set vote.value = value; don't flip the sign or delete the vote on a repeat."
    )


def test_cast_vote_changes_a_vote_saved_earlier(kata, engine, session, seeded):
    """A re-vote finds the vote committed earlier (not in the session yet) and changes it."""
    _navigable(kata)
    bob = session.get(kata.User, seeded["users"]["bob"])
    second = session.get(kata.Post, seeded["posts"]["Second"])
    try:
        kata.cast_vote(session, bob, second, 1)
    except IntegrityError as exc:
        pytest.fail(
            f"cast_vote(session, bob, second, 1), where bob had voted -1 before, raised "
            f"IntegrityError: {str(exc).splitlines()[0]}. Look the existing vote up in the "
            "database by its key before adding a new one.",
            pytrace=False,
        )
    bobs = sorted(row for row in _vote_rows(engine, kata) if row[0] == bob.id)
    expected = sorted([(bob.id, seeded["posts"]["Hello"], 1), (bob.id, second.id, 1)])
    assert bobs == expected, (
        f"After bob re-voted +1 on 'Second', his vote rows are {bobs!r}; expected {expected!r}: "
        "the -1 changed to +1 in place, and his vote on 'Hello' untouched."
    )


def test_score(kata, seeded, session):
    """score(session, post_id) adds the values up: 2, -2, and 0 for a post without votes."""
    got = {title: kata.score(session, post_id) for title, post_id in seeded["posts"].items()}
    expected = {"Hello": 2, "Second": -2, "Quiet": 0}
    assert got == expected, (
        f"score(session, <post id>) gave {got!r}; expected {expected!r}. The score is the SUM of "
        "the values (+1 +1 -1 +1 = 2), not the number of votes; and SUM over no rows is NULL, "
        "so wrap it: func.coalesce(func.sum(Vote.value), 0)."
    )


@pytest.mark.compare_sql
def test_score_in_one_statement(kata, seeded, session, queries):
    """score sends one SELECT sum(...) and fetches no vote rows."""
    with queries.budget(1, "score(session, hello_id)"):
        kata.score(session, seeded["posts"]["Hello"])
    assert queries.matching(r"\b(sum|total)\s*\("), (
        f"score sent {queries.statements!r}; expected one SELECT sum(vote.value) ... WHERE "
        "vote.post_id = ... . Fetching the votes to add them up in Python moves every row: let "
        "the database add them with func.sum()."
    )


def test_voters(kata, seeded, session):
    """voters(session, post_id) lists who voted (up or down), alphabetically."""
    posts = seeded["posts"]
    assert_rows_match(
        kata.voters(session, posts["Hello"]),
        ["alice", "bob", "carol", "dave"],
        ordered=True,
        what="voters(session, hello_id)",
    )
    assert_rows_match(
        kata.voters(session, posts["Second"]),
        ["bob", "erin"],
        ordered=True,
        what="voters(session, second_id)",
    )
    got = kata.voters(session, posts["Quiet"])
    assert list(got) == [], f"voters(session, quiet_id) returned {got!r}; expected [] (no votes)."


@pytest.mark.compare_sql
def test_voters_in_one_query(kata, seeded, session, queries):
    """voters joins User to Vote in one query, not one query per vote."""
    with queries.budget(1, "voters(session, hello_id)"):
        got = kata.voters(session, seeded["posts"]["Hello"])
    assert list(got) == ["alice", "bob", "carol", "dave"], (
        f"voters(session, hello_id) returned {got!r}; expected ['alice', 'bob', 'carol', 'dave']."
    )
