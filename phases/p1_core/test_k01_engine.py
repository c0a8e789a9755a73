"""Checks for kata 1.1 — the engine."""

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, create_engine, text

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


def test_get_engine_creates_one_engine_per_url(kata, db_url, tmp_path):
    """
    get_engine(url) returns the same Engine every time for one URL, a different one for another.
    """
    first, second = kata.get_engine(db_url), kata.get_engine(db_url)
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
    kata.server_says_hello(engine)
    assert engine.pool.checkedout() == 0, (
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


def test_save_note_uses_bound_parameter(kata, engine, queries):
    """save_note sends the body as a bound parameter, so quotes in it are safe."""
    notes.create_all(engine)
    tricky = "it's O'Brien's note"
    kata.save_note(engine, tricky)
    with engine.connect() as connection:
        bodies = connection.execute(text("SELECT body FROM note")).scalars().all()
    assert bodies == [tricky], f"save_note stored {bodies!r}; expected [{tricky!r}]."
    inserts = queries.matching(r"^INSERT INTO note")
    assert inserts and "O'Brien" not in inserts[0], (
        f"save_note sent {inserts!r}: the text is inside the SQL. Pass it as a parameter: "
        "text('INSERT INTO note (body) VALUES (:body)') with {'body': body}."
    )
