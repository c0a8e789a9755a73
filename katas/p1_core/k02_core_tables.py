"""Kata 1.2 — Core beside the ORM: tables, connections and rows.

SQLAlchemy has two layers. Core is the SQL toolkit: a `MetaData` collection holds `Table`
objects, you build statements with `insert()`, `select()`, `update()` and `delete()`, run them on
a `Connection`, and get back `Row`s: read-only tuples with named fields. The ORM sits on top:
classes mapped to those tables and a `Session` that tracks objects and turns their changes into
Core statements. Every ORM model has a Core `Table` underneath (`User.__table__`), so the SQL you
build here is the SQL the ORM sends for you.

Reach for Core when objects get in the way: bulk loads, reports, schema tools, migrations. Use
the ORM for application logic about entities (a user, their posts, their votes).

The table for task 1, "user_account":

    id     Integer, primary key
    name   String(50), may not be NULL (two users may share a name)
    email  String(120), unique (no two users share one), may be NULL

Build, with Core only (no Session, no mapped classes):
1. `user_table` — the Core `Table` "user_account" above, registered in `metadata`.
2. `create_schema(engine)` — create the tables in `metadata` that the database does not have yet.
3. `add_user(connection, name, email=None)` — insert one user with `insert()` and return the new
   primary key as an int. The database hands the key back with the INSERT
   (`result.inserted_primary_key`): no second query. Do not commit: the caller owns the
   transaction and decides whether it commits.
4. `find_user(connection, user_id)` — the user's `Row` (so `row.name`, `row.email` work), or None
   when there is no such user.
5. `emails_of(connection, name_prefix)` — the emails of the users whose name starts with
   `name_prefix`, ordered by name; users without an email are left out. The database does the
   filtering and the sorting: one SELECT. The prefix is plain text: a `_` or `%` in it is that
   character, not a LIKE wildcard (`startswith(..., autoescape=True)` escapes them).

Run it: `checker kata 1.2`. The lesson: phases/p1_core/README.md, "Core beside the ORM".
"""

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    insert,
    select,
)

# The collection of Table objects for this module; create_all() walks it.
metadata = MetaData()

# TODO: add name (String(50), NOT NULL) and email (String(120), unique, nullable)
user_table = Table("user_account", metadata, Column("id", Integer, primary_key=True))


def create_schema(engine: Engine) -> None:
    """Create the tables in `metadata` that do not exist yet."""
    # TODO: ask metadata to create all its tables on the engine
    raise NotImplementedError('ask metadata to create all its tables on the engine')


def add_user(connection: Connection, name: str, email: str | None = None) -> int:
    """Insert a user and return the new id; the caller commits."""
    # TODO: execute insert(user_table).values(...); the new key is on the result
    raise NotImplementedError('execute insert(user_table).values(...); the new key is on the result')


def find_user(connection: Connection, user_id: int) -> Row | None:
    """The user_account row with this id, or None."""
    # TODO: select(user_table) where the id column equals user_id; one row or None
    raise NotImplementedError('select(user_table) where the id column equals user_id; one row or None')


def emails_of(connection: Connection, name_prefix: str) -> list[str]:
    """Emails of users whose name starts with name_prefix, ordered by name; no NULLs."""
    # TODO: select(email column).where(startswith, is_not(None)).order_by(name column)
    raise NotImplementedError('select(email column).where(startswith, is_not(None)).order_by(name column)')
