"""Kata 1.3 — Raw SQL with text() and bound parameters.

Sometimes you want to write the SQL yourself: a report, a database-specific feature, a query you
already have. `text()` wraps a SQL string so SQLAlchemy can run it, and `:name` placeholders in it
become *bound parameters*: the values travel to the database separately from the SQL, so the
database never reads them as SQL. Building the string with an f-string instead lets a value such as
`x' OR '1'='1` rewrite your query. That is SQL injection, and bound parameters prevent it.

    connection.execute(text("SELECT id FROM post WHERE title = :title"), {"title": title})

The tables (the checks create them; `create_schema(engine)` below makes them for your own tries):

    user_account  id, name (unique), email
    post          id, author_id -> user_account.id, title

Build, with `text()` and bound parameters only (no f-strings, `%` or `.format()` into SQL):
1. `find_user_by_name(connection, name)` — the user_account Row (id, name, email) whose name is
   exactly `name`, or None. A name like `x' OR '1'='1` must find nobody, and `O'Brien` must work.
2. `posts_with_ids(connection, ids)` — the post Rows (id, title) whose id is in the list `ids`,
   ordered by id. One placeholder cannot hold a list: declare it
   `bindparam("ids", expanding=True)` and SQLAlchemy expands it to one parameter per item
   (and copes with an empty list).
3. `search_titles(connection, fragment)` — the titles of posts containing `fragment`, in
   alphabetical order. Use LIKE with a placeholder, and put the `%` wildcards into the *value*
   you bind, not into the SQL string. The fragment is plain text: a `%` or `_` in it must match
   only itself, so escape them in the value and name the escape character in the SQL
   (`LIKE :pattern ESCAPE '/'`, binding `100/%` for `100%`; the escape character itself is
   escaped too, `/` becomes `//`).

Run it: `checker kata 1.3`. The lesson: phases/p1_core/README.md, "Raw SQL with text() and bound
parameters".
"""

from collections.abc import Sequence

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    bindparam,
    text,
)

# Provided: the tables the queries below read. Leave them as they are.
metadata = MetaData()
Table(
    "user_account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False, unique=True),
    Column("email", String(120)),
)
Table(
    "post",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("author_id", ForeignKey("user_account.id"), nullable=False),
    Column("title", String(200), nullable=False),
)


def create_schema(engine: Engine) -> None:
    """Provided: create user_account and post, for trying your functions out."""
    metadata.create_all(engine)


def find_user_by_name(connection: Connection, name: str) -> Row | None:
    """The user named exactly `name`, or None."""
    # BEGIN SOLUTION text() with a :name placeholder; the value goes in execute(statement, {...})
    statement = text("SELECT id, name, email FROM user_account WHERE name = :name")
    return connection.execute(statement, {"name": name}).one_or_none()
    # END SOLUTION


def posts_with_ids(connection: Connection, ids: Sequence[int]) -> list[Row]:
    """The posts whose id is in `ids`, ordered by id."""
    # BEGIN SOLUTION WHERE id IN :ids, with .bindparams(bindparam("ids", expanding=True))
    statement = text("SELECT id, title FROM post WHERE id IN :ids ORDER BY id").bindparams(
        bindparam("ids", expanding=True)
    )
    return list(connection.execute(statement, {"ids": list(ids)}))
    # END SOLUTION


def search_titles(connection: Connection, fragment: str) -> list[str]:
    """Titles of the posts containing `fragment`, alphabetical."""
    # BEGIN SOLUTION LIKE :pattern ESCAPE '/', binding f"%{escaped}%" with /, % and _ escaped
    escaped = fragment.replace("/", "//").replace("%", "/%").replace("_", "/_")
    statement = text("SELECT title FROM post WHERE title LIKE :pattern ESCAPE '/' ORDER BY title")
    return list(connection.scalars(statement, {"pattern": f"%{escaped}%"}))
    # END SOLUTION
