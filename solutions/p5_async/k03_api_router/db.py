"""Given, nothing to write in this file: the model, and kata 5.2's engine and session pattern.

The lifespan makes the engine from DATABASE_URL when the app starts, creates the tables, keeps a
sessionmaker on app.state and disposes the engine at shutdown; `get_session` gives each request
a session of its own and closes it when the request is done. Routes ask for one with
`session: SessionDep`.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from os import environ
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy import String, Text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(String(300))  # the only column that may be NULL
    published: Mapped[bool] = mapped_column(default=False)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Startup: the engine, the tables, the sessionmaker. Shutdown: the engine disposed."""
    engine = create_async_engine(environ["DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    yield
    await engine.dispose()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session of this request's own, closed once the request is done, even when it failed."""
    async with request.app.state.sessionmaker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
