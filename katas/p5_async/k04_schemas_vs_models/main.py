"""The app: kata 5.2's lifespan (given), a 422 that does not echo passwords, and the routes."""

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from .db import Base, User
from .deps import SessionDep
from .schemas import Page, UserCreate, UserRead, UserUpdate
from .security import hash_password


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Given (kata 5.2): the engine, the tables and the sessionmaker; the engine disposed."""
    engine = create_async_engine(os.environ["DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    yield
    await engine.dispose()


app = FastAPI(title="Blog", lifespan=lifespan)


@app.exception_handler(RequestValidationError)
async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A 422 like FastAPI's own, minus each error's "input": that is the value that failed (a
    short password), or for a missing field the whole body (the password in it)."""
    # TODO: {"detail": the errors of exc.errors(), each without its "input"}, status 422
    raise NotImplementedError('{"detail": the errors of exc.errors(), each without its "input"}, status 422')


@app.post("/users", status_code=201)
async def create_user(body: UserCreate, session: SessionDep) -> UserRead:
    """A new user, their password stored as its hash; 409 when the username is taken."""
    # TODO: hash the password, add the User and commit; IntegrityError: 409 naming the username; return UserRead.model_validate(user)
    raise NotImplementedError('hash the password, add the User and commit; IntegrityError: 409 naming the username; return UserRead.model_validate(user)')


@app.get("/users/{user_id}", response_model=UserRead)
async def read_user(user_id: int, session: SessionDep) -> User:
    """One user, as UserRead: FastAPI filters the ORM object through it. 404 when missing."""
    # TODO: session.get the user; 404 when missing; return the ORM object (response_model filters it)
    raise NotImplementedError('session.get the user; 404 when missing; return the ORM object (response_model filters it)')


@app.patch("/users/{user_id}", response_model=UserRead)
async def update_user(user_id: int, body: UserUpdate, session: SessionDep) -> User:
    """Change the fields the request sent, and only those; 404 when there is no such user."""
    # TODO: 404 when missing; body.model_dump(exclude_unset=True); a password (not None) becomes a new hash; set the other fields; commit
    raise NotImplementedError('404 when missing; body.model_dump(exclude_unset=True); a password (not None) becomes a new hash; set the other fields; commit')


@app.get("/users")
async def list_users(
    session: SessionDep,
    cursor: int | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[UserRead]:
    """The users, newest first, `limit` at a time: pass a page's next_cursor as ?cursor= to get
    the page after it. Two statements a page: the page, and the count."""
    # TODO: keyset: ids below the cursor, newest first, limit + 1 rows (the extra one says whether there is a next page); total with one count query; a Page[UserRead]
    raise NotImplementedError('keyset: ids below the cursor, newest first, limit + 1 rows (the extra one says whether there is a next page); total with one count query; a Page[UserRead]')
