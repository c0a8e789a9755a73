"""The app. Given: the lifespan, the request bodies and the answers' shapes. Yours: the routes."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from .db import Base, Notification, Post, PostLike, SessionDep, User, make_engine


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Startup: the engine, the tables, the sessionmaker. Shutdown: the engine disposed."""
    engine = make_engine(os.environ["DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    yield
    await engine.dispose()


app = FastAPI(title="Blog", lifespan=lifespan)


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=50)


class LikeIn(BaseModel):
    user_id: int


def user_out(user: User) -> dict:
    return {"id": user.id, "username": user.username}


@app.post("/users", status_code=201)
async def create_user(body: UserIn, session: SessionDep) -> dict:
    """A new user; 409 when the username is taken."""
    # BEGIN SOLUTION add the user inside `async with session.begin():`; IntegrityError (only) → 409
    user = User(username=body.username)
    try:
        async with session.begin():  # commits when the block ends, rolls back if it raises
            session.add(user)
    except IntegrityError:
        raise HTTPException(
            status_code=409, detail=f"the username {body.username!r} is taken"
        ) from None
    return user_out(user)
    # END SOLUTION


@app.post("/posts/{post_id}/likes", status_code=201)
async def like_post(post_id: int, body: LikeIn, session: SessionDep) -> dict:
    """The user likes the post, and its author is notified; 404 for a missing post or user,
    409 when the user already likes the post. Both rows, or neither."""
    # BEGIN SOLUTION in one `async with session.begin():` 404 unless post and user exist, add the PostLike and the Notification; IntegrityError → 409
    try:
        async with session.begin():
            post = await session.get(Post, post_id)
            if post is None:
                raise HTTPException(status_code=404, detail=f"no post {post_id}")
            if await session.get(User, body.user_id) is None:
                raise HTTPException(status_code=404, detail=f"no user {body.user_id}")
            session.add(PostLike(user_id=body.user_id, post_id=post_id))
            session.add(
                Notification(user_id=post.author_id, post_id=post_id, liker_id=body.user_id)
            )
    except IntegrityError:
        raise HTTPException(
            status_code=409, detail=f"user {body.user_id} already likes post {post_id}"
        ) from None
    return {"post_id": post_id, "user_id": body.user_id}
    # END SOLUTION


@app.post("/users/import")
async def import_users(items: list[UserIn], session: SessionDep) -> dict:
    """Every user of the list whose username is free, in one transaction; the taken ones are
    skipped: `{"imported": [{"id": ..., "username": ...}, ...], "skipped": ["ada", ...]}`."""
    # BEGIN SOLUTION one `async with session.begin():` around the loop; each user added in its own `async with session.begin_nested():`, IntegrityError → skipped
    imported: list[User] = []
    skipped: list[str] = []
    async with session.begin():
        for item in items:
            user = User(username=item.username)
            try:
                async with session.begin_nested():  # SAVEPOINT; flushed when the block ends
                    session.add(user)
            except IntegrityError:  # rolled back to the savepoint: only this user is lost
                skipped.append(item.username)
            else:
                imported.append(user)
    return {"imported": [user_out(user) for user in imported], "skipped": skipped}
    # END SOLUTION
