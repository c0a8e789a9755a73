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


# BEGIN SOLUTION the seven routes of the task on `router`: methods, paths, path parameter types, status codes; /latest declared before /{post_id}
# STUB:
@router.post("", status_code=201)
async def create_post(body: PostIn, session: SessionDep) -> PostOut:
    """Create a post: 201 with it."""
    post = Post(**body.model_dump())
    session.add(post)
    await session.commit()
    return PostOut.model_validate(post)


@router.get("")
async def list_posts(session: SessionDep) -> list[PostOut]:
    """Every post, oldest first."""
    posts = await session.scalars(select(Post).order_by(Post.id))
    return [PostOut.model_validate(post) for post in posts]


# A fixed path before the parameterised one: routes are tried in the order they were declared,
# and /{post_id} would take "latest" for a post_id (and answer 422: not an integer).
@router.get("/latest")
async def read_latest_post(session: SessionDep) -> PostOut:
    """The newest post (the highest id); 404 when there are no posts."""
    post = await session.scalar(select(Post).order_by(Post.id.desc()).limit(1))
    if post is None:
        raise HTTPException(status_code=404, detail="no posts yet")
    return PostOut.model_validate(post)


@router.get("/{post_id}")
async def read_post(post_id: int, session: SessionDep) -> PostOut:
    """One post; 404 when there is none with that id."""
    return PostOut.model_validate(await post_or_404(session, post_id))


@router.put("/{post_id}")
async def replace_post(post_id: int, body: PostIn, session: SessionDep) -> PostOut:
    """Replace the whole post: every field is set, those left out to their defaults."""
    post = await post_or_404(session, post_id)
    for field, value in body.model_dump().items():
        setattr(post, field, value)
    await session.commit()
    return PostOut.model_validate(post)


@router.patch("/{post_id}")
async def update_post(post_id: int, body: PostUpdate, session: SessionDep) -> PostOut:
    """Change only the fields sent; the others keep their values."""
    post = await post_or_404(session, post_id)
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(post, field, value)
    await session.commit()
    return PostOut.model_validate(post)


@router.delete("/{post_id}", status_code=204)
async def delete_post(post_id: int, session: SessionDep) -> None:
    """Delete the post: 204, no body."""
    post = await post_or_404(session, post_id)
    await session.delete(post)
    await session.commit()


# END SOLUTION
