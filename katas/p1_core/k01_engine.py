"""Kata 1.1 — The engine: one per application, connections borrowed and given back.

An Engine is SQLAlchemy's factory for database connections. It owns a connection pool, is safe
to share between threads, and is meant to be created once per database per application, then
passed around. A Connection is borrowed from the pool and must be given back (closed) promptly.

Build:
1. `make_engine(url, echo=False)` — create an Engine for `url`. Turn on `pool_pre_ping` so a
   connection that died while idle in the pool is replaced instead of failing your request, and
   pass `echo` through (echo=True logs every statement: handy while learning).
2. `get_engine(url)` — the application's engine for `url`: the first call creates it with
   `make_engine`, later calls with the same URL return that same Engine object.
3. `server_says_hello(engine)` — borrow a connection, run `SELECT 'hello'` with `text()`, return
   the single value, and give the connection back to the pool before returning.
4. `save_note(engine, body)` — insert a row into the `note` table (it exists: `id`, `body`) and
   make sure it is committed: `engine.begin()` opens a connection inside a transaction that
   commits when the block ends (and rolls back if it raises).

Run it: `checker kata 1.1`. The lesson: phases/p1_core/README.md, "The engine".
"""

from sqlalchemy import Engine, create_engine, text

# The engines made so far, keyed by URL: get_engine keeps them here.
_engines: dict[str, Engine] = {}


def make_engine(url: str, echo: bool = False) -> Engine:
    """A new Engine for `url` with pool_pre_ping on and `echo` passed through."""
    # TODO: call create_engine with pool_pre_ping=True and echo=echo
    raise NotImplementedError('call create_engine with pool_pre_ping=True and echo=echo')


def get_engine(url: str) -> Engine:
    """The one Engine for `url`: made on the first call, the same object after that."""
    # TODO: return the cached engine for url, creating it with make_engine the first time
    raise NotImplementedError('return the cached engine for url, creating it with make_engine the first time')


def server_says_hello(engine: Engine) -> str:
    """Run SELECT 'hello' on a pooled connection that is returned when done."""
    # TODO: borrow a connection in a `with` block and return the scalar result
    raise NotImplementedError('borrow a connection in a `with` block and return the scalar result')


def save_note(engine: Engine, body: str) -> None:
    """Insert a note with a bound parameter, committed when the function returns."""
    # TODO: use engine.begin() and a bound parameter (:body), never string formatting
    raise NotImplementedError('use engine.begin() and a bound parameter (:body), never string formatting')
