"""Kata 5.3 — A router for posts: path parameters, route order, PUT vs PATCH, status codes.

An app with every route written on `app` itself becomes one long file. FastAPI's answer is the
`APIRouter`: a group of routes written in a module of their own with paths relative to it
(`@router.get("/{post_id}")`), which the app then mounts where it wants them:
`app.include_router(router, prefix="/posts", tags=["posts"])`. The prefix goes in front of every
path of the router; the tag groups its routes in the documentation FastAPI generates from them
(/docs, /redoc, and /openapi.json behind both).

Routes are matched in the order they were declared, the first match wins, and a path parameter
matches any text. So `/posts/{post_id}` declared before `/posts/latest` takes "latest" for a
post_id, and because `post_id: int` is validated before your function runs, the answer is a 422
"unable to parse string as an integer". Fixed paths go before parameterised ones.

PUT and PATCH both change a post, differently. PUT *replaces* it: the body is a whole post, and a
field left out takes its default. PATCH changes *only the fields sent*: `{"published": true}`
publishes the post and leaves its title, body and summary as they were. Pydantic remembers which
fields the client actually sent, and `model_dump(exclude_unset=True)` gives exactly those — so a
field sent as `null` is changed to null, and a field left out is not touched. (`exclude_none=True`
is not the same thing: it cannot tell "clear the summary" from "leave it alone".)

The files: `db.py` (given: the Post model, and kata 5.2's lifespan, get_session and SessionDep),
`schemas.py` (PostIn and PostOut given; you write PostUpdate), `posts.py` (the router; you write
its routes) and `main.py` (the app; you include the router). The app reads its database from the
environment variable `DATABASE_URL`, an async URL (`sqlite+aiosqlite:///…` or
`postgresql+asyncpg://…`). Routes answer JSON; a post is
`{"id": 1, "title": "...", "body": "...", "summary": null, "published": false}` (PostOut).

Build:
1. `PostUpdate` in schemas.py: PostIn's four fields, each optional with default None and with
   PostIn's limits (a title of 1 to 200 characters, a summary of at most 300).
2. The routes in posts.py, on `router`, each taking `session: SessionDep`:
   - `POST /posts` (PostIn) → 201 and the new post.
   - `GET /posts` → 200, every post, oldest (lowest id) first.
   - `GET /posts/latest` → 200, the newest post (the highest id); 404 when there are no posts.
   - `GET /posts/{post_id}` → 200, the post; `post_id` is an int, so `/posts/abc` answers 422.
   - `PUT /posts/{post_id}` (PostIn) → 200, the post replaced: every field set from the body.
   - `PATCH /posts/{post_id}` (PostUpdate) → 200, the post with only the fields sent changed.
   - `DELETE /posts/{post_id}` → 204 with an empty body.
   Every route with a `post_id` answers 404, and changes nothing, when there is no such post
   (`post_or_404` is there for that). The paths in posts.py are relative: `""`, `"/latest"`,
   `"/{post_id}"` (`"/"` would make the path `/posts/`, and `/posts` a redirect).
3. In main.py, include the router: prefix `/posts`, tag `posts`.

The checks send requests to your app (its lifespan runs), read the rows back from the database
DATABASE_URL names, look at the SQL each request sent (a PATCH updates only the columns it was
sent; a 422 sends none), read /openapi.json, /docs and /redoc, and serve the app once with
uvicorn. To try it by hand: `checker serve 5.3` serves your files with uvicorn --reload, then
open http://127.0.0.1:8000/docs and send the requests from there.

Run it: `checker kata 5.3`. The lesson: phases/p5_async/README.md, "5.3 A router for posts".
"""

from .db import Base, Post, SessionDep, get_session, lifespan
from .main import app
from .posts import router
from .schemas import PostIn, PostOut, PostUpdate

__all__ = [
    "Base",
    "Post",
    "PostIn",
    "PostOut",
    "PostUpdate",
    "SessionDep",
    "app",
    "get_session",
    "lifespan",
    "router",
]
