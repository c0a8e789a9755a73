"""The request-id and timing middleware, written as pure ASGI middleware, and a logging filter.

`request_id_var` is given: the context variable every part of the app reads the current request's
id from (the routes, the logging filter). The rest is yours.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The id of the request being served, "-" outside any request. A ContextVar, not a module global:
# each request runs in a context of its own, so concurrent requests never see each other's id.
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# What an incoming X-Request-ID must look like to be reused: 1 to 64 letters, digits or dashes.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


def pick_request_id(incoming: str | None) -> str:
    """The incoming X-Request-ID when it is sane (SANE_REQUEST_ID, the whole value), else a new
    uuid4's hex."""
    # BEGIN SOLUTION the incoming value if SANE_REQUEST_ID.fullmatch(incoming), else uuid.uuid4().hex
    if incoming is not None and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex
    # END SOLUTION


class RequestIdMiddleware:
    """Pure ASGI middleware: an id and a duration on every HTTP response, the id in
    request_id_var while the request runs. Registered with app.add_middleware()."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # BEGIN SOLUTION pass non-http scopes through; pick the id, set request_id_var, call the app with a send that adds X-Request-ID, X-Process-Time and Server-Timing on http.response.start
        if scope["type"] != "http":  # lifespan, websocket: not ours, passed on untouched
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()
        request_id = pick_request_id(Headers(scope=scope).get("x-request-id"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = time.perf_counter() - started
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                headers["X-Process-Time"] = f"{elapsed:.6f}"
                headers["Server-Timing"] = f"app;dur={elapsed * 1000:.3f}"
            await send(message)  # every message goes on at once: nothing is buffered

        token = request_id_var.set(request_id)
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            request_id_var.reset(token)
        # END SOLUTION


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every log record as `record.request_id`, so a format
    string can show it: "%(request_id)s %(message)s"."""

    def filter(self, record: logging.LogRecord) -> bool:
        # BEGIN SOLUTION set record.request_id from request_id_var; keep the record (return True)
        record.request_id = request_id_var.get()
        return True
        # END SOLUTION
