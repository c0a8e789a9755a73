"""Checks for kata 1.6 — sessions and transactions."""

from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError, PendingRollbackError


def _setup(kata, db_url: str, users: dict[str, int] | None = None) -> tuple[Engine, dict[str, int]]:
    """The user_account table on an engine for db_url, seeded (committed) with {username: karma}.

    Returns the engine the kata's code is given and the seeded users' ids by name."""
    engine = create_engine(db_url)
    kata.Base.metadata.create_all(engine)
    ids: dict[str, int] = {}
    table = kata.User.__table__
    with engine.begin() as connection:
        for name, karma in (users or {}).items():
            ids[name] = connection.execute(
                insert(table).values(username=name, karma=karma).returning(table.c.id)
            ).scalar_one()
    return engine, ids


def _committed(kata, db_url: str) -> dict[str, int]:
    """{username: karma} as a brand-new connection sees it: only what was committed."""
    reader = create_engine(db_url)
    table = kata.User.__table__
    with reader.connect() as connection:
        rows = connection.execute(select(table.c.username, table.c.karma)).all()
    reader.dispose()
    return dict(rows)


def _expect(error: type[Exception], call, what: str, why: str) -> None:
    """Fail with a sentence when call() returns instead of raising `error`."""
    try:
        result = call()
    except error:
        return
    pytest.fail(
        f"{what} returned {result!r}; expected it to raise {error.__name__}: {why}", pytrace=False
    )


def _finish(engine: Engine) -> None:
    """Close the kata's engine: a change left uncommitted on one of its connections is lost."""
    engine.dispose()


def test_create_user_commits_and_returns_id(kata, db_url):
    """create_user(engine, 'ada', 5) commits the new user and returns its id."""
    engine, _ = _setup(kata, db_url)
    new_id = kata.create_user(engine, "ada", 5)
    _finish(engine)
    assert isinstance(new_id, int), (
        f"create_user(engine, 'ada', 5) returned {new_id!r}; expected the new user's id (an int). "
        "The id is assigned when the INSERT is sent: session.flush() sends it before the commit."
    )
    assert _committed(kata, db_url) == {"ada": 5}, (
        f"After create_user(engine, 'ada', 5) a new connection reads {_committed(kata, db_url)!r}; "
        "expected {'ada': 5}. Was the transaction committed? session.begin() as a context "
        "manager commits when its block ends."
    )
    reader = create_engine(db_url)
    with reader.connect() as connection:
        stored_id = connection.execute(select(kata.User.__table__.c.id)).scalar_one()
    reader.dispose()
    assert stored_id == new_id, (
        f"create_user returned id {new_id!r}, but the row's id is {stored_id!r}."
    )


def test_create_user_lets_integrity_error_propagate(kata, db_url):
    """create_user with a taken username raises IntegrityError and leaves no connection open."""
    engine, _ = _setup(kata, db_url, {"ada": 1})
    _expect(
        IntegrityError,
        lambda: kata.create_user(engine, "ada"),
        "create_user(engine, 'ada') with 'ada' taken",
        "let the database's UNIQUE violation propagate; the caller decides what it means.",
    )
    checked_out = engine.pool.checkedout()
    _finish(engine)
    assert checked_out == 0, (
        "After create_user raised, a connection was still checked out of the pool: open the "
        "session with `with Session(engine) as session, session.begin():` so it is rolled back "
        "and closed even when the flush fails."
    )
    assert _committed(kata, db_url) == {"ada": 1}, (
        "A failed create_user must leave the table as it was."
    )


def test_transfer_moves_points(kata, db_url):
    """transfer_karma(engine, ada, bob, 4) commits ada 10 -> 6 and bob 0 -> 4."""
    engine, ids = _setup(kata, db_url, {"ada": 10, "bob": 0})
    kata.transfer_karma(engine, ids["ada"], ids["bob"], 4)
    _finish(engine)
    got = _committed(kata, db_url)
    assert got == {"ada": 6, "bob": 4}, (
        f"After transfer_karma(engine, ada, bob, 4) with ada=10, bob=0, a new connection reads "
        f"{got!r}; expected {{'ada': 6, 'bob': 4}}, committed."
    )


def test_transfer_everything_is_allowed(kata, db_url):
    """A giver may give away all of their karma: ada 3 -> 0."""
    engine, ids = _setup(kata, db_url, {"ada": 3, "bob": 1})
    try:
        kata.transfer_karma(engine, ids["ada"], ids["bob"], 3)
    except ValueError as exc:
        pytest.fail(
            f"transfer_karma(engine, ada, bob, 3) with ada=3 raised ValueError({exc}); a giver "
            "with exactly enough karma may give it all. Refuse only when karma < points.",
            pytrace=False,
        )
    _finish(engine)
    got = _committed(kata, db_url)
    assert got == {"ada": 0, "bob": 4}, (
        f"After giving all 3 points, the table reads {got!r}; expected ada 0, bob 4."
    )


def test_transfer_too_many_points_raises_and_changes_nothing(kata, db_url):
    """Asking for more karma than the giver has raises ValueError and commits nothing."""
    engine, ids = _setup(kata, db_url, {"ada": 2, "bob": 5})
    _expect(
        ValueError,
        lambda: kata.transfer_karma(engine, ids["ada"], ids["bob"], 3),
        "transfer_karma(engine, ada, bob, 3) with ada=2",
        "the giver has fewer points than asked.",
    )
    _finish(engine)
    got = _committed(kata, db_url)
    assert got == {"ada": 2, "bob": 5}, (
        f"transfer_karma(engine, ada, bob, 3) with ada=2 raised as it should, but the table now "
        f"reads {got!r}; expected it unchanged, {{'ada': 2, 'bob': 5}}. Check before you change "
        "anything, and let the exception roll the transaction back."
    )


def test_transfer_to_missing_user_changes_nothing(kata, db_url):
    """A transfer to a missing user raises LookupError and leaves the giver untouched."""
    engine, ids = _setup(kata, db_url, {"ada": 10})
    missing = ids["ada"] + 1000
    _expect(
        LookupError,
        lambda: kata.transfer_karma(engine, ids["ada"], missing, 4),
        "transfer_karma(engine, ada, <missing id>, 4)",
        "there is no user to receive the points.",
    )
    _finish(engine)
    got = _committed(kata, db_url)
    assert got == {"ada": 10}, (
        f"transfer_karma(engine, ada, <missing id>, 4) raised, but ada's karma is now committed as "
        f"{got!r}; expected {{'ada': 10}}: half a transfer must never be committed."
    )


def test_transfer_is_one_transaction(kata, db_url):
    """transfer_karma commits exactly once: both updates travel in the same transaction."""
    engine, ids = _setup(kata, db_url, {"ada": 10, "bob": 0})
    commits: list[str] = []
    event.listen(engine, "commit", lambda connection: commits.append("COMMIT"))
    kata.transfer_karma(engine, ids["ada"], ids["bob"], 4)
    _finish(engine)
    assert len(commits) == 1, (
        f"transfer_karma committed {len(commits)} times; expected exactly 1. With a commit between "
        "the two updates, a crash (or an error) in between leaves the points taken from one user "
        "and given to no one."
    )


def test_transfer_gives_the_connection_back(kata, db_url):
    """After transfer_karma raises, no connection is left checked out of the pool."""
    engine, ids = _setup(kata, db_url, {"ada": 1, "bob": 1})
    _expect(
        ValueError,
        lambda: kata.transfer_karma(engine, ids["ada"], ids["bob"], 50),
        "transfer_karma(engine, ada, bob, 50) with ada=1",
        "the giver has fewer points than asked.",
    )
    checked_out = engine.pool.checkedout()
    _finish(engine)
    assert checked_out == 0, (
        "transfer_karma raised ValueError and left a connection checked out: open the session in "
        "a `with` block so it is closed (and its connection returned) on the way out."
    )


def _register(kata, engine: Engine, names: list[str]) -> list[str]:
    try:
        return kata.register_all(engine, names)
    except PendingRollbackError:
        pytest.fail(
            f"register_all(engine, {names!r}) raised PendingRollbackError: after the flush of a "
            "duplicate failed, the session was used again without a rollback. Wrap each insert "
            "in `with session.begin_nested():` (a savepoint) or roll back.",
            pytrace=False,
        )
    except IntegrityError as exc:
        pytest.fail(
            f"register_all(engine, {names!r}) let an IntegrityError escape; a taken name should be "
            f"skipped, not stop the registration. ({str(exc).splitlines()[0]})",
            pytrace=False,
        )


def test_register_all_creates_every_new_name(kata, db_url):
    """register_all(engine, ['ada', 'bob']) creates both and returns ['ada', 'bob']."""
    engine, _ = _setup(kata, db_url)
    created = _register(kata, engine, ["ada", "bob"])
    _finish(engine)
    assert created == ["ada", "bob"], (
        f"register_all(engine, ['ada', 'bob']) returned {created!r}; expected ['ada', 'bob']."
    )
    got = sorted(_committed(kata, db_url))
    assert got == ["ada", "bob"], (
        f"After register_all, a new connection reads users {got!r}; expected ['ada', 'bob'], "
        "committed."
    )


def test_register_all_skips_repeats_in_the_list(kata, db_url):
    """A name repeated in the list is created once; the names before and after it are kept."""
    engine, _ = _setup(kata, db_url)
    names = ["ada", "bob", "ada", "cy"]
    created = _register(kata, engine, names)
    _finish(engine)
    assert created == ["ada", "bob", "cy"], (
        f"register_all(engine, {names!r}) returned {created!r}; expected ['ada', 'bob', 'cy']: "
        "the second 'ada' fails the UNIQUE constraint and is skipped."
    )
    got = sorted(_committed(kata, db_url))
    assert got == ["ada", "bob", "cy"], (
        f"register_all(engine, {names!r}) returned {created!r}, but a new connection reads users "
        f"{got!r}; expected ['ada', 'bob', 'cy']. A rollback of the whole transaction after the "
        "duplicate also throws away the names added before it: roll back only to a savepoint."
    )


def test_register_all_skips_names_already_taken(kata, db_url):
    """Names already in the table are skipped; the others are created and committed."""
    engine, _ = _setup(kata, db_url, {"bob": 7})
    names = ["ada", "bob", "cy"]
    created = _register(kata, engine, names)
    _finish(engine)
    assert created == ["ada", "cy"], (
        f"With 'bob' already registered, register_all(engine, {names!r}) returned {created!r}; "
        "expected ['ada', 'cy']."
    )
    got = _committed(kata, db_url)
    assert got == {"ada": 0, "bob": 7, "cy": 0}, (
        f"After register_all, a new connection reads {got!r}; expected ada and cy created "
        "(karma 0) and bob untouched (karma 7)."
    )


def test_register_all_lets_the_database_decide(kata, db_url, queries):
    """register_all tries the INSERT of a taken name and lets the UNIQUE constraint refuse it."""
    engine, _ = _setup(kata, db_url, {"bob": 7})
    inserts = r"^INSERT INTO user_account"
    seeded = len(queries.parameters(inserts))  # the check's own INSERT of bob comes first
    _register(kata, engine, ["ada", "bob", "cy"])
    _finish(engine)
    tried = [v for values in queries.parameters(inserts)[seeded:] for v in values]
    assert "bob" in tried, (
        f"register_all(engine, ['ada', 'bob', 'cy']) with 'bob' taken sent the INSERTs "
        f"{queries.matching(inserts)[seeded:]!r} with the values {tried!r}: it never "
        "tried to insert 'bob'. Looking the names up first and skipping the taken ones is a "
        "race: another request can take a name between your SELECT and your INSERT. Insert "
        "each name in its own savepoint (session.begin_nested()) and let the database's "
        "UNIQUE constraint refuse the taken ones with IntegrityError."
    )


def _fail_insert_of(engine: Engine, name: str) -> None:
    """From now on, the INSERT that carries `name` fails in the driver with OperationalError
    (as a lost connection or a full disk would), not with IntegrityError."""
    driver_error = engine.dialect.loaded_dbapi.OperationalError

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        # One parameter set is a tuple (SQLite) or a dict (psycopg2); executemany passes a list
        # of them, or (a batch of several rows in one INSERT) a single set.
        many = isinstance(parameters, list) and all(isinstance(p, dict | tuple) for p in parameters)
        sets: Any = parameters if many else [parameters]
        values = [v for one in sets for v in (one.values() if isinstance(one, dict) else one)]
        if statement.lstrip().upper().startswith("INSERT") and name in values:
            raise driver_error(f"simulated failure while inserting {name!r}")

    event.listen(engine, "before_cursor_execute", before_cursor_execute)


def test_register_all_catches_only_integrity_errors(kata, db_url):
    """An error other than a taken name (here the driver's OperationalError) propagates."""
    engine, _ = _setup(kata, db_url)
    _fail_insert_of(engine, "bob")
    try:
        created = kata.register_all(engine, ["ada", "bob", "cy"])
    except OperationalError:
        return
    finally:
        _finish(engine)
    pytest.fail(
        f"When inserting 'bob' failed with OperationalError (the database is gone, the disk is "
        f"full: not a taken name), register_all(engine, ['ada', 'bob', 'cy']) returned "
        f"{created!r} instead of letting the error propagate. A blanket `except Exception` "
        "hides failures that have nothing to do with duplicates: catch IntegrityError only.",
        pytrace=False,
    )
