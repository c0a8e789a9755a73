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
    # TODO: the incoming value if SANE_REQUEST_ID.fullmatch(incoming), else uuid.uuid4().hex
    raise NotImplementedError('the incoming value if SANE_REQUEST_ID.fullmatch(incoming), else uuid.uuid4().hex')


class RequestIdMiddleware:
    """Pure ASGI middleware: an id and a duration on every HTTP response, the id in
    request_id_var while the request runs. Registered with app.add_middleware()."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # TODO: pass non-http scopes through; pick the id, set request_id_var, call the app with a send that adds X-Request-ID, X-Process-Time and Server-Timing on http.response.start
        raise NotImplementedError('pass non-http scopes through; pick the id, set request_id_var, call the app with a send that adds X-Request-ID, X-Process-Time and Server-Timing on http.response.start')


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every log record as `record.request_id`, so a format
    string can show it: "%(request_id)s %(message)s"."""

    def filter(self, record: logging.LogRecord) -> bool:
        # TODO: set record.request_id from request_id_var; keep the record (return True)
        raise NotImplementedError('set record.request_id from request_id_var; keep the record (return True)')
