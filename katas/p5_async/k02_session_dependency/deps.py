"""The session dependency: one AsyncSession per request, closed when the request is done."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session of this request's own, closed once the request is done, even when it failed."""
    # TODO: open a session from the lifespan's sessionmaker with `async with`, and yield it
    raise NotImplementedError("open a session from the lifespan's sessionmaker with `async with`, and yield it")


# TODO: SessionDep = Annotated[...]: an AsyncSession that FastAPI fills in by calling get_session
from typing import Any

SessionDep = Any  # a placeholder: FastAPI reads a parameter typed Any as a query parameter
