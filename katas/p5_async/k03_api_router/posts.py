"""The posts router: every route under /posts. main.py includes it with the prefix and the tag,
so the paths here are relative to /posts: "" is /posts itself, "/{post_id}" is /posts/7.
"""

from fastapi import APIRouter, HTTPException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .db import Post, SessionDep
from .schemas import PostIn, PostOut, PostUpdate

router = APIRouter()


async def post_or_404(session: AsyncSession, post_id: int) -> Post:
    """The post with this id, or a 404 answer when there is none."""
    post = await session.get(Post, post_id)
    if post is None:
        raise HTTPException(status_code=404, detail=f"no post {post_id}")
    return post


# TODO: the seven routes of the task on `router`: methods, paths, path parameter types, status codes; /latest declared before /{post_id}

