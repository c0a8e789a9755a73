"""Kata 6.3 — CORS: the browser asks, the API names its frontend, and never answers "*".

A page on https://blog.example that calls an API on https://api.blog.example is a cross-origin
request: the browser sends it (or, first, an OPTIONS "preflight" asking for permission) with an
`Origin` header, and lets the page read the answer only when the API says that origin may:
`Access-Control-Allow-Origin: https://blog.example`. CORS protects the user's browser — it stops
a page on another site from reading the API's answers with the user's cookies — not the server:
curl, a script or another server ignore it all. So it is not authentication, and it does not
replace checking who is calling.

Starlette's `CORSMiddleware` (FastAPI re-exports it as `fastapi.middleware.cors.CORSMiddleware`)
answers preflights and adds the headers to every other answer. The blog's frontend sends its
session cookie, so the API allows credentials — and then an origin list of "*" is a hole, not a
shortcut: the CORS spec forbids `*` with credentials, and Starlette, given `allow_origins=["*"]`
and `allow_credentials=True`, echoes back *whatever* origin asked, so every site on the web may
read your users' data with their cookies. Name the origins.

The files: `db.py` has the model (given: Post), `deps.py` the session dependency (given),
`settings.py` where the origins come from, `main.py` the app, its lifespan and routes on posts
(given) and the CORS policy. The app reads its database from the environment variable
`DATABASE_URL`, an async URL (`sqlite+aiosqlite:///…` or `postgresql+asyncpg://…`).

Build:
1. In settings.py, `DEFAULT_ORIGINS`: the frontend's two origins, `https://blog.example` (the
   site) and `http://localhost:5173` (the dev server), spelled as a browser sends them.
2. `allowed_origins()` in settings.py: the origins listed in the environment variable
   `ALLOWED_ORIGINS`, comma-separated (`"https://a.example, https://b.example/"` gives
   `["https://a.example", "https://b.example"]`: spaces around each and a trailing "/" dropped,
   empty items skipped), or `list(DEFAULT_ORIGINS)` when the variable is unset or blank. An
   origin "*" raises ValueError: this app allows credentials, so "*" is never acceptable.
3. In main.py, the CORS policy on `app`, with `app.add_middleware(CORSMiddleware, ...)` (or
   `FastAPI(middleware=[Middleware(CORSMiddleware, ...)])`):
   - the origins: `allowed_origins()` — no "*", and no regex that lets other sites in;
   - `allow_credentials=True` (the frontend sends cookies);
   - only the methods the frontend uses: GET, POST, PATCH and DELETE (a preflight for PUT is
     refused);
   - only the request headers it sends: `Authorization` and `Content-Type` (another, such as
     `X-Api-Key`, is refused);
   - `max_age=3600`: a browser may cache a preflight's answer for an hour instead of asking
     before every request (Starlette's default is 600 seconds).

The checks send preflights (OPTIONS with `Origin` and `Access-Control-Request-Method`, and
`Access-Control-Request-Headers`) and ordinary requests from the two origins and from foreign
ones (another site, another scheme, another port, a look-alike host), and read the answers'
headers: the allowed origin echoed (never "*"), credentials, methods, headers, max age,
`Vary: Origin`; a foreign origin's preflight refused (Starlette answers 400) and its requests
answered without `Access-Control-Allow-Origin`; a 404 and a 422 carry the headers too (a browser
hides an error it may not read, and the frontend could not show it). They also call
`allowed_origins()` with `ALLOWED_ORIGINS` set. The app is built at import, so the checks grade
it with `ALLOWED_ORIGINS` unset: the defaults. To try it by hand:
`DATABASE_URL=sqlite+aiosqlite:///blog.db uvicorn katas.p6_production.k03_cors:app`, then
`curl -i -X OPTIONS http://127.0.0.1:8000/posts -H "Origin: https://blog.example"
-H "Access-Control-Request-Method: POST"`.

Run it: `checker kata 6.3`. The lesson: phases/p6_production/README.md, "6.3 CORS".
"""

from .db import Base, Post
from .deps import SessionDep, get_session
from .main import PostCreate, PostRead, app, lifespan
from .settings import DEFAULT_ORIGINS, allowed_origins

__all__ = [
    "DEFAULT_ORIGINS",
    "Base",
    "Post",
    "PostCreate",
    "PostRead",
    "SessionDep",
    "allowed_origins",
    "app",
    "get_session",
    "lifespan",
]
