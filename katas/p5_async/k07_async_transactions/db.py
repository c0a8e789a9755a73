"""Given: the models, the engine (with SQLite's savepoint fix) and the session dependency.
Nothing to write in this file.

Liking a post writes two rows, a PostLike and a Notification for the post's author: one unit of
work, both or neither.
"""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import ForeignKey, String, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))


class PostLike(Base):
    """A user likes a post at most once: the pair is the primary key."""

    __tablename__ = "post_like"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), primary_key=True)


class Notification(Base):
    """Tells a post's author that someone liked it."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))  # who is told: the author
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    liker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


def make_engine(url: str) -> AsyncEngine:
    """The app's engine. On SQLite, SQLAlchemy sends BEGIN itself, so that savepoints work.

    Python's sqlite3 driver (under aiosqlite too) sends no BEGIN until the first INSERT, UPDATE
    or DELETE. A SAVEPOINT sent before that starts a transaction of its own, and releasing it
    commits: the work of a savepoint could no longer be rolled back with the transaction around
    it. SQLAlchemy's SQLite documentation ("Transactions with SQLite and the sqlite3 driver")
    gives the fix used here: the driver's own transaction handling switched off, and a BEGIN
    sent when SQLAlchemy begins a transaction. Postgres needs nothing of the kind.
    """
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _driver_sends_no_begin(dbapi_connection: Any, connection_record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(connection: Any) -> None:
            # IMMEDIATE takes SQLite's write lock at once: two requests that both read, then
            # write, would otherwise wait for each other, and one fails ("database is locked").
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session of the request's own, closed when the request is done (kata 5.2)."""
    async with request.app.state.sessionmaker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
