"""Kata 3.1 — Hybrid properties: one name, in Python and in SQL.

A post's score is `upvotes - downvotes`. You want it on an object (`post.score`, to show it) and
in queries (`ORDER BY upvotes - downvotes`, to rank posts in the database). A plain `@property`
gives you only the first: `Post.score` on the class is a property object that SQL cannot use. A
`@hybrid_property` gives you both from one definition: on an instance, SQLAlchemy calls your
function with the object (`self.upvotes` is a number); on the class, it calls the SAME function
with the class (`cls.upvotes` is a column), so the arithmetic builds a SQL expression instead.

That works when the Python code reads the same in both worlds (`+`, `-`, `==`, `<`). It does not
when the code uses something Python will not let a column overload: `is not None`, `if`/`else`,
`or`, `len()`, `max()`. Evaluated with columns, those run once, in Python, on the column objects,
and silently produce the wrong SQL (`nickname if nickname is not None else username` is always
`nickname`, because a column object is never None). Then you give the hybrid a separate SQL form
with `@<name>.inplace.expression`: Python code for instances, a SQL expression (`is_not(None)`,
`func.coalesce()`, `case()`) for the class, under one name.

The models are given: User (username, optional nickname) and Post (title, upvotes, downvotes,
published_at, which stays None until the post is published).

Build:
1. `Post.score` — a hybrid property: upvotes minus downvotes. The same code works for both forms.
2. `Post.is_published` — a hybrid property: True when published_at is set, False when it is None.
   Give it an expression for SQL: a boolean SQL condition, so that
   `select(Post).where(Post.is_published)` and `.where(~Post.is_published)` work.
3. `User.display_name` — a hybrid property: the nickname when the user has one (not None), else
   the username. Give it an expression for SQL that picks the same value in the database
   (`func.coalesce(...)` or `case(...)`), so it can be compared and sorted on.
4. `top_posts(session, limit)` — the titles of the `limit` published posts with the highest score,
   best first, ties by title (A to Z). Filter, sort and limit in ONE query, in the database, using
   the hybrids: never load every post to sort them in Python.
5. `users_called(session, name)` — the usernames of the users whose display name is exactly
   `name` (not a pattern: `%` and `_` are ordinary characters), alphabetically, in one query.

Run it: `checker kata 3.1`. The lesson: phases/p3_advanced/README.md, "Hybrid properties".
"""

from datetime import datetime

from sqlalchemy import ColumnElement, DateTime, String, func, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    nickname: Mapped[str | None] = mapped_column(String(50))

    # TODO: add the hybrid display_name (nickname if not None, else username) and its SQL expression
    # (no display_name yet)


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    upvotes: Mapped[int] = mapped_column(default=0)
    downvotes: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # TODO: add the hybrids score (upvotes - downvotes) and is_published (with its SQL expression)
    # (no score or is_published yet)


def top_posts(session: Session, limit: int) -> list[str]:
    """Titles of the `limit` best-scored published posts, best first, ties by title."""
    # TODO: one select(Post.title) filtered on Post.is_published, ordered by score desc then title, limited
    raise NotImplementedError('one select(Post.title) filtered on Post.is_published, ordered by score desc then title, limited')


def users_called(session: Session, name: str) -> list[str]:
    """Usernames of the users whose display name is exactly `name`, alphabetically."""
    # TODO: select usernames where User.display_name == name, ordered by username
    raise NotImplementedError('select usernames where User.display_name == name, ordered by username')
