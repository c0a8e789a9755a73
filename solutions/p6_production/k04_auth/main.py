"""The app: the lifespan (given), sign-up and login, the current user, and posts only their
author may change."""

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from .db import Base, Post, User
from .deps import CurrentUser, SessionDep
from .schemas import PostCreate, PostRead, PostUpdate, Token, UserCreate, UserRead
from .security import create_access_token, dummy_hash, hash_password, verify_password


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


@app.post("/auth/register", status_code=201)
async def register(body: UserCreate, session: SessionDep) -> UserRead:
    """A new user, their password stored as its Argon2 hash; 409 when the username is taken."""
    # BEGIN SOLUTION hash the password (in a thread: asyncio.to_thread), add the User, commit; IntegrityError: 409; return UserRead.model_validate(user)
    password_hash = await asyncio.to_thread(hash_password, body.password)
    user = User(username=body.username, password_hash=password_hash)
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        raise HTTPException(409, detail=f"the username {body.username!r} is taken") from None
    return UserRead.model_validate(user)
    # END SOLUTION


@app.post("/auth/token")
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep
) -> Token:
    """OAuth2's password flow: a form with username and password → a bearer token. A wrong
    password and an unknown username get the same 401."""
    # BEGIN SOLUTION find the user by form.username; verify form.password against their hash (or dummy_hash() when there is none); either failure: the same 401 with WWW-Authenticate: Bearer; else Token(access_token=create_access_token(user.id))
    user = await session.scalar(select(User).where(User.username == form.username))
    stored = user.password_hash if user is not None else dummy_hash()
    valid = await asyncio.to_thread(verify_password, form.password, stored)
    if user is None or not valid:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="incorrect username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Token(access_token=create_access_token(user.id), token_type="bearer")
    # END SOLUTION


@app.get("/users/me")
async def read_me(user: CurrentUser) -> UserRead:
    """The user the token names."""
    # BEGIN SOLUTION return the current user as a UserRead
    return UserRead.model_validate(user)
    # END SOLUTION


@app.post("/posts", status_code=201)
async def create_post(body: PostCreate, user: CurrentUser, session: SessionDep) -> PostRead:
    """Given: a post by the current user (an example of CurrentUser at work)."""
    post = Post(author_id=user.id, title=body.title, body=body.body)
    session.add(post)
    await session.commit()
    return PostRead.model_validate(post)


async def own_post(post_id: int, user: User, session: SessionDep) -> Post:
    """The post, if `user` wrote it: 404 when there is no such post, 403 when another wrote it."""
    # BEGIN SOLUTION session.get the Post (None: 404); post.author_id != user.id: 403; return it
    post = await session.get(Post, post_id)
    if post is None:
        raise HTTPException(status_code=404, detail=f"no post {post_id}")
    if post.author_id != user.id:
        raise HTTPException(status_code=403, detail="only its author may change a post")
    return post
    # END SOLUTION


@app.patch("/posts/{post_id}")
async def update_post(
    post_id: int, body: PostUpdate, user: CurrentUser, session: SessionDep
) -> PostRead:
    """Change the fields sent, on one of the current user's own posts."""
    # BEGIN SOLUTION own_post(...); set the fields of body.model_dump(exclude_unset=True); commit; return the PostRead
    post = await own_post(post_id, user, session)
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(post, field, value)
    await session.commit()
    return PostRead.model_validate(post)
    # END SOLUTION


@app.delete("/posts/{post_id}", status_code=204)
async def delete_post(post_id: int, user: CurrentUser, session: SessionDep) -> Response:
    """Delete one of the current user's own posts: 204."""
    # BEGIN SOLUTION own_post(...); session.delete it; commit; Response(status_code=204)
    post = await own_post(post_id, user, session)
    await session.delete(post)
    await session.commit()
    return Response(status_code=204)
    # END SOLUTION
