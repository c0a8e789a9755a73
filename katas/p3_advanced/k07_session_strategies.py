"""Kata 3.7 — Session strategies: identity map, expiry, refresh, merge and detached objects.

A Session is not a connection with a cache bolted on; it is a unit of work with rules about the
objects it holds. Most surprises in ORM code ("why did that send a query?", "why is this value
old?", "DetachedInstanceError!") come from five of them:

- **Identity map.** A session holds at most one object per row. `session.get(User, 1)` looks there
  first and sends no SQL when the user is already loaded; twice gives the same object. A
  `select()` always asks the database (and still hands back that same object).
- **Expire on commit.** By default `commit()` expires every object: its attributes are forgotten,
  and the next read sends a SELECT for fresh values. Handy while the session is open; once the
  session is closed there is nothing to send that SELECT with, and reading raises
  `DetachedInstanceError`. `expire_on_commit=False` keeps the loaded values after a commit.
- **Refresh.** `session.refresh(obj)` reloads the object's row now, replacing what the session
  had in memory for it, its unflushed changes included. `session.expire(obj)` only marks it, so
  the SELECT comes later, on the next read, and needs a session then.
- **Merge.** An object from a session that has closed is *detached*. `session.merge(obj)` copies
  its state onto the instance this session has for that row (loading it if needed) and returns
  that instance; the object you passed stays detached. `session.add(obj)` would attach the object
  itself instead, and fails when the session already holds another object for the same row.
- **Detached objects.** What was loaded before a session closed stays readable; anything else
  (an expired attribute, a lazy relationship) raises `DetachedInstanceError`. A function that
  returns objects past its own session must decide what the caller may read and load it first.

The models are given: User (username, email, posts) and Post (title, author).

Build:
1. `find_user(session, user_id)` — the User with that id, or None. When the session already holds
   that user, return it without sending any SQL.
2. `make_session_factory(engine)` — a session factory bound to `engine` whose sessions keep the
   loaded values of their objects after a commit: reading an attribute after `commit()` sends no
   SQL, and the objects stay readable once the session is closed.
3. `reload(session, user)` — read `user`'s row from the database again now and return `user`:
   values committed elsewhere since it was loaded replace the old ones, changes made to `user`
   but not flushed are discarded (never written), the session's other unsaved work is kept and
   not committed, and afterwards `user`'s attributes read without SQL, even once the session
   closes.
4. `save_detached(session, user)` — `user` is detached (loaded by a session that has since
   closed) and carries changes. Copy its state into `session`, commit, and return the User that
   `session` manages for that row (not `user`: it stays detached). It must work when `session`
   already holds that user too.
5. `register(engine, username, email, titles)` — create a user with one post per title on a
   session of your own, commit, close the session, and return the user. The caller then reads
   `user.id`, `user.username`, `user.email` and each post's `id` and `title` through `user.posts`:
   all of it without a session and without SQL.

Run it: `checker kata 3.7`. The lesson: phases/p3_advanced/README.md, "3.7 Session strategies".
"""

from sqlalchemy import Engine, ForeignKey, String
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[str] = mapped_column(String(120))

    posts: Mapped[list["Post"]] = relationship(back_populates="author", order_by="Post.id")


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))

    author: Mapped["User"] = relationship(back_populates="posts")


def find_user(session: Session, user_id: int) -> User | None:
    """The User `user_id` (None if there is none), from the identity map when already loaded."""
    # TODO: the user from the identity map when the session holds it, else one SELECT
    raise NotImplementedError('the user from the identity map when the session holds it, else one SELECT')


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A factory of Sessions on `engine` that keep their objects' values after commit."""
    # TODO: a sessionmaker bound to engine whose sessions do not expire objects on commit
    raise NotImplementedError('a sessionmaker bound to engine whose sessions do not expire objects on commit')


def reload(session: Session, user: User) -> User:
    """`user` with its row read again now; its unflushed changes discarded."""
    # TODO: read the user's row again now (not on the next attribute read); return user
    raise NotImplementedError("read the user's row again now (not on the next attribute read); return user")


def save_detached(session: Session, user: User) -> User:
    """Copy the detached `user`'s state into `session`, commit; return the session's instance."""
    # TODO: copy the detached user's state into this session, commit, return the session's instance
    raise NotImplementedError("copy the detached user's state into this session, commit, return the session's instance")


def register(engine: Engine, username: str, email: str, titles: list[str]) -> User:
    """A new user with one post per title, committed; readable after its session is closed."""
    # TODO: a session of your own: add the user with its posts, commit, close, return a readable user
    raise NotImplementedError('a session of your own: add the user with its posts, commit, close, return a readable user')
