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

    # BEGIN SOLUTION add the hybrid display_name (nickname if not None, else username) and its SQL expression
    # STUB: # (no display_name yet)

    @hybrid_property
    def display_name(self) -> str:
        return self.nickname if self.nickname is not None else self.username

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls) -> ColumnElement[str]:
        # `if ... is not None` cannot become SQL; COALESCE picks the first non-NULL value
        return func.coalesce(cls.nickname, cls.username)

    # END SOLUTION


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    upvotes: Mapped[int] = mapped_column(default=0)
    downvotes: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # BEGIN SOLUTION add the hybrids score (upvotes - downvotes) and is_published (with its SQL expression)
    # STUB: # (no score or is_published yet)

    @hybrid_property
    def score(self) -> int:
        # the same code reads as Python arithmetic on an object and as SQL on the class
        return self.upvotes - self.downvotes

    @hybrid_property
    def is_published(self) -> bool:
        return self.published_at is not None

    @is_published.inplace.expression
    @classmethod
    def _is_published_expression(cls) -> ColumnElement[bool]:
        # `is not None` cannot be overloaded; on a column it is always True
        return cls.published_at.is_not(None)

    # END SOLUTION


def top_posts(session: Session, limit: int) -> list[str]:
    """Titles of the `limit` best-scored published posts, best first, ties by title."""
    # BEGIN SOLUTION one select(Post.title) filtered on Post.is_published, ordered by score desc then title, limited
    query = (
        select(Post.title)
        .where(Post.is_published)
        .order_by(Post.score.desc(), Post.title)
        .limit(limit)
    )
    return list(session.scalars(query))
    # END SOLUTION


def users_called(session: Session, name: str) -> list[str]:
    """Usernames of the users whose display name is exactly `name`, alphabetically."""
    # BEGIN SOLUTION select usernames where User.display_name == name, ordered by username
    query = select(User.username).where(User.display_name == name).order_by(User.username)
    return list(session.scalars(query))
    # END SOLUTION
