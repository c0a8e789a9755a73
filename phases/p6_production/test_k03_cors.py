"""Checks for kata 6.3 — CORS with Starlette's CORSMiddleware: named origins, credentials, no "*".

The app is driven over ASGI inside its lifespan (`app_client`), as a browser would drive it:
preflights (OPTIONS with `Origin` and `Access-Control-Request-Method`, and
`Access-Control-Request-Headers` when the page sends headers of its own) and ordinary requests
with an `Origin`, from the frontend's two origins and from foreign ones. Only the answers' headers
(and, for POST, the row in the database) are read: any correct policy passes, however it is
written. The app is built at import, with `ALLOWED_ORIGINS` unset, so the default origins apply;
`allowed_origins()` is called on its own with the variable set.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text

FRONTEND = ["https://blog.example", "http://localhost:5173"]
# Origins that must get nothing: another site, look-alikes of the frontend (a host that only ends
# like it, a subdomain of another site, plain http, another port), and the "null" origin that
# sandboxed iframes and file:// pages send.
FOREIGN = [
    "https://evil.example.com",
    "https://notblog.example",
    "https://blog.example.evil.com",
    "http://blog.example",
    "https://blog.example:8443",
    "http://localhost:5174",
    "null",
]
METHODS = ["GET", "POST", "PATCH", "DELETE"]
MISSING = 4242  # a post id no check creates

WHY_ORIGIN = (
    "A browser lets the page read the answer only when Access-Control-Allow-Origin is the page's "
    "own origin; with credentials (cookies) it must be that exact origin, never '*'."
)


def acao(response: httpx.Response) -> str | None:
    return response.headers.get("access-control-allow-origin")


def tokens(response: httpx.Response, header: str) -> set[str]:
    """The comma-separated items of every `header` line of the response, lower-cased."""
    return {
        item.strip().lower()
        for line in response.headers.get_list(header)
        for item in line.split(",")
        if item.strip()
    }


def show(response: httpx.Response) -> str:
    """The status and the CORS-related headers of an answer, for messages."""
    shown = {
        name: value
        for name, value in response.headers.multi_items()
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }
    return f"{response.status_code} with {shown or 'no CORS headers'}"


async def preflight(
    client: httpx.AsyncClient,
    origin: str,
    method: str = "POST",
    headers: str | None = "content-type",
    path: str = "/posts",
) -> tuple[httpx.Response, str]:
    """The preflight a browser sends before a `method` request with `headers` from `origin`."""
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        sent["Access-Control-Request-Headers"] = headers
    response = await client.options(path, headers=sent)
    what = f"OPTIONS {path} from Origin {origin} asking for {method}" + (
        f" with headers {headers!r}" if headers else ""
    )
    return response, what


async def test_preflight_from_the_frontend(app_client):
    """A preflight from each frontend origin is answered 200 with that origin, credentials, the
    methods and headers, and Max-Age 3600."""
    for origin in FRONTEND:
        for method in METHODS:
            response, what = await preflight(
                app_client, origin, method, "authorization, content-type"
            )
            assert response.status_code == 200, (
                f"{what}: answered {show(response)}; expected 200. The frontend sends "
                f"{method} requests with Authorization and Content-Type from {origin}: if the "
                "preflight is refused, the browser never sends the request itself."
            )
            assert acao(response) == origin, (
                f"{what}: Access-Control-Allow-Origin is {acao(response)!r}; expected "
                f"{origin!r}. {WHY_ORIGIN}"
            )
            assert response.headers.get("access-control-allow-credentials") == "true", (
                f"{what}: answered {show(response)}; expected Access-Control-Allow-Credentials: "
                "true. Without it the browser sends the request but hides the answer from a page "
                "that sent cookies (fetch with credentials: 'include')."
            )
            methods = tokens(response, "access-control-allow-methods")
            assert method.lower() in methods, (
                f"{what}: Access-Control-Allow-Methods lists {sorted(methods)}; expected it to "
                f"name {method}."
            )
            allowed = tokens(response, "access-control-allow-headers")
            assert {"authorization", "content-type"} <= allowed, (
                f"{what}: Access-Control-Allow-Headers lists {sorted(allowed)}; expected "
                "Authorization and Content-Type among them (the headers the frontend sends)."
            )
            max_age = response.headers.get("access-control-max-age")
            assert max_age == "3600", (
                f"{what}: Access-Control-Max-Age is {max_age!r}; expected '3600' "
                "(max_age=3600): the browser may reuse this answer for an hour instead of "
                "sending a preflight before every request. Starlette's default is 600."
            )


async def test_preflight_from_a_foreign_origin_is_refused(app_client):
    """A preflight from any other origin — another site, a look-alike, another scheme or port,
    'null' — is refused: no Access-Control-Allow-Origin, status 400."""
    for origin in FOREIGN:
        response, what = await preflight(app_client, origin, "POST", "content-type")
        assert acao(response) is None, (
            f"{what}: answered {show(response)}; expected no Access-Control-Allow-Origin at all. "
            f"{origin} is not the frontend: with this answer a page there may send requests with "
            "your users' cookies and read the answers. Name the origins exactly (no '*', no "
            "regex that matches more than the frontend)."
        )
        assert response.status_code == 400, (
            f"{what}: answered {show(response)}; expected 400, as CORSMiddleware answers a "
            "preflight it refuses ('Disallowed CORS origin')."
        )


async def test_preflight_for_another_method_is_refused(app_client):
    """A preflight asking for PUT (a method the frontend never uses) is refused."""
    for origin in FRONTEND:
        response, what = await preflight(app_client, origin, "PUT", "content-type")
        assert response.status_code == 400, (
            f"{what}: answered {show(response)}; expected 400. The frontend uses GET, POST, "
            "PATCH and DELETE only: allow those (allow_methods=[...]), not every method "
            "(allow_methods=['*'] allows PUT, and whatever a page elsewhere might try)."
        )
        methods = tokens(response, "access-control-allow-methods")
        assert "put" not in methods, (
            f"{what}: Access-Control-Allow-Methods lists {sorted(methods)}; expected no PUT."
        )


async def test_preflight_with_another_header_is_refused(app_client):
    """A preflight asking for a request header other than Authorization and Content-Type is
    refused."""
    for origin in FRONTEND:
        for asked in ["x-api-key", "authorization, x-debug"]:
            response, what = await preflight(app_client, origin, "GET", asked)
            assert response.status_code == 400, (
                f"{what}: answered {show(response)}; expected 400. The frontend sends "
                "Authorization and Content-Type: allow those (allow_headers=[...]), not every "
                "header (allow_headers=['*'] reflects whatever the preflight asks for)."
            )


async def test_requests_from_the_frontend(app_client, engine):
    """GET and POST from a frontend origin are answered with that origin, credentials and
    Vary: Origin; the POST stores its post."""
    for number, origin in enumerate(FRONTEND):
        sent = {"title": f"Hello from {origin}", "body": "CORS"}
        created = await app_client.post(
            "/posts", json=sent, headers={"Origin": origin, "Cookie": "session=abc"}
        )
        what = f"POST /posts {sent} from Origin {origin}"
        assert created.status_code == 201, (
            f"{what}: answered {created.status_code} {created.text[:200]!r}; expected 201 (the "
            "routes are given: the CORS policy must not change what they answer)."
        )
        listed = await app_client.get("/posts", headers={"Origin": origin, "Cookie": "session=abc"})
        for response, call in [(created, what), (listed, f"GET /posts from Origin {origin}")]:
            assert acao(response) == origin, (
                f"{call}: Access-Control-Allow-Origin is {acao(response)!r}; expected "
                f"{origin!r}. {WHY_ORIGIN}"
            )
            assert response.headers.get("access-control-allow-credentials") == "true", (
                f"{call}: answered {show(response)}; expected Access-Control-Allow-Credentials: "
                "true, or the browser hides the answer from a page that sent cookies."
            )
            assert "origin" in tokens(response, "vary"), (
                f"{call}: answered {show(response)}; expected Vary to name Origin. The answer "
                "depends on the Origin header, so a cache (a CDN, the browser's) must not serve "
                "it to a page of another origin."
            )
        assert len(listed.json()) == number + 1, (
            f"GET /posts from Origin {origin} answered {listed.json()!r}; expected the "
            f"{number + 1} post(s) created so far."
        )
    with engine.connect() as connection:
        titles = set(connection.execute(text("SELECT title FROM post")).scalars())
    expected = {f"Hello from {origin}" for origin in FRONTEND}
    assert titles == expected, (
        f"After a POST /posts from each frontend origin, the post table holds {sorted(titles)}; "
        f"expected {sorted(expected)}."
    )


async def test_requests_from_foreign_origins(app_client):
    """A GET from a foreign origin gets no Access-Control-Allow-Origin: the browser hides the
    answer from that page."""
    for origin in FOREIGN:
        response = await app_client.get(
            "/posts", headers={"Origin": origin, "Cookie": "session=abc"}
        )
        assert acao(response) is None, (
            f"GET /posts from Origin {origin} (with a cookie) answered {show(response)}; "
            f"expected no Access-Control-Allow-Origin. With it, a page on {origin} reads "
            "whatever your users may read, signed in with their cookies. (The server still "
            "answers: CORS only tells the browser whether the page may read the answer.)"
        )


async def test_no_star_anywhere(app_client):
    """No answer, to any origin, says '*' for the origin, the methods or the headers: with
    credentials the spec forbids it, and browsers refuse it."""
    answers: list[tuple[str, httpx.Response]] = []
    for origin in FRONTEND + FOREIGN:
        for method in ["GET", "DELETE", "PUT"]:
            response, what = await preflight(app_client, origin, method, "authorization")
            answers.append((what, response))
        response = await app_client.get("/posts", headers={"Origin": origin})
        answers.append((f"GET /posts from Origin {origin}", response))
    for what, response in answers:
        for header in [
            "access-control-allow-origin",
            "access-control-allow-methods",
            "access-control-allow-headers",
        ]:
            assert "*" not in response.headers.get_list(header), (
                f"{what}: answered {show(response)}; expected no '{header}: *'. The app allows "
                "credentials: browsers refuse '*' there, and every origin, method and header "
                "must be named."
            )


async def test_error_answers_carry_the_headers(app_client):
    """A 404 and a 422 answered to a frontend origin carry Access-Control-Allow-Origin too, so the
    frontend can read the error."""
    origin = FRONTEND[0]
    calls: list[tuple[str, str, Any, int]] = [
        ("GET", f"/posts/{MISSING}", None, 404),
        ("DELETE", f"/posts/{MISSING}", None, 404),
        ("GET", "/nowhere", None, 404),
        ("POST", "/posts", {"title": ""}, 422),
    ]
    for method, path, body, status in calls:
        response = await app_client.request(method, path, json=body, headers={"Origin": origin})
        what = f"{method} {path}" + (f" {body}" if body else "") + f" from Origin {origin}"
        assert response.status_code == status, (
            f"{what}: answered {response.status_code} {response.text[:200]!r}; expected "
            f"{status} (the routes are given)."
        )
        assert acao(response) == origin, (
            f"{what}: answered {show(response)}; expected Access-Control-Allow-Origin: "
            f"{origin}. CORSMiddleware wraps the routes and FastAPI's exception handlers, so "
            "their errors carry the headers, and the frontend can show 'not found' instead of a "
            "bare network error."
        )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, FRONTEND),
        ("", FRONTEND),
        ("  ", FRONTEND),
        ("https://admin.example", ["https://admin.example"]),
        (
            " https://admin.example , https://blog.example/,,",
            ["https://admin.example", "https://blog.example"],
        ),
        ("http://localhost:3000/", ["http://localhost:3000"]),
    ],
)
def test_allowed_origins_reads_the_environment(kata, monkeypatch, value, expected):
    """allowed_origins() reads $ALLOWED_ORIGINS (comma-separated, trimmed, no trailing '/'), and
    falls back to the frontend's two origins."""
    if value is None:
        monkeypatch.delenv("ALLOWED_ORIGINS", raising=False)
        setting = "with ALLOWED_ORIGINS unset"
    else:
        monkeypatch.setenv("ALLOWED_ORIGINS", value)
        setting = f"with ALLOWED_ORIGINS={value!r}"
    got = kata.allowed_origins()
    assert isinstance(got, list) and sorted(got) == sorted(expected), (
        f"allowed_origins() {setting} returned {got!r}; expected {expected!r}. A browser sends "
        "an origin as scheme://host[:port], with no path: 'https://blog.example/' never equals "
        "it, so a trailing '/' is dropped; an empty item is no origin."
    )


@pytest.mark.parametrize("value", ["*", "https://blog.example, *"])
def test_allowed_origins_refuses_a_star(kata, monkeypatch, value):
    """allowed_origins() raises ValueError when $ALLOWED_ORIGINS holds '*'."""
    monkeypatch.setenv("ALLOWED_ORIGINS", value)
    try:
        got = kata.allowed_origins()
    except ValueError:
        return
    pytest.fail(
        f"allowed_origins() with ALLOWED_ORIGINS={value!r} returned {got!r}; expected a "
        "ValueError. The app allows credentials, and Starlette, given '*' with credentials, "
        "answers every origin with its own name: any site could read your users' data. A "
        "deployment that asks for it should fail at start-up, not quietly open the API.",
        pytrace=False,
    )
