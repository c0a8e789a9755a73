"""The app: a lifespan that owns the engine, and routes that take their session from SessionDep."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from .db import Base, Post, User
from .deps import SessionDep


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Startup: the engine, the tables, the sessionmaker. Shutdown: the engine disposed."""
    # TODO: engine from DATABASE_URL, tables created, app.state.sessionmaker (expire_on_commit=False); yield; dispose the engine
    raise NotImplementedError("the lifespan: engine, tables, sessionmaker; yield; dispose")
    yield  # the app serves requests while the lifespan is paused here


app = FastAPI(title="Blog", lifespan=lifespan)


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=50)


class PostIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)


def user_out(user: User) -> dict:
    return {"id": user.id, "username": user.username}


def post_out(post: Post) -> dict:
    return {"id": post.id, "author_id": post.author_id, "title": post.title}


@app.post("/users", status_code=201)
async def create_user(body: UserIn, session: SessionDep) -> dict:
    """Create a user. A username already taken: 409, with a Location header naming its owner."""
    # TODO: add and commit; on IntegrityError roll back, find who has the name, raise a 409
    raise NotImplementedError('add and commit; on IntegrityError roll back, find who has the name, raise a 409')


@app.get("/users/{user_id}")
async def read_user(user_id: int, session: SessionDep) -> dict:
    """One user; 404 when there is none with that id."""
    # TODO: session.get the user; 404 when missing
    raise NotImplementedError('session.get the user; 404 when missing')


@app.post("/users/{user_id}/posts", status_code=201)
async def create_post(user_id: int, body: PostIn, session: SessionDep) -> dict:
    """A new post by the user; 404 (and nothing written) when the user does not exist."""
    # TODO: 404 unless the user exists; add the post, commit, return it
    raise NotImplementedError('404 unless the user exists; add the post, commit, return it')


@app.get("/users/{user_id}/posts")
async def list_posts(user_id: int, session: SessionDep) -> list[dict]:
    """The user's posts, oldest first; 404 when the user does not exist."""
    # TODO: 404 unless the user exists; select the user's posts in id order
    raise NotImplementedError("404 unless the user exists; select the user's posts in id order")
