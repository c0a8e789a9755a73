"""The app, given but for one line: its lifespan, its routes and an exception handler.

Only the middleware's registration is yours here; the routes show what the middleware serves:
`/whoami` answers the id it reads from `request_id_var`, `POST /posts` stores it in the row and
logs a line, `/boom` fails into a 500 through the app's exception handler, `/stream` streams.
"""

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from .db import Base, Post
from .middleware import RequestIdMiddleware, request_id_var

logger = logging.getLogger("blog.posts")


class PostStoreError(Exception):
    """The post store failed: the app answers 500 with the request's id, so it can be traced."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The engine, the tables and the sessionmaker; when the app started; the engine disposed."""
    engine = create_async_engine(os.environ["DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    app.state.started_at = datetime.now(UTC)
    yield
    await engine.dispose()


app = FastAPI(title="Blog", lifespan=lifespan)

# TODO: register RequestIdMiddleware on the app (app.add_middleware)
pass


@app.exception_handler(PostStoreError)
async def post_store_error(request: Request, exc: PostStoreError) -> JSONResponse:
    """A 500 that names the request: the id a user quotes to support, found in the logs."""
    logger.error("post store failed: %s", exc)
    return JSONResponse(
        status_code=500, content={"detail": str(exc), "request_id": request_id_var.get()}
    )


class PostCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)


@app.get("/health")
async def health(request: Request) -> dict[str, str]:
    """When the app started: set by the lifespan, so this answers only if the lifespan ran."""
    return {"started_at": request.app.state.started_at.isoformat()}


@app.get("/whoami")
async def whoami(wait: float = Query(0, ge=0, le=1)) -> dict[str, str]:
    """The id of this request, read from request_id_var after waiting `wait` seconds (while
    other requests run)."""
    await asyncio.sleep(wait)
    return {"request_id": request_id_var.get()}


@app.post("/posts", status_code=201)
async def create_post(body: PostCreate, request: Request) -> dict[str, int | str]:
    """A new post, stamped with the id of the request that created it; a log line says so."""
    async with request.app.state.sessionmaker() as session:
        post = Post(title=body.title, request_id=request_id_var.get())
        session.add(post)
        await session.commit()
    logger.info("created post %s", post.id)
    return {"id": post.id, "request_id": post.request_id}


@app.get("/posts/{post_id}")
async def read_post(post_id: int, request: Request) -> dict[str, int | str]:
    """One post; 404 when there is none."""
    async with request.app.state.sessionmaker() as session:
        post = await session.get(Post, post_id)
    if post is None:
        raise HTTPException(status_code=404, detail=f"no post {post_id}")
    return {"id": post.id, "title": post.title, "request_id": post.request_id}


@app.get("/boom")
async def boom() -> dict[str, str]:
    """Always fails: the exception handler above turns it into a 500."""
    raise PostStoreError("the post store is down")


@app.get("/stream")
async def stream() -> StreamingResponse:
    """Two chunks, 0.4 s apart: a client must get the first before the second is made."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b"chunk 1\n"
        await asyncio.sleep(0.4)
        yield b"chunk 2\n"

    return StreamingResponse(chunks(), media_type="text/plain")
