"""Kata 6.2 — Middleware: a request id and a timing on every response, as pure ASGI middleware.

When a user reports "it failed at 10:42", you want the one request it was: its log lines, its
rows, its duration. A request-id middleware gives every request an id (the caller's
`X-Request-ID` when it sent a sane one, a new one otherwise), makes it readable anywhere in the
request's code through a `contextvars.ContextVar`, and sends it back in the response's headers
with how long the app took.

Write it as *pure ASGI* middleware: a class with `__init__(self, app)` and
`async def __call__(self, scope, receive, send)`. It sees every connection the server hands the
app — `scope["type"]` is "http", "websocket" or "lifespan" — and must pass what is not "http"
straight on to the app, or the app's lifespan (startup, shutdown) never runs. For HTTP it calls
the app with a wrapped `send` that adds headers to the `http.response.start` message (the status
and headers, sent before any body) and passes every message on at once: a streamed response
stays streamed. Starlette's `BaseHTTPMiddleware` (`@app.middleware("http")`) is the other way to
write middleware; the lesson says what it still cannot do today and why this kata goes without
it (the checks grade behaviour, not which way you wrote it).

The files: `db.py` has the model (given: a Post that records the id of the request that created
it), `main.py` the app (given: its lifespan, its routes, an exception handler that turns a
PostStoreError into a 500; registering the middleware is yours), `middleware.py` the
context variable `request_id_var` (given) and what you write. The app reads its database from the
environment variable `DATABASE_URL`, an async URL (`sqlite+aiosqlite:///…` or
`postgresql+asyncpg://…`).

Build, in middleware.py:
1. `pick_request_id(incoming)`: the incoming `X-Request-ID` value when the *whole* of it is 1 to
   64 letters, digits or dashes (`SANE_REQUEST_ID.fullmatch`), otherwise a new id,
   `uuid.uuid4().hex`. A header is input like any other: "abc\\r\\nSet-Cookie: x" or 500
   characters must never be copied into your responses and logs.
2. `RequestIdMiddleware.__call__`:
   - a scope whose type is not "http": `await self.app(scope, receive, send)` and return;
   - otherwise note the time (`time.perf_counter()`), pick the id from the request's headers
     (`Headers(scope=scope).get("x-request-id")`), set `request_id_var` to it for the duration
     of the request (`token = request_id_var.set(...)`, then `request_id_var.reset(token)` in a
     `finally`), and call the app with a `send` of your own that, on the
     `http.response.start` message — whatever its status: 200, 404 and 500 alike — adds
     `X-Request-ID` (the id), `X-Process-Time` (the seconds since the request arrived, a decimal
     number such as "0.004217") and `Server-Timing` (`app;dur=<milliseconds>`, e.g.
     "app;dur=4.217"), with `MutableHeaders(scope=message)`, then sends the message on.
     Every message is passed on as it comes: never collect the body.
3. `RequestIdFilter.filter(record)`: set `record.request_id` to the current id and keep the record,
   so a log format can print `%(request_id)s`.
And in main.py: register the middleware with `app.add_middleware(RequestIdMiddleware)`.

The checks send requests with and without an `X-Request-ID` (sane, injected, too long), many at
once with an id each (none may see another's), to a route that answers 404, one that fails into a
500, and one that streams (its first chunk must reach the client before the second is made); they
read the id back from the route's answer, the row it wrote and its log record, check that the
lifespan ran, and that the timings are numbers that cover the time the route took. To try it by
hand: `DATABASE_URL=sqlite+aiosqlite:///blog.db uvicorn katas.p6_production.k02_middleware:app`,
then `curl -i -H 'X-Request-ID: my-id-1' http://127.0.0.1:8000/whoami`.

Run it: `checker kata 6.2`. The lesson: phases/p6_production/README.md, "6.2 Middleware".
"""

from .db import Base, Post
from .main import PostStoreError, app, lifespan, logger
from .middleware import RequestIdFilter, RequestIdMiddleware, pick_request_id, request_id_var

__all__ = [
    "Base",
    "Post",
    "PostStoreError",
    "RequestIdFilter",
    "RequestIdMiddleware",
    "app",
    "lifespan",
    "logger",
    "pick_request_id",
    "request_id_var",
]
