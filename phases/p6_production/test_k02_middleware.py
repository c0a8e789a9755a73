"""Checks for kata 6.2 — a request-id and timing middleware, as pure ASGI middleware.

The app is driven over ASGI inside its lifespan (`app_client`; `app_runs` where the lifespan
itself is the question). Streaming is checked by calling the app as an ASGI server would, with a
`send` of the check's own that notes when each body chunk arrives (httpx's ASGI transport hands a
response over only once it is complete). The id is read back from the response's headers, from
the route's answer (which reads `request_id_var`), from the row the route wrote and from the log
records the app made, with the kata's `RequestIdFilter` on a handler of the check's own.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from checker.plugin.concurrency import send_at_once

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9-]{1,64}")
DURATION = re.compile(r"app;dur=([0-9]+(?:\.[0-9]+)?)")
MISSING = 4242  # no post has this id


# ------------------------------------------------------------------------------ helpers


def _shown(method: str, path: str, sent_id: str | None) -> str:
    with_id = f" with X-Request-ID: {sent_id!r}" if sent_id is not None else " with no X-Request-ID"
    return f"{method} {path}{with_id}"


async def call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    expect: int,
    sent_id: str | None = None,
    body: Any = None,
) -> httpx.Response:
    """Send one request; fail, saying what was sent and what came back, unless it answers
    `expect`."""
    headers = {HEADER: sent_id} if sent_id is not None else {}
    response = await client.request(method, path, headers=headers, json=body)
    assert response.status_code == expect, (
        f"{_shown(method, path, sent_id)} answered {response.status_code} "
        f"{response.text[:300]}; expected {expect}."
    )
    return response


def response_id(response: httpx.Response, shown: str) -> str:
    """The response's X-Request-ID, or a failure that says why it matters."""
    got = response.headers.get(HEADER)
    assert got is not None, (
        f"{shown} answered {response.status_code} with the headers {dict(response.headers)}: no "
        f"X-Request-ID. Every response needs one, whatever its status: it is what a client "
        "quotes to find the request in the logs. Is the middleware registered "
        "(app.add_middleware(RequestIdMiddleware)), and does its send add the header on every "
        "http.response.start message?"
    )
    return got


def assert_new_id(got: str, shown: str, sent: str | None) -> None:
    """`got` is an id the middleware made: a uuid4, and sane itself."""
    try:
        parsed = uuid.UUID(got)
    except ValueError:
        parsed = None
    sent_part = "no id" if sent is None else f"the id {sent[:80]!r}"
    assert parsed is not None and parsed.version == 4 and SANE.fullmatch(got), (
        f"{shown}: the response's X-Request-ID is {got[:120]!r}; having received {sent_part}, "
        "the middleware should have made a new one: uuid.uuid4().hex (32 hex digits)."
    )


def whoami_id(response: httpx.Response, shown: str) -> str:
    """The id /whoami read from request_id_var."""
    body = response.json()
    assert isinstance(body, dict) and "request_id" in body, (
        f"{shown} answered {response.text[:200]}; expected {{'request_id': ...}}."
    )
    return body["request_id"]


def assert_route_saw(route_saw: str, header: str, shown: str) -> None:
    assert route_saw == header, (
        f"{shown}: the response's X-Request-ID is {header[:80]!r}, but the route read "
        f"{route_saw[:80]!r} from request_id_var. The middleware must set request_id_var to the "
        "same id it sends back, before it calls the app, so that code inside the request (routes, "
        "logging, the database layer) reads it."
    )


class Records(logging.Handler):
    """Keeps the records of the app's logger, after the kata's filter has run on them."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records(kata: Any):
    """The app's log records, each passed through the kata's RequestIdFilter."""
    handler = Records()
    handler.addFilter(kata.RequestIdFilter())
    logger = kata.logger
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


# ------------------------------------------------------------------------------ the id


@pytest.mark.parametrize(
    "sent_id", ["support-ticket-42", "0F-aZ-9", "a" * 64], ids=["words", "mixed", "64-chars"]
)
async def test_a_sane_incoming_id_is_reused(app_client, sent_id):
    """A sane X-Request-ID (up to 64 letters, digits, dashes) comes back, and the route reads it."""
    shown = _shown("GET", "/whoami", sent_id)
    response = await call(app_client, "GET", "/whoami", 200, sent_id)
    got = response_id(response, shown)
    assert got == sent_id, (
        f"{shown}: the response's X-Request-ID is {got[:80]!r}; expected the id sent, "
        f"{sent_id!r}. A sane incoming id (the whole value 1 to 64 letters, digits or dashes) is "
        "kept, so a request can be followed across services that pass the same id along."
    )
    assert_route_saw(whoami_id(response, shown), got, shown)


async def test_an_id_is_made_when_none_is_sent(app_client):
    """With no X-Request-ID, the middleware makes one (a uuid4), and the route reads the same."""
    shown = _shown("GET", "/whoami", None)
    response = await call(app_client, "GET", "/whoami", 200)
    got = response_id(response, shown)
    assert_new_id(got, shown, None)
    assert_route_saw(whoami_id(response, shown), got, shown)


@pytest.mark.parametrize(
    "sent_id",
    [
        "abc\r\nSet-Cookie: session=stolen",
        "x" * 500,
        "a" * 65,
        "has space",
        "../../etc/passwd",
        "",
        "ok-prefix\nthen-junk",
    ],
    ids=["crlf-injection", "500-chars", "65-chars", "space", "path", "empty", "newline"],
)
async def test_a_malformed_incoming_id_is_replaced(app_client, sent_id):
    """A malformed X-Request-ID (injected, too long, odd characters) is replaced by a new id."""
    shown = _shown("GET", "/whoami", sent_id)
    response = await call(app_client, "GET", "/whoami", 200, sent_id)
    got = response_id(response, shown)
    assert got != sent_id and not (sent_id and sent_id in got), (
        f"{shown}: the response's X-Request-ID is {got[:120]!r}: the middleware trusted a "
        "malformed id. A header is input from anyone: copied as it is into responses and log "
        "lines it can forge a header (a CRLF starts a new one), a log line or an entry in your "
        "log search, or make every line 500 characters longer. Reuse it only when the WHOLE "
        "value is 1 to 64 letters, digits or dashes (re.fullmatch, not re.match, which accepts "
        "any value that merely starts well); otherwise make a new one."
    )
    assert_new_id(got, shown, sent_id)
    assert_route_saw(whoami_id(response, shown), got, shown)


async def test_each_request_gets_its_own_id(app_client):
    """Twenty requests without an id get twenty different ids."""
    ids = []
    for _ in range(20):
        response = await call(app_client, "GET", "/whoami", 200)
        ids.append(response_id(response, _shown("GET", "/whoami", None)))
    assert len(set(ids)) == len(ids), (
        f"20 requests to GET /whoami with no X-Request-ID got only {len(set(ids))} different "
        f"ids: {sorted(set(ids))[:5]}. Make the id inside __call__, once per request: an id made "
        "in __init__ (or at import) is made once for the whole app."
    )


async def test_concurrent_requests_never_see_each_others_id(app_client):
    """24 requests in flight together, an id each: each answer carries and reads its own."""
    sent = [f"concurrent-{number:02d}" for number in range(24)]
    responses = await send_at_once(
        app_client, [("GET", "/whoami?wait=0.05", {"headers": {HEADER: rid}}) for rid in sent]
    )
    wrong = []
    for rid, response in zip(sent, responses, strict=True):
        header = response.headers.get(HEADER)
        body = response.json() if response.status_code == 200 else {}
        if header != rid or body.get("request_id") != rid:
            wrong.append(
                f"sent {rid!r}: status {response.status_code}, header {header!r}, "
                f"route read {body.get('request_id')!r}"
            )
    assert not wrong, (
        f"24 requests to GET /whoami?wait=0.05, 8 in flight at a time, each with an "
        f"X-Request-ID of its own; {len(wrong)} of them got another request's id:\n  "
        + "\n  ".join(wrong[:6])
        + "\nWhile a request waits, others run: an id kept where every request shares it (a "
        "module global, an attribute of the middleware, which is one object for the whole app) "
        "is overwritten by the next request. Keep it in a local variable of __call__ and in "
        "request_id_var, a ContextVar: each request's task has a context of its own."
    )


# ------------------------------------------------------------------------------ every response


async def test_a_404_carries_the_headers(app_client):
    """A 404 (an unknown post, an unknown path) carries the id and the timings too."""
    for path in (f"/posts/{MISSING}", "/no/such/page"):
        shown = _shown("GET", path, "lost-404")
        response = await call(app_client, "GET", path, 404, "lost-404")
        got = response_id(response, shown)
        assert got == "lost-404", (
            f"{shown} answered 404 with X-Request-ID {got!r}; expected 'lost-404', the id sent."
        )
        for header in ("X-Process-Time", "Server-Timing"):
            assert header in response.headers, (
                f"{shown} answered 404 with the headers {dict(response.headers)}: no {header}. "
                "Errors are what people investigate: every response carries the headers, "
                "whatever its status."
            )


async def test_a_500_from_the_exception_handler_carries_the_headers(app_client, records):
    """GET /boom fails into a 500 (the app's handler): the id is in its headers, body and log."""
    shown = _shown("GET", "/boom", "boom-7")
    response = await call(app_client, "GET", "/boom", 500, "boom-7")
    got = response_id(response, shown)
    assert got == "boom-7", (
        f"{shown} answered 500 with X-Request-ID {got!r}; expected 'boom-7', the id sent."
    )
    for header in ("X-Process-Time", "Server-Timing"):
        assert header in response.headers, (
            f"{shown} answered 500 with the headers {dict(response.headers)}: no {header}. A "
            "500 is the response someone will investigate: add the headers whatever the status."
        )
    assert response.json().get("request_id") == "boom-7", (
        f"{shown} answered {response.text[:200]}; the exception handler reads request_id_var, "
        "and expected 'boom-7' there: the handler runs inside the request, after the middleware "
        "set the variable."
    )
    logged = [(r.getMessage(), getattr(r, "request_id", None)) for r in records]
    errors = [r for r in records if r.levelno >= logging.ERROR]
    assert errors and getattr(errors[-1], "request_id", None) == "boom-7", (
        f"{shown}: the app logged {logged} (each message with the record's request_id after "
        "RequestIdFilter); expected the error 'post store failed' with request_id 'boom-7'. "
        "The filter sets record.request_id from request_id_var and returns True."
    )


# ------------------------------------------------------------------------------ the id inside


async def test_the_row_and_the_log_line_carry_the_id(app_client, records, engine):
    """POST /posts stores the request's id in the row and logs a line that carries it."""
    shown = _shown("POST", "/posts", "writer-31")
    response = await call(app_client, "POST", "/posts", 201, "writer-31", {"title": "Hello"})
    assert response_id(response, shown) == "writer-31", (
        f"{shown} answered with X-Request-ID {response.headers.get(HEADER)!r}; expected "
        "'writer-31', the id sent."
    )
    with engine.connect() as connection:
        stored = [
            tuple(row) for row in connection.execute(text("SELECT title, request_id FROM post"))
        ]
    assert stored == [("Hello", "writer-31")], (
        f"{shown}: the table post holds {stored}; expected one row ('Hello', 'writer-31'): the "
        "route stamps the row with request_id_var.get()."
    )
    created = [r for r in records if r.getMessage().startswith("created post")]
    assert created, (
        f"{shown}: the app's logger ('blog.posts') logged {[r.getMessage() for r in records]}; "
        "expected 'created post <id>'."
    )
    got = getattr(created[-1], "request_id", None)
    assert got == "writer-31", (
        f"{shown}: the log record 'created post ...', passed through RequestIdFilter, has "
        f"request_id {got!r}; expected 'writer-31'. The filter sets record.request_id = "
        "request_id_var.get() and returns True (False would drop the record)."
    )


# ------------------------------------------------------------------------------ lifespan, timing


async def test_the_lifespan_still_runs(app_runs):
    """The app's startup runs through the middleware: GET /health reads what it set."""
    try:
        async with app_runs() as client:
            response = await client.get("/health")
    except (AttributeError, KeyError, TimeoutError, RuntimeError) as error:
        pytest.fail(
            f"Starting the app and sending GET /health failed: {type(error).__name__}: "
            f"{str(error)[:200]}. The app's lifespan (the engine, app.state) did not run. The "
            "server sends the lifespan's startup and shutdown through the middleware as a scope "
            "of type 'lifespan': pass every scope that is not 'http' on with "
            "`await self.app(scope, receive, send)`; returning without calling the app skips "
            "startup, and treating it as HTTP breaks it (it has no headers).",
            pytrace=False,
        )
    assert response.status_code == 200 and "started_at" in response.json(), (
        f"GET /health answered {response.status_code} {response.text[:200]}; expected 200 "
        "with started_at, which the lifespan sets. Pass the lifespan scope through the "
        "middleware untouched."
    )
    response_id(response, "GET /health")


async def test_the_timings_cover_the_request(app_client):
    """X-Process-Time (seconds) and Server-Timing (app;dur=ms) are numbers covering the route."""
    shown = _shown("GET", "/whoami?wait=0.15", None)
    response = await call(app_client, "GET", "/whoami?wait=0.15", 200)
    raw = response.headers.get("X-Process-Time")
    try:
        seconds = float(raw) if raw is not None else None
    except ValueError:
        seconds = None
    assert seconds is not None and 0.15 <= seconds < 60, (
        f"{shown} (a route that waits 0.15 s) answered with X-Process-Time {raw!r}; expected the "
        "seconds from the request's arrival to the response's start, a plain decimal number "
        "of at least 0.15 (e.g. '0.152310'): time.perf_counter() when the request comes in, "
        "and again when http.response.start goes out."
    )
    timing = response.headers.get("Server-Timing")
    found = DURATION.fullmatch(timing or "")
    assert found and 150 <= float(found.group(1)) < 60_000, (
        f"{shown} answered with Server-Timing {timing!r}; expected 'app;dur=<milliseconds>' "
        "with at least 150 ms, e.g. 'app;dur=152.310'. Browsers show it in their developer "
        "tools (Network, Timing)."
    )
    quick = await call(app_client, "GET", "/whoami", 200)
    quick_raw = quick.headers.get("X-Process-Time", "")
    assert re.fullmatch(r"[0-9]+(\.[0-9]+)?", quick_raw) and float(quick_raw) < seconds, (
        f"GET /whoami (no wait) answered with X-Process-Time {quick_raw!r}, after "
        f"{seconds} for a route that waited 0.15 s; expected a smaller non-negative number: "
        "each request is timed from its own start."
    )


async def test_a_streamed_response_is_not_buffered(app_client, kata):
    """GET /stream: the first chunk reaches the server before the app makes the second."""
    arrived: list[tuple[float, dict[str, Any]]] = []
    done = asyncio.Event()
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()  # the client stays connected until the response is complete
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        arrived.append((time.perf_counter(), message))
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            done.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/stream",
        "raw_path": b"/stream",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"kata"), (b"x-request-id", b"stream-5")],
        "client": ("127.0.0.1", 50000),
        "server": ("kata", 80),
        "state": {},
    }
    app = kata.app
    async with asyncio.timeout(5):
        await app(scope, receive, send)
    start = [m for _, m in arrived if m["type"] == "http.response.start"]
    assert start, "GET /stream sent no http.response.start message at all."
    names = {name.decode("latin-1").lower(): value for name, value in start[0].get("headers", [])}
    assert names.get("x-request-id") == b"stream-5", (
        f"GET /stream with X-Request-ID 'stream-5' started its response with the headers "
        f"{names}; expected x-request-id: stream-5 on a streamed response too."
    )
    chunks = [(t, m.get("body", b"")) for t, m in arrived if m["type"] == "http.response.body"]
    first = next((t for t, body in chunks if b"chunk 1" in body), None)
    second = next((t for t, body in chunks if b"chunk 2" in body), None)
    assert first is not None and second is not None, (
        f"GET /stream sent the body {b''.join(b for _, b in chunks)!r}; expected "
        "b'chunk 1\\nchunk 2\\n'."
    )
    assert second - first >= 0.2, (
        f"GET /stream: the app makes 'chunk 1', waits 0.4 s, then makes 'chunk 2'; the server got "
        f"them {second - first:.3f} s apart, so the middleware held the first back until the "
        "body was complete. A middleware that collects the body (to time the whole response, "
        "to read it) turns every stream into one late answer and keeps it all in memory. Pass "
        "each message on to `send` as it comes; only http.response.start needs changing."
    )
