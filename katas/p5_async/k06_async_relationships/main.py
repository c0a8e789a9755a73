"""The app. Given: the lifespan and the session dependency (kata 5.2's), and the shapes of the
answers (the *_out functions). Yours: the routes, whose queries must load everything those
shapes read, so that nothing is lazy-loaded while the answer is built."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import joinedload, selectinload

from .db import Base, Comment, Post, User


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Startup: the engine, the tables, the sessionmaker. Shutdown: the engine disposed."""
    engine = create_async_engine(os.environ["DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    yield
    await engine.dispose()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session of this request's own, closed once the request is done."""
    async with request.app.state.sessionmaker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]

app = FastAPI(title="Blog", lifespan=lifespan)


class CommentIn(BaseModel):
    author_id: int
    body: str = Field(min_length=1, max_length=2000)


# The shapes of the answers. Each attribute they read must be loaded before they are called:
# under asyncio, an attribute that is not loaded cannot be loaded by reading it.


def user_ref(user: User) -> dict:
    return {"id": user.id, "username": user.username}


def comment_out(comment: Comment) -> dict:
    return {"id": comment.id, "body": comment.body, "author": user_ref(comment.author)}


def post_out(post: Post) -> dict:
    """A post with its author and its comments (in the order of Post.comments: oldest first)."""
    return {
        "id": post.id,
        "title": post.title,
        "author": user_ref(post.author),
        "comments": [comment_out(comment) for comment in post.comments],
    }


def user_out(user: User) -> dict:
    """A user with their posts (in the order of User.posts: oldest first), titles only."""
    return {
        "id": user.id,
        "username": user.username,
        "posts": [{"id": post.id, "title": post.title} for post in user.posts],
    }


# TODO: the loader options post_out() needs, written once: the post's author, its comments, each comment's author
POST_LOADERS: tuple = ()  # loader options are values: name them once, use them everywhere


@app.get("/posts")
async def list_posts(session: SessionDep) -> list[dict]:
    """Every post, newest first, with its author and its comments."""
    # TODO: select the posts newest first, with loader options for what post_out reads
    raise NotImplementedError('select the posts newest first, with loader options for what post_out reads')


@app.get("/posts/{post_id}")
async def read_post(post_id: int, session: SessionDep) -> dict:
    """One post with its author and its comments; 404 when there is no such post."""
    # TODO: session.get the post with the same loader options; 404 when missing
    raise NotImplementedError('session.get the post with the same loader options; 404 when missing')


@app.get("/users/{user_id}")
async def read_user(user_id: int, session: SessionDep) -> dict:
    """One user with their posts; 404 when there is no such user."""
    # TODO: session.get the user (404 when missing); then load the posts of the user in hand: await user.awaitable_attrs.posts
    raise NotImplementedError('session.get the user (404 when missing); then load the posts of the user in hand: await user.awaitable_attrs.posts')


@app.post("/posts/{post_id}/comments", status_code=201)
async def add_comment(post_id: int, body: CommentIn, session: SessionDep) -> dict:
    """A new comment on the post by the user `author_id`, answered with the whole post as
    GET /posts/{id} answers it; 404 (and nothing written) when the post or the user is missing."""
    # TODO: load the post as read_post does and the author (404 for either); append the Comment to post.comments; commit; answer post_out(post)
    raise NotImplementedError('load the post as read_post does and the author (404 for either); append the Comment to post.comments; commit; answer post_out(post)')
