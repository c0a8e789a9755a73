"""Kata 5.2 — One session per request: a yield dependency, and a lifespan that owns the engine.

A web app serves many requests at once, and a Session is one unit of work: the objects it has
loaded, the transaction it has open, the connection it holds. Share one between requests and
their work gets mixed up; an AsyncSession used by two requests at the same moment even refuses
to go on ("concurrent operations are not permitted"). So each request gets a session of its own,
and gives it back when it is done: closing the session ends its transaction and returns its
connection to the pool. A session that is never closed keeps its connection checked out; a few
hundred requests later the pool is empty and every request waits.

FastAPI gives that open/close shape to a *dependency with yield*: the code before `yield` runs
before the route, the value yielded is what the route receives, and the code after `yield` runs
once the request is done. Written as `async with sessionmaker() as session: yield session` (or
try/finally), the closing also runs when the route raised: a 404, a 409, a bug. Routes declare
what they need with `Annotated`: `session: SessionDep`, where
`SessionDep = Annotated[AsyncSession, Depends(get_session)]` says once, for every route, "an
AsyncSession, which FastAPI gets by calling get_session".

The engine is the other way round: one per app, made once, and closed once. Make it in the app's
*lifespan* (an `@asynccontextmanager` given to `FastAPI(lifespan=...)`): the code before its
`yield` runs at startup, the code after at shutdown. Created there, the engine reads its URL when
the app starts, not when the module is imported, so a test, a worker or a server can point it at
another database through `DATABASE_URL`; and shutdown can `dispose()` it, closing the pooled
connections instead of leaving them to the garbage collector.

The files: `db.py` has the models (given: User and Post), `deps.py` the session dependency,
`main.py` the lifespan and the routes. The app reads its database from the environment variable
`DATABASE_URL`, an async URL (`sqlite+aiosqlite:///…` or `postgresql+asyncpg://…`).

Build:
1. `lifespan(app)` in main.py: create the AsyncEngine from `os.environ["DATABASE_URL"]`, create
   the tables (`async with engine.begin() as conn: await conn.run_sync(Base.metadata.create_all)`),
   keep `async_sessionmaker(engine, expire_on_commit=False)` where get_session can reach it
   (`app.state.sessionmaker`), `yield`, then dispose the engine (`await engine.dispose()`).
2. `get_session(request)` in deps.py: an async generator that opens a session from that
   sessionmaker with `async with` and yields it. Then `SessionDep` below it:
   `Annotated[AsyncSession, Depends(get_session)]`.
3. The routes in main.py, each taking `session: SessionDep` (JSON in and out):
   - `POST /users` `{"username": "ada"}` → 201 `{"id": 1, "username": "ada"}`. A username that
     is taken → 409 with a `Location: /users/<id>` header naming the user who has it: the commit
     raises IntegrityError; roll the session back, then look that user up.
   - `GET /users/{id}` → 200 `{"id": ..., "username": ...}`; 404 when there is no such user.
   - `POST /users/{id}/posts` `{"title": "..."}` → 201
     `{"id": ..., "author_id": ..., "title": ...}`; 404 (and nothing written) when there is no
     such user.
   - `GET /users/{id}/posts` → 200, the user's posts oldest first; 404 when there is no such user.

The checks start your app (its lifespan), send requests one at a time and forty at once, stop it,
and watch the connections your engine opened: none may stay checked out after a request, whether
it answered 200, 404 or 409, and none may stay open after shutdown. One check serves the app
with uvicorn. To try it by hand:
`DATABASE_URL=sqlite+aiosqlite:///blog.db uvicorn katas.p5_async.k02_session_dependency:app`, then
open http://127.0.0.1:8000/docs.

Run it: `checker kata 5.2`. The lesson: phases/p5_async/README.md, "One session per request".
"""

from .db import Base, Post, User
from .deps import SessionDep, get_session
from .main import app, lifespan

__all__ = ["Base", "Post", "SessionDep", "User", "app", "get_session", "lifespan"]
