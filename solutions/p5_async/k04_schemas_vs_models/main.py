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
    # BEGIN SOLUTION {"detail": the errors of exc.errors(), each without its "input"}, status 422
    errors = [
        {key: value for key, value in error.items() if key != "input"} for error in exc.errors()
    ]
    return JSONResponse(status_code=422, content=jsonable_encoder({"detail": errors}))
    # END SOLUTION


@app.post("/users", status_code=201)
async def create_user(body: UserCreate, session: SessionDep) -> UserRead:
    """A new user, their password stored as its hash; 409 when the username is taken."""
    # BEGIN SOLUTION hash the password, add the User and commit; IntegrityError: 409 naming the username; return UserRead.model_validate(user)
    # Argon2 is a tenth of a second of CPU on purpose: in a worker thread, the event loop goes on
    # serving the other requests meanwhile.
    password_hash = await asyncio.to_thread(hash_password, body.password)
    user = User(
        username=body.username,
        display_name=body.display_name,
        bio=body.bio,
        password_hash=password_hash,
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        # No rollback needed: the session is not used again, and closing it (get_session) rolls
        # the failed transaction back. Not str(error) either: it lists the INSERT's parameters,
        # the new hash among them.
        raise HTTPException(409, detail=f"the username {body.username!r} is taken") from None
    return UserRead.model_validate(user)
    # END SOLUTION


@app.get("/users/{user_id}", response_model=UserRead)
async def read_user(user_id: int, session: SessionDep) -> User:
    """One user, as UserRead: FastAPI filters the ORM object through it. 404 when missing."""
    # BEGIN SOLUTION session.get the user; 404 when missing; return the ORM object (response_model filters it)
    user = await session.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail=f"no user {user_id}")
    return user
    # END SOLUTION


@app.patch("/users/{user_id}", response_model=UserRead)
async def update_user(user_id: int, body: UserUpdate, session: SessionDep) -> User:
    """Change the fields the request sent, and only those; 404 when there is no such user."""
    # BEGIN SOLUTION 404 when missing; body.model_dump(exclude_unset=True); a password (not None) becomes a new hash; set the other fields; commit
    user = await session.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail=f"no user {user_id}")
    changes = body.model_dump(exclude_unset=True)  # only what the client sent: PATCH semantics
    new_password = changes.pop("password", None)
    if new_password is not None:
        user.password_hash = await asyncio.to_thread(hash_password, new_password)
    for field, value in changes.items():
        setattr(user, field, value)
    await session.commit()
    return user
    # END SOLUTION


@app.get("/users")
async def list_users(
    session: SessionDep,
    cursor: int | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[UserRead]:
    """The users, newest first, `limit` at a time: pass a page's next_cursor as ?cursor= to get
    the page after it. Two statements a page: the page, and the count."""
    # BEGIN SOLUTION keyset: ids below the cursor, newest first, limit + 1 rows (the extra one says whether there is a next page); total with one count query; a Page[UserRead]
    stmt = select(User).order_by(User.id.desc()).limit(limit + 1)
    if cursor is not None:
        stmt = stmt.where(User.id < cursor)
    rows = list(await session.scalars(stmt))
    total = await session.scalar(select(func.count()).select_from(User))
    items = rows[:limit]
    next_cursor = items[-1].id if len(rows) > limit else None
    return Page[UserRead](
        items=[UserRead.model_validate(user) for user in items],
        total=total,
        next_cursor=next_cursor,
    )
    # END SOLUTION
