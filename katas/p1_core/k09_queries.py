"""Kata 1.9 — Queries: select(), filtering, ordering, paging and aggregates.

In SQLAlchemy 2 every query is a `select()` statement that you build and then run with the
Session. `select(User)` yields User objects, `select(User.username)` yields plain values, and
`select(User.username, func.count(Post.id))` yields rows (named tuples):

- `session.scalars(stmt)` gives the first column of each row: use it for objects or one column.
- `session.execute(stmt)` gives Row objects: use it when you select several columns.
- On either result, `.all()` is a list, `.one()` exactly one (else an error), `.one_or_none()`
  one or None (an error if there are several), `.first()` the first row or None.
- `session.scalar(stmt)` is the first column of the first row: handy for a COUNT or a SUM.

Filtering: `.where(User.email == email)` (`.filter()` is the same method under another name) takes
any SQL expression; `.filter_by(email=email)` is shorthand for equality on the selected entity.
Ordering and paging: `.order_by(...)`, `.limit(n)`, `.offset(n)`. Aggregates come from `func`
(`func.count`, `func.sum`, ...); `.group_by(...)` makes one row per group and `.having(...)`
filters those groups (WHERE filters rows before grouping and cannot use an aggregate).

Let the database do the work: counting or filtering in Python means fetching every row first.

The models are given: User (username, email, is_active) and Post (author_id, title, created_at,
views). Every function receives an open Session and only reads.

Build:
1. `active_usernames(session)` — the usernames of the active users, alphabetical, as a list of
   strings.
2. `find_by_email(session, email)` — the User with that email, or None if there is none.
3. `page_of_posts(session, page, per_page)` — one page of posts, newest `created_at` first (posts
   with the same `created_at`: the higher id first). Pages are numbered from 1; a page past the
   end is an empty list. Page in SQL (LIMIT/OFFSET), not by slicing a list in Python.
4. `count_posts(session, author_id)` — how many posts that user wrote, counted by the database
   with `func.count` (one query, no post rows fetched).
5. `total_views(session, author_id)` — the sum of `views` over that user's posts; 0 when the
   user has no posts (SUM over no rows is NULL: `func.coalesce` turns it into 0).
6. `prolific_authors(session, min_posts)` — `(username, number_of_posts)` pairs for the users
   with at least `min_posts` posts, most posts first, ties by username. Group in SQL with
   `group_by` and keep the groups with `having`.

Run it: `checker kata 1.9`. The lesson: phases/p1_core/README.md, "Queries".
"""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    views: Mapped[int] = mapped_column(default=0)


def active_usernames(session: Session) -> list[str]:
    """Usernames of active users, in alphabetical order."""
    # TODO: select User.username where is_active, ordered; session.scalars(...).all()
    raise NotImplementedError('select User.username where is_active, ordered; session.scalars(...).all()')


def find_by_email(session: Session, email: str) -> User | None:
    """The User whose email is `email`, or None."""
    # TODO: filter_by(email=...) and .one_or_none()
    raise NotImplementedError('filter_by(email=...) and .one_or_none()')


def page_of_posts(session: Session, page: int, per_page: int) -> list[Post]:
    """Page `page` (from 1) of posts, newest first, `per_page` to a page."""
    # TODO: order_by newest first (then id), offset the pages before this one, limit per_page
    raise NotImplementedError('order_by newest first (then id), offset the pages before this one, limit per_page')


def count_posts(session: Session, author_id: int) -> int:
    """The number of posts by `author_id`, counted in SQL."""
    # TODO: count in SQL: select(func.count()) from post where ..., read with session.scalar()
    raise NotImplementedError('count in SQL: select(func.count()) from post where ..., read with session.scalar()')


def total_views(session: Session, author_id: int) -> int:
    """The sum of views over the posts by `author_id`; 0 when there are none."""
    # TODO: func.sum(Post.views) wrapped in func.coalesce(..., 0)
    raise NotImplementedError('func.sum(Post.views) wrapped in func.coalesce(..., 0)')


def prolific_authors(session: Session, min_posts: int) -> list[tuple[str, int]]:
    """(username, post count) for users with at least `min_posts` posts, most first,
    then by name."""
    # TODO: join User to Post, group_by the user, having count >= min_posts, order_by
    raise NotImplementedError('join User to Post, group_by the user, having count >= min_posts, order_by')
