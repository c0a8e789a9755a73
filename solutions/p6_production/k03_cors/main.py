"""The app: kata 5.2's lifespan and a few routes on posts (given), and its CORS policy."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from .db import Base, Post
from .deps import SessionDep
from .settings import allowed_origins


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Given (kata 5.2): the engine, the tables and the sessionmaker; the engine disposed."""
    engine = create_async_engine(os.environ["DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    yield
    await engine.dispose()


class PostCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    body: str = ""


class PostRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str


# BEGIN SOLUTION app.add_middleware(CORSMiddleware, ...): the origins of allowed_origins(), credentials, GET/POST/PATCH/DELETE, Authorization and Content-Type, max_age=3600
# STUB: app = FastAPI(title="Blog", lifespan=lifespan)
app = FastAPI(title="Blog", lifespan=lifespan)
app.add_middleware(
    CORSMiddleware,
    allow_origins=allowed_origins(),
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
    max_age=3600,
)
# END SOLUTION


@app.get("/posts")
async def list_posts(session: SessionDep) -> list[PostRead]:
    """Every post, newest first."""
    posts = await session.scalars(select(Post).order_by(Post.id.desc()))
    return [PostRead.model_validate(post) for post in posts]


@app.post("/posts", status_code=201)
async def create_post(body: PostCreate, session: SessionDep) -> PostRead:
    """A new post."""
    post = Post(title=body.title, body=body.body)
    session.add(post)
    await session.commit()
    return PostRead.model_validate(post)


@app.get("/posts/{post_id}")
async def read_post(post_id: int, session: SessionDep) -> PostRead:
    """One post; 404 when there is none."""
    post = await session.get(Post, post_id)
    if post is None:
        raise HTTPException(status_code=404, detail=f"no post {post_id}")
    return PostRead.model_validate(post)


@app.delete("/posts/{post_id}", status_code=204)
async def delete_post(post_id: int, session: SessionDep) -> None:
    """Delete a post; 404 when there is none."""
    post = await session.get(Post, post_id)
    if post is None:
        raise HTTPException(status_code=404, detail=f"no post {post_id}")
    await session.delete(post)
    await session.commit()
