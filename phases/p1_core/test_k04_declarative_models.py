"""Checks for kata 1.4 — declarative models."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import DateTime, create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session


def _user_model(kata):
    """The learner's User class, after checking that Base and User are declarative models."""
    base, user = kata.Base, kata.User
    assert isinstance(base, type) and issubclass(base, DeclarativeBase), (
        f"Base is {base!r}, which does not subclass sqlalchemy.orm.DeclarativeBase; write "
        "`class Base(DeclarativeBase): pass` (declarative_base() is the 1.x API)."
    )
    assert issubclass(user, base) and getattr(user, "__table__", None) is not None, (
        "User is not mapped: it should subclass Base and set __tablename__ = 'user_account'."
    )
    assert user.__table__.name == "user_account", (
        f"User is mapped to the table {user.__table__.name!r}; expected 'user_account'."
    )
    return user


def _create_tables(kata, engine):
    user = _user_model(kata)
    kata.Base.metadata.create_all(engine)
    return user


def _as_utc(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back (they hold UTC wall time); Postgres gives aware ones."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _close_to_now(moment: datetime) -> bool:
    return abs(_as_utc(moment) - datetime.now(UTC)) < timedelta(minutes=2)


def test_base_is_a_declarative_base(kata):
    """Base subclasses DeclarativeBase and its metadata holds the user_account table."""
    user = _user_model(kata)
    tables = kata.Base.metadata.tables
    assert "user_account" in tables and tables["user_account"] is user.__table__, (
        f"Base.metadata.tables has {sorted(tables)!r}; expected the User model's 'user_account'."
    )


def test_user_round_trip(kata, engine):
    """A User saved with username and email is read back by a new session, with an id."""
    User = _create_tables(kata, engine)
    with Session(engine) as session:
        session.add(User(username="ada", email="ada@example.com"))
        session.commit()
    with Session(engine) as session:
        users = session.scalars(select(User)).all()
        assert len(users) == 1, f"After saving one User, select(User) returned {users!r}."
        ada = users[0]
        assert (ada.username, ada.email) == ("ada", "ada@example.com"), (
            f"Saved username='ada', email='ada@example.com'; read back {ada.username!r}, "
            f"{ada.email!r}."
        )
        assert isinstance(ada.id, int), (
            f"The saved User has id {ada.id!r}; expected an integer key."
        )


def test_username_is_required(kata, engine):
    """A User without a username is refused by the database (NOT NULL)."""
    User = _create_tables(kata, engine)
    with Session(engine) as session:
        session.add(User(email="nobody@example.com"))
        with pytest.raises(IntegrityError):
            session.commit()
            pytest.fail(
                "Saving User(email='nobody@example.com') without a username worked; expected an "
                "IntegrityError. `username: Mapped[str]` (not `str | None`) makes the column "
                "NOT NULL."
            )


def test_username_is_unique(kata, engine):
    """A second User with the same username is refused by the database."""
    User = _create_tables(kata, engine)
    with Session(engine) as session:
        session.add(User(username="ada"))
        session.commit()
        session.add(User(username="ada"))
        with pytest.raises(IntegrityError):
            session.commit()
            pytest.fail(
                "Saving two Users named 'ada' worked; expected an IntegrityError from a unique "
                "constraint or unique index on username (mapped_column(..., unique=True))."
            )


def test_username_is_indexed(kata, engine):
    """The database has an index of its own on user_account.username."""
    _create_tables(kata, engine)
    indexes = inspect(engine).get_indexes("user_account")
    on_username = [
        ix
        for ix in indexes
        if ix["column_names"] == ["username"] and not ix.get("duplicates_constraint")
    ]
    assert on_username, (
        f"inspect(engine).get_indexes('user_account') returned {indexes!r}; expected an index on "
        "username (mapped_column(..., index=True), which with unique=True becomes a unique index)."
    )


def test_username_is_varchar_50(kata, engine):
    """username is a string column of at most 50 characters."""
    _create_tables(kata, engine)
    columns = {c["name"]: c for c in inspect(engine).get_columns("user_account")}
    assert "username" in columns, f"user_account has the columns {sorted(columns)!r}; no username."
    length = getattr(columns["username"]["type"], "length", None)
    assert length == 50, (
        f"The database says username is {columns['username']['type']!r} (length {length!r}); "
        "expected String(50)."
    )


def test_optional_columns_accept_null(kata, engine):
    """A User with only a username is saved: email and last_login stay empty (NULL)."""
    User = _create_tables(kata, engine)
    with Session(engine) as session:
        session.add(User(username="ada"))
        try:
            session.commit()
        except IntegrityError as exc:
            pytest.fail(
                f"Saving User(username='ada') failed: {exc.orig}. email and last_login are "
                "optional: annotate them Mapped[... | None] so the columns allow NULL."
            )
    with Session(engine) as session:
        ada = session.scalars(select(User)).one()
        assert ada.email is None and ada.last_login is None, (
            f"User(username='ada') was read back with email={ada.email!r}, "
            f"last_login={ada.last_login!r}; expected both None."
        )


def test_created_schema_has_every_constraint(kata, engine):
    """The database reports each column's NULL/NOT NULL, the key, a server default on
    created_at only, and a unique index on username."""
    _create_tables(kata, engine)
    found = inspect(engine)
    columns = {column["name"]: column for column in found.get_columns("user_account")}
    expected = ["created_at", "email", "id", "is_active", "last_login", "username"]
    assert sorted(columns) == expected, (
        f"The database's user_account has the columns {sorted(columns)}; expected {expected}."
    )
    primary = found.get_pk_constraint("user_account")["constrained_columns"]
    assert primary == ["id"], f"user_account's primary key is {primary}; expected ['id']."
    required = {"username": True, "email": False, "is_active": True, "created_at": True}
    required["last_login"] = False
    for name, not_null in required.items():
        want = "NOT NULL (Mapped[...] without None)" if not_null else "NULL (Mapped[... | None])"
        assert columns[name]["nullable"] is not not_null, (
            f"The database says user_account.{name} is "
            f"{'NULL' if columns[name]['nullable'] else 'NOT NULL'}; expected {want}."
        )
    assert columns["created_at"]["default"] is not None, (
        "The database has no default for user_account.created_at; expected one "
        "(server_default=func.now()), so that every INSERT gets a time, not only the ORM's."
    )
    unique = [ix["column_names"] for ix in found.get_indexes("user_account") if ix["unique"]]
    unique += [c["column_names"] for c in found.get_unique_constraints("user_account")]
    assert ["username"] in unique, (
        f"The database reports these unique column sets on user_account: {unique}; expected "
        "one on username (mapped_column(String(50), unique=True, index=True))."
    )


def test_created_at_is_stamped_per_row(kata, engine, db):
    """Two rows inserted a moment apart get two different created_at values."""
    _create_tables(kata, engine)
    insert_one = text("INSERT INTO user_account (username, is_active) VALUES (:name, :active)")
    stamps = []
    for name in ("ada", "bob"):
        with engine.begin() as connection:
            connection.execute(insert_one, {"name": name, "active": True})
            stamps.append(
                connection.execute(
                    select(kata.User.created_at).where(kata.User.username == name)
                ).scalar_one()
            )
        # SQLite's CURRENT_TIMESTAMP counts whole seconds; Postgres's now() microseconds.
        time.sleep(1.1 if db.dialect == "sqlite" else 0.01)
    assert stamps[0] is not None and stamps[1] is not None and stamps[1] > stamps[0], (
        f"Two users inserted about a second apart got created_at {stamps[0]!r} and "
        f"{stamps[1]!r}; expected the second to be later. A server default must be computed "
        "by the database for each row (server_default=func.now()), not a value fixed once "
        "when the module was imported."
    )


def test_is_active_defaults_to_true(kata, engine):
    """is_active is True when not given, and an explicit False is kept."""
    User = _create_tables(kata, engine)
    with Session(engine) as session:
        session.add_all([User(username="ada"), User(username="bob", is_active=False)])
        try:
            session.commit()
        except IntegrityError as exc:
            pytest.fail(
                f"Saving User(username='ada') failed: {exc.orig}. Give is_active default=True."
            )
    with Session(engine) as session:
        active = {
            name: flag for name, flag in session.execute(select(User.username, User.is_active))
        }
    assert active == {"ada": True, "bob": False}, (
        f"Read back is_active per username as {active!r}; expected ada True (not given: the "
        "default) and bob False (given)."
    )


def test_created_at_is_filled_by_the_database(kata, engine):
    """A row inserted with plain SQL, bypassing the ORM, still gets created_at from the server."""
    _create_tables(kata, engine)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO user_account (username, is_active) VALUES (:name, :active)"),
                {"name": "ada", "active": True},
            )
    except IntegrityError as exc:
        pytest.fail(
            f"INSERT INTO user_account (username, is_active) failed: {exc.orig}. The database "
            "has no default for created_at: use server_default=func.now(); default= is applied "
            "only by SQLAlchemy's own INSERTs."
        )
    with engine.connect() as connection:
        created = connection.execute(
            select(kata.User.created_at).where(kata.User.username == "ada")
        ).scalar_one()
    assert created is not None and _close_to_now(created), (
        f"After a plain-SQL INSERT, created_at is {created!r}; expected the database to fill in "
        "the current time (server_default=func.now())."
    )


def test_created_at_is_loaded_after_an_orm_insert(kata, engine):
    """After a User is committed, user.created_at holds the time the database set."""
    User = _create_tables(kata, engine)
    with Session(engine) as session:
        ada = User(username="ada")
        session.add(ada)
        session.commit()
        created = ada.created_at
    assert isinstance(created, datetime) and _close_to_now(created), (
        f"After commit, User(username='ada').created_at is {created!r}; expected the current "
        "time, set by the database."
    )


def test_datetime_columns_are_timezone_aware(kata):
    """created_at and last_login are DateTime(timezone=True); created_at is NOT NULL."""
    table = _user_model(kata).__table__
    for name in ("created_at", "last_login"):
        assert name in table.c, (
            f"user_account has no {name} column (it has {list(table.c.keys())!r})."
        )
        column_type = table.c[name].type
        assert isinstance(column_type, DateTime) and column_type.timezone, (
            f"User.{name} has the type {column_type!r}; expected DateTime(timezone=True), which "
            "is TIMESTAMP WITH TIME ZONE on Postgres."
        )
    assert not table.c.created_at.nullable, (
        "User.created_at allows NULL; annotate it Mapped[datetime] (every row has one)."
    )
    assert table.c.last_login.nullable, (
        "User.last_login is NOT NULL; annotate it Mapped[datetime | None] (no login yet)."
    )


@pytest.mark.postgres_only
def test_postgres_stores_timestamptz(kata, engine):
    """On Postgres the datetime columns are timestamptz and come back timezone-aware."""
    User = _create_tables(kata, engine)
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("user_account")}
    for name in ("created_at", "last_login"):
        assert getattr(columns.get(name), "timezone", False), (
            f"Postgres says {name} is {columns.get(name)!r}; expected TIMESTAMP WITH TIME ZONE."
        )
    with Session(engine) as session:
        session.add(User(username="ada"))
        session.commit()
    with Session(engine) as session:
        created = session.scalars(select(User.created_at)).one()
    assert created.tzinfo is not None, (
        f"created_at came back as {created!r}; expected an aware datetime."
    )


def test_record_login_sets_an_aware_utc_time(kata, engine):
    """record_login(session, user) sets last_login to now as an aware datetime in UTC."""
    User = _create_tables(kata, engine)
    # expire_on_commit=False keeps the value record_login assigned, instead of reloading it
    # (SQLite would hand back a naive datetime and hide what the code did).
    with Session(engine, expire_on_commit=False) as session:
        ada = User(username="ada")
        session.add(ada)
        session.commit()
        kata.record_login(session, ada)
        stamped = ada.last_login
    assert isinstance(stamped, datetime), (
        f"After record_login(session, user), user.last_login is {stamped!r}; expected a datetime."
    )
    assert stamped.tzinfo is not None and stamped.utcoffset() is not None, (
        f"record_login set last_login = {stamped!r}, a naive datetime (no time zone). Use "
        "datetime.now(timezone.utc); datetime.utcnow() and datetime.now() are naive."
    )
    assert stamped.utcoffset() == timedelta(0), (
        f"record_login set last_login = {stamped!r}, offset {stamped.utcoffset()}; expected UTC."
    )
    assert _close_to_now(stamped), f"record_login set last_login = {stamped!r}; expected now."


def test_record_login_stamps_every_login(kata, engine):
    """A second login moves last_login forward: it is set to now each time, not only once."""
    User = _create_tables(kata, engine)
    with Session(engine, expire_on_commit=False) as session:
        ada = User(username="ada")
        session.add(ada)
        session.commit()
        kata.record_login(session, ada)
        first = ada.last_login
        time.sleep(0.01)
        kata.record_login(session, ada)
        second = ada.last_login
    assert first is not None and second is not None and _as_utc(second) > _as_utc(first), (
        f"record_login(session, user) called twice, 10 ms apart, left last_login at {first!r} "
        f"and then {second!r}; expected the second login to be later. Set it to "
        "datetime.now(timezone.utc) on every call, whatever it was before."
    )


def test_record_login_commits(kata, db_url):
    """After record_login, a new connection sees last_login set: the change was committed."""
    setup = create_engine(db_url)
    User = _create_tables(kata, setup)
    with Session(setup) as session:
        session.add(User(username="ada"))
        session.commit()
        ada = session.scalars(select(User)).one()
        kata.record_login(session, ada)
    setup.dispose()  # anything left uncommitted is rolled back with its connection
    reader = create_engine(db_url)
    with reader.connect() as connection:
        stored = connection.execute(select(User.last_login)).scalar_one()
    reader.dispose()
    assert stored is not None and _close_to_now(stored), (
        f"After record_login(session, user), a new connection reads last_login = {stored!r}; "
        "expected the current time. Did record_login call session.commit()?"
    )
