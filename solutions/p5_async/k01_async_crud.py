"""Kata 5.1 — Async engine, sessions and CRUD.

An async web server handles many requests on one thread: while one request waits for the
database, the event loop runs the others. That only works if the waiting is an `await`. SQLAlchemy's
asyncio extension gives you the same Core and ORM you know, with an `await` at every place that
talks to the database:

- `create_async_engine(url)` — an AsyncEngine. The URL names an async driver:
  `sqlite+aiosqlite:///blog.db` or `postgresql+asyncpg://user:password@host/blog`.
- `async_sessionmaker(engine, expire_on_commit=False)` — the factory of AsyncSessions. One per
  app, like the engine; one session per request or task, never shared between concurrent tasks.
- `await session.get(...)`, `await session.scalars(select(...))`, `await session.execute(...)`,
  `await session.commit()`, `await session.delete(obj)` — everything that may send SQL is awaited.
  `session.add(obj)` only stages the object, so it is not.

The rule that shapes all the rest: an AsyncSession never does IO behind your back. In a sync
Session, touching an expired attribute or a lazy relationship quietly sends a SELECT; under
asyncio there is no `await` in `user.username`, so SQLAlchemy refuses and raises MissingGreenlet
("greenlet_spawn has not been called ... Was IO attempted in an unexpected place?"). Two
consequences:

- `expire_on_commit=False`. By default commit() expires every object, so the next attribute read
  reloads it: in async code, reading `user.id` right after `await session.commit()` would raise.
  With expiry off, the values loaded or written before the commit stay readable.
- Load relationships up front. `user.posts` is lazy: unless the query loaded it (`selectinload`),
  reading it raises MissingGreenlet while the session is open, DetachedInstanceError after.

DDL has no async API of its own: `metadata.create_all` is sync code, so you run it on an async
connection with `await conn.run_sync(Base.metadata.create_all)`.

The models are given: User (username, posts) and Post (title, author). Every CRUD function
receives an open AsyncSession; the ones that change something commit before they return.

Build:
1. `make_engine(url)` — an AsyncEngine for `url` (already an async URL).
2. `make_sessionmaker(engine)` — an `async_sessionmaker` of AsyncSessions bound to `engine`, whose
   sessions keep objects readable after commit (`expire_on_commit=False`).
3. `create_tables(engine)` — create every table of the models, awaited, in one transaction.
4. `add_user(session, username)` — add a User, commit, and return it (its `id` is set).
5. `get_user(session, user_id)` — the User with that id, or None. A user the session already
   holds must come back without any SQL.
6. `posts_by(session, username)` — that user's posts as a list, newest first (highest id first);
   an empty list for a user with no posts or no such user.
7. `rename_user(session, user_id, username)` — change the username and commit; return the User,
   or None (changing nothing) when there is no such user.
8. `delete_post(session, post_id)` — delete the post and commit; True if a post was deleted,
   False if there was none.
9. `user_with_posts(session, user_id)` — the User (None if missing) with its `posts` loaded, so
   that the caller can read `user.posts` without IO: while the session is open and after it closes.

Run it: `checker kata 5.1`. The lesson: phases/p5_async/README.md, "Async engine, sessions and
CRUD".
"""

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)

    posts: Mapped[list["Post"]] = relationship(back_populates="author", order_by="Post.id")


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))

    author: Mapped[User] = relationship(back_populates="posts")


def make_engine(url: str) -> AsyncEngine:
    """An AsyncEngine for `url` (sqlite+aiosqlite://… or postgresql+asyncpg://…)."""
    # BEGIN SOLUTION call create_async_engine(url)
    return create_async_engine(url)
    # END SOLUTION


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A factory of AsyncSessions on `engine` whose objects stay readable after commit.

    expire_on_commit=False: after a commit, a sync Session reloads an object's attributes on
    first access. An AsyncSession cannot do IO on attribute access (MissingGreenlet), so expiring
    would make every object unreadable after commit until it is refreshed with an await.
    """
    # BEGIN SOLUTION an async_sessionmaker bound to engine, with expire_on_commit=False
    return async_sessionmaker(engine, expire_on_commit=False)
    # END SOLUTION


async def create_tables(engine: AsyncEngine) -> None:
    """Create every table of the models (Base.metadata) on `engine`, in one transaction."""
    # BEGIN SOLUTION in a transaction on engine, run Base.metadata.create_all (sync code) with run_sync
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    # END SOLUTION


async def add_user(session: AsyncSession, username: str) -> User:
    """Add a new User, commit, and return it with its id set."""
    # BEGIN SOLUTION add the User to the session, await the commit, return the user
    user = User(username=username)
    session.add(user)
    await session.commit()
    return user
    # END SOLUTION


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    """The User with this id, or None; no SQL when the session already holds it."""
    # BEGIN SOLUTION await session.get(...) by primary key
    return await session.get(User, user_id)
    # END SOLUTION


async def posts_by(session: AsyncSession, username: str) -> list[Post]:
    """The posts written by `username`, newest (highest id) first, as a list."""
    # BEGIN SOLUTION select(Post) joined to its author, filtered by username, ordered; await session.scalars(...)
    stmt = select(Post).join(Post.author).where(User.username == username).order_by(Post.id.desc())
    return list((await session.scalars(stmt)).all())
    # END SOLUTION


async def rename_user(session: AsyncSession, user_id: int, username: str) -> User | None:
    """Give the user a new username and commit; None (and no change) if there is no such user."""
    # BEGIN SOLUTION load it, return None if missing, else set username, await the commit, return it
    user = await session.get(User, user_id)
    if user is None:
        return None
    user.username = username
    await session.commit()
    return user
    # END SOLUTION


async def delete_post(session: AsyncSession, post_id: int) -> bool:
    """Delete the post and commit; False if there is no such post."""
    # BEGIN SOLUTION load it, return False if missing, else await session.delete(post), commit, True
    post = await session.get(Post, post_id)
    if post is None:
        return False
    await session.delete(post)
    await session.commit()
    return True
    # END SOLUTION


async def user_with_posts(session: AsyncSession, user_id: int) -> User | None:
    """The User with its posts loaded (readable without IO, even after the session closes)."""
    # BEGIN SOLUTION load the user and, in the same call, its posts: a loader option such as selectinload
    return await session.get(User, user_id, options=[selectinload(User.posts)])
    # END SOLUTION
