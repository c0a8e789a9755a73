"""Checks for kata 1.1 — the engine."""

import sys

import pytest
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    text,
)
from sqlalchemy.exc import DBAPIError

# The note table save_note writes to, created portably (an autoincrementing key differs by
# database).
notes = MetaData()
Table("note", notes, Column("id", Integer, primary_key=True), Column("body", String(200)))


def _make_note_table(url: str) -> None:
    setup = create_engine(url)
    notes.create_all(setup)
    setup.dispose()


def test_make_engine_returns_engine_for_url(kata, db_url):
    """make_engine(url) returns an Engine connected to that URL."""
    engine = kata.make_engine(db_url)
    assert isinstance(engine, Engine), (
        f"make_engine(url) returned {engine!r}; expected an Engine from create_engine(url)."
    )
    assert engine.url.render_as_string(hide_password=False) == db_url, (
        f"make_engine(url) made an engine for {engine.url!r}; expected the URL it was given."
    )
    engine.dispose()


def test_make_engine_pre_pings(kata, db_url):
    """make_engine turns pool_pre_ping on."""
    engine = kata.make_engine(db_url)
    assert engine.pool._pre_ping, (
        "make_engine(url) made an engine whose pool does not pre-ping; pass pool_pre_ping=True "
        "to create_engine so connections that died while idle are replaced."
    )
    engine.dispose()


def test_make_engine_passes_echo_through(kata, db_url):
    """make_engine(url, echo=True) logs SQL; the default does not."""
    loud, quiet = kata.make_engine(db_url, echo=True), kata.make_engine(db_url)
    assert loud.echo is True, f"make_engine(url, echo=True).echo is {loud.echo!r}; expected True."
    assert not quiet.echo, f"make_engine(url).echo is {quiet.echo!r}; expected False by default."
    loud.dispose(), quiet.dispose()


def test_get_engine_creates_one_engine_per_url(kata, db_url, tmp_path, monkeypatch):
    """
    get_engine(url) returns the same Engine every time for one URL, a different one for another.
    """
    made: list[str] = []
    make_engine = kata.make_engine
    module = sys.modules[kata.get_engine.__module__]  # get_engine looks make_engine up here

    def counting_make_engine(url, *args, **kwargs):
        made.append(url)
        return make_engine(url, *args, **kwargs)

    monkeypatch.setattr(module, "make_engine", counting_make_engine)
    first, second = kata.get_engine(db_url), kata.get_engine(db_url)
    assert len(made) == 1, (
        f"get_engine(url) called twice called make_engine {len(made)} times; expected once: the "
        "first call makes the engine with make_engine and keeps it, the second returns the kept "
        "one without making another (`_engines.setdefault(url, make_engine(url))` makes a new "
        "engine on every call, even though it returns the first)."
    )
    assert isinstance(first, Engine), f"get_engine(url) returned {first!r}; expected an Engine."
    assert first is second, (
        "get_engine(url) called twice returned two different Engine objects; an application "
        "should create one engine per database and reuse it (each engine has its own pool)."
    )
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    other = kata.get_engine(other_url)
    assert other is not first, "get_engine returned the same Engine for two different URLs."
    got_url = other.url.render_as_string(hide_password=False)
    assert got_url == other_url, (
        f"get_engine({other_url!r}) returned an Engine for {got_url!r}; "
        "expected one for the URL given."
    )
    assert other.pool._pre_ping, (
        "get_engine should build its engine with make_engine (pre-ping on)."
    )


def test_server_says_hello(kata, engine):
    """server_says_hello(engine) returns 'hello' from the database."""
    answer = kata.server_says_hello(engine)
    assert answer == "hello", f"server_says_hello(engine) returned {answer!r}; expected 'hello'."


def test_server_says_hello_returns_the_connection(kata, engine, queries):
    """server_says_hello gives its connection back to the pool and sends one statement."""
    opened = _opened_connections(engine)
    kata.server_says_hello(engine)
    left_open = [connection for connection in opened if not connection.closed]
    assert not left_open and engine.pool.checkedout() == 0, (
        "After server_says_hello(engine) the pool still has a connection checked out: open it "
        "with `with engine.connect() as connection:` so it is returned even if a query fails."
    )
    assert queries.matching(r"SELECT\s+'hello'"), (
        f"server_says_hello sent {queries.statements!r}; expected SELECT 'hello'."
    )


def test_save_note_commits(kata, db_url):
    """save_note(engine, body) leaves a committed row that another connection can read."""
    _make_note_table(db_url)
    engine = create_engine(db_url)
    kata.save_note(engine, "first note")
    engine.dispose()  # a note that was never committed disappears with its connection
    reader = create_engine(db_url)
    with reader.connect() as connection:
        bodies = connection.execute(text("SELECT body FROM note")).scalars().all()
    reader.dispose()
    assert bodies == ["first note"], (
        f"After save_note(engine, 'first note'), a new connection reads {bodies!r} from note; "
        "expected ['first note']. Was the transaction committed? (engine.begin() commits.)"
    )


# Values that break SQL written around them: a quote, a backslash, a LIKE/format wildcard and an
# attempt to end the statement.
HOSTILE = ["it's O'Brien's note", "back\\slash", "100% sure", "'; --"]


def test_save_note_uses_bound_parameter(kata, engine, queries):
    """save_note sends the body as a bound parameter: hostile text is stored exactly as given."""
    notes.create_all(engine)
    for body in HOSTILE:
        try:
            kata.save_note(engine, body)
        except DBAPIError as error:
            pytest.fail(
                f"save_note(engine, {body!r}) made the database raise "
                f"{type(error.orig).__name__}: {error.orig}. The text was pasted into the SQL. "
                "Pass it as a parameter: text('INSERT INTO note (body) VALUES (:body)') with "
                "{'body': body}.",
                pytrace=False,
            )
    with engine.connect() as connection:
        bodies = connection.execute(text("SELECT body FROM note ORDER BY id")).scalars().all()
    assert bodies == HOSTILE, (
        f"save_note was called with {HOSTILE!r} in turn; the note table holds {bodies!r}. "
        "Each body must be stored exactly as given, and every call adds a row."
    )
    bound = [values for values in queries.parameters(r"^INSERT INTO note")]
    missing = [body for body in HOSTILE if not any(body in values for values in bound)]
    assert not missing, (
        f"save_note sent {queries.matching(r'^INSERT INTO note')!r} with the bound values "
        f"{bound!r}: the bodies {missing!r} were not among them, so they travelled inside the SQL "
        "text (escaping quotes by hand is not binding). Write text('INSERT INTO note (body) "
        "VALUES (:body)') and pass {'body': body} to execute()."
    )


def _opened_connections(engine: Engine) -> list[Connection]:
    """Every Connection `engine` hands out from now on, held here so that one the code forgot
    to close stays checked out instead of being quietly returned by the garbage collector."""
    opened: list[Connection] = []
    event.listen(engine, "engine_connect", opened.append)
    return opened


def test_save_note_returns_the_connection(kata, engine):
    """save_note closes its connection, giving it back to the pool, when it is done."""
    notes.create_all(engine)
    opened = _opened_connections(engine)
    kata.save_note(engine, "first note")
    left_open = [connection for connection in opened if not connection.closed]
    assert not left_open and engine.pool.checkedout() == 0, (
        f"After save_note(engine, 'first note') {len(left_open)} connection(s) it opened were "
        "never closed, so they stay checked out of the pool until the garbage collector finds "
        "them: `with engine.begin() as connection:` commits and closes it when the block ends."
    )
