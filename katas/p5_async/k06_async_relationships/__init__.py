"""Kata 5.6 — Relationships in an async API: loader options, lazy="raise" and awaitable_attrs.

A sync Session loads a relationship the first time you read it: `post.comments` quietly sends a
SELECT. An AsyncSession cannot. Every database round trip must be awaited, and reading an
attribute is not something you can await, so that quiet SELECT fails instead, with
`MissingGreenlet` ("greenlet_spawn has not been called; can't call await_() here"). In an API
the failure hides in the code that builds the answer: the route returns, the serializer reads
`post.author.username`, and the request answers 500.

So an async app loads what its answer will read in the query it awaits: `selectinload()` for a
collection (one more SELECT with `IN (...)` for all the parents at once), `joinedload()` for a
single related object (a JOIN in the same statement), chained for the next level
(`selectinload(Post.comments).joinedload(Comment.author)`). The number of statements then
depends on how many relationships you load, not on how many rows you list: twenty posts cost
what two cost. Two more tools: `lazy="raise"` on a relationship, which turns a forgotten load
into an immediate error that names the attribute (in tests, in sync code, everywhere), and the
`AsyncAttrs` mixin, whose `await obj.awaitable_attrs.posts` runs a lazy load inside an await —
for an object you already hold, when its collection is needed after all.

The files: `db.py` has the models (users, posts, comments; the columns are given), `main.py` the
app (the lifespan, the session dependency and the shapes of the answers are given: `post_out`,
`user_out`). The app reads its database from `DATABASE_URL`, an async URL.

Build:
1. In db.py, the base: `class Base(AsyncAttrs, DeclarativeBase)`.
2. In db.py, the relationships:
   - `User.posts`: the user's posts, oldest first (`order_by`), `back_populates="author"`; lazy
     left at its default (the app awaits it through awaitable_attrs);
   - `Post.author` (`back_populates="posts"`) and `Post.comments` (oldest first,
     `back_populates="post"`), both `lazy="raise"`;
   - `Comment.post` (`back_populates="comments"`) and `Comment.author` (the commenter, a
     User), both `lazy="raise"`.
3. In main.py, `POST_LOADERS`: the loader options `post_out()` needs — the post's author, its
   comments and each comment's author — written once and used by the routes below.
4. The routes (JSON out):
   - `GET /posts` → 200, every post, newest first, each as `post_out` shapes it:
     `{"id", "title", "author": {"id", "username"}, "comments": [{"id", "body", "author":
     {"id", "username"}}, ...]}`. At most 3 SQL statements, however many posts there are.
   - `GET /posts/{id}` → 200, one post in the same shape (at most 3 statements); 404 when
     there is no such post.
   - `GET /users/{id}` → 200 `{"id", "username", "posts": [{"id", "title"}, ...]}` (oldest
     first); 404 when there is no such user. Get the user first (for the 404), then load the
     posts of the user in hand with `await user.awaitable_attrs.posts`. At most 3 statements.
   - `POST /posts/{id}/comments` `{"author_id": 3, "body": "..."}` → 201, the whole post as
     `GET /posts/{id}` answers it, the new comment last. 404, and nothing written, when the
     post or the user does not exist. Load the post with its comments, append the new
     `Comment(author=..., body=...)` to `post.comments` (a loaded collection: no IO), commit.

The checks seed users, posts and comments, send requests to your app (over ASGI, and once under
uvicorn), compare each answer with the database and count the statements each request sent. To
try it by hand: `checker serve 5.6`, or
`DATABASE_URL=sqlite+aiosqlite:///blog.db uvicorn katas.p5_async.k06_async_relationships:app`,
then open http://127.0.0.1:8000/docs.

Run it: `checker kata 5.6`. The lesson: phases/p5_async/README.md, "5.6 Relationships in an
async API".
"""

from .db import Base, Comment, Post, User
from .main import POST_LOADERS, app

__all__ = ["POST_LOADERS", "Base", "Comment", "Post", "User", "app"]
