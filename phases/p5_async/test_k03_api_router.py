"""Checks for kata 5.3 — a router for posts: path parameters, route order, PUT vs PATCH, status
codes.

The app runs inside its lifespan over ASGI (`app_client`), and once under uvicorn
(`live_server`). Where a check needs posts, they are written straight into the check's database
(the `seeded` fixture), not through the app; rows are read back with a connection of the check's
own, and `queries` shows the SQL each request sent.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from fastapi.exceptions import ResponseValidationError
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

MISSING = 4242  # an id no post has in these checks
# Values that break SQL built by hand: quotes, a backslash, a percent sign, a comment.
HOSTILE = "O'Brien's \"draft\" \\ 100% '; --"
HOSTILE_BODY = "Line one.\nLine 'two' \\ 50% _off_"

SEED = (  # (title, body, summary, published), written in this order: ids 1, 2, 3
    ("Draft ideas", "Not ready yet.", None, False),
    ("Hello, world", "The first post.", "Greetings", True),
    ("Routers", "APIRouter and include_router.", "Splitting an app", True),
)

EXPECTED_ROUTES = {
    "/posts": ("get", "post"),
    "/posts/latest": ("get",),
    "/posts/{post_id}": ("get", "put", "patch", "delete"),
}
_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
_UPDATE_SET = re.compile(
    r"^UPDATE\s+\S+\s+SET\s+(?P<set>.*?)(?:\s+(?:WHERE|RETURNING)\s.*)?$", re.IGNORECASE | re.DOTALL
)
_SET_COLUMN = re.compile(r'(?:^|,)\s*"?(?P<column>\w+)"?\s*=')


# --- Reading the database -------------------------------------------------------------------


def table(engine: Any) -> list[dict]:
    """Every post in the database, in id order, as the API would show it (read with a
    connection of the check's own, not the app's)."""
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT id, title, body, summary, published FROM post ORDER BY id")
        )
        return [
            {
                "id": row.id,
                "title": row.title,
                "body": row.body,
                "summary": row.summary,
                "published": bool(row.published),  # SQLite keeps booleans as 0 and 1
            }
            for row in found
        ]


@pytest.fixture
def seeded(app_client: httpx.AsyncClient, engine: Any) -> list[dict]:
    """Three posts, written into the database the app uses (its lifespan made the table).

    Then the first one is updated in place: on Postgres its row moves to the end of the table,
    so a query without ORDER BY returns the posts as 2, 3, 1 (SQLite keeps id order)."""
    with engine.begin() as connection:
        for title, body, summary, published in SEED:
            connection.execute(
                text(
                    "INSERT INTO post (title, body, summary, published) "
                    "VALUES (:title, :body, :summary, :published)"
                ),
                {"title": title, "body": body, "summary": summary, "published": published},
            )
        connection.execute(
            text("UPDATE post SET title = title WHERE id = (SELECT min(id) FROM post)")
        )
    return table(engine)


def updated_columns(statements: list[str]) -> list[set[str]]:
    """The columns each UPDATE statement sets, one set per UPDATE."""
    found = []
    for sql in statements:
        if match := _UPDATE_SET.match(sql):
            found.append({m["column"].lower() for m in _SET_COLUMN.finditer(match["set"])})
    return found


# --- Sending requests, and explaining what came back -----------------------------------------


def _shown(method: str, path: str, body: Any) -> str:
    return f"{method} {path}" + (f" with {json.dumps(body)}" if body is not None else "")


def _explained(exc: BaseException) -> str:
    """What an exception raised by a route usually means in this kata, or ''."""
    if isinstance(exc, IntegrityError) and re.search(r"not.null|null value", str(exc), re.I):
        return (
            "\nThe route wrote NULL into a column that may not be NULL (title, body, published). "
            "A PATCH applies only the fields the client sent: "
            "`body.model_dump(exclude_unset=True)`. `model_dump()` alone gives every field of "
            "PostUpdate, None for each one the client left out, and setting those nulls them."
        )
    if isinstance(exc, ValidationError) and exc.title == "PostOut":
        return (
            "\nPostOut.model_validate() was given something that is not a post (None?). When "
            "there is no post to answer with, raise HTTPException(status_code=404) first "
            "(post_or_404 does that for a post_id)."
        )
    if isinstance(exc, ResponseValidationError):
        return (
            "\nThe route returned something that is not a post (None?), and FastAPI could not "
            "turn it into the PostOut it declared. When there is no post, raise "
            "HTTPException(status_code=404) instead of returning."
        )
    if isinstance(exc, DBAPIError) and re.search(r"invalid input for query argument", str(exc)):
        return (
            "\nA value of the wrong type reached the database: is post_id declared as a str? "
            "Declare it `post_id: int`, and FastAPI answers 422 for /posts/abc before the route "
            "runs."
        )
    return ""


def _template_matches(template: str, path: str) -> bool:
    pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
    return re.fullmatch(pattern, path.split("?")[0]) is not None


async def _paths(client: httpx.AsyncClient) -> dict[str, Any]:
    """The app's paths as its OpenAPI document lists them ({} when it does not answer)."""
    try:
        response = await client.get("/openapi.json")
        return dict(response.json().get("paths", {}))
    except (httpx.HTTPError, ValueError):
        return {}


def _server_error(server: Any) -> str:
    """The exception a live server logged for a 500."""
    logged = server.logged_exception()
    return f"\nThe server logged: {logged[:300]}" if logged else ""


async def _diagnosis(
    client: httpx.AsyncClient, method: str, path: str, response: httpx.Response, expect: int
) -> str:
    """What a surprising answer usually means in this kata."""
    status = response.status_code
    try:
        detail = response.json().get("detail") if response.content else None
    except (ValueError, AttributeError):
        detail = None
    errors = detail if isinstance(detail, list) else []
    if status == 422 and any(
        isinstance(e, dict) and e.get("loc") == ["path", "post_id"] and e.get("input") == "latest"
        for e in errors
    ):
        return (
            "\nGET /posts/latest was taken by the route /posts/{post_id}, with 'latest' as the "
            "post_id, which is not an integer. FastAPI tries routes in the order they were "
            "declared and the first match wins: declare @router.get('/latest') before "
            "@router.get('/{post_id}')."
        )
    if status == 422 and method == "PATCH":
        missing = [
            e["loc"][-1] for e in errors if isinstance(e, dict) and e.get("type") == "missing"
        ]
        if missing:
            return (
                f"\nPostUpdate requires {missing}: a PATCH sends only the fields it changes, so "
                "every field of PostUpdate is optional (`= None`, or Field(default=None, ...))."
            )
    if expect == 422 and path.endswith("/abc") and status in (200, 404, 500):
        return (
            "\nThe text 'abc' reached the route as a post_id. Declare the parameter "
            "`post_id: int`: FastAPI then converts it, and answers 422 for text that is not an "
            "integer before the route runs."
        )
    if status == 307:
        return (
            f"\nFastAPI redirected the request to {response.headers.get('location')}: the route "
            "is declared at '/', which under the prefix is /posts/ (with the slash). Declare the "
            "collection's routes at '' (`@router.post(\"\", ...)`), so that the path is /posts."
        )
    if status == 405:
        allowed = response.headers.get("allow", "?")
        return (
            f"\nA route has the path {path}, but not for {method} (it allows {allowed}): check the "
            "decorator of that route (`@router.put`, `@router.patch`, …) and its path."
        )
    if status == 404 and detail == "Not Found":
        paths = await _paths(client)
        if not any(_template_matches(template, path) for template in paths):
            listed = f"the paths {sorted(paths)}" if paths else "no paths at all"
            return (
                f"\nNo route of the app matched {path}: its docs list {listed}. Include the "
                "router in main.py: "
                '`app.include_router(posts_router, prefix="/posts", tags=["posts"])`, with '
                "the paths in posts.py relative to it ('', '/latest', '/{post_id}')."
            )
    if status == 200 and expect == 201:
        return (
            "\nFastAPI answers 200 unless the route says otherwise: a route that creates "
            'something declares it, `@router.post("", status_code=201)`.'
        )
    if status == 200 and expect == 204:
        return (
            "\nA delete has nothing to answer with: declare `status_code=204` in the decorator "
            "and return None (FastAPI then sends no body)."
        )
    return ""


async def call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    expect: int,
    body: Any = None,
    server: Any = None,
) -> httpx.Response:
    """Send one request; fail, saying what was sent and what came back, unless it answers
    `expect`. A 500 is explained by the live `server`'s log."""
    shown = _shown(method, path, body)
    try:
        response = await client.request(method, path, json=body)
    except Exception as exc:  # an exception the app raised, carried out by the ASGI transport
        hint = _explained(exc)
        if not hint:
            raise
        pytest.fail(
            f"{shown} raised {type(exc).__name__}: {str(exc).splitlines()[0][:300]}{hint}",
            pytrace=False,
        )
    if response.status_code != expect:
        explained = await _diagnosis(client, method, path, response, expect)
        if response.status_code == 500 and server is not None:
            explained += _server_error(server)
        pytest.fail(
            f"{shown} answered {response.status_code} {response.text[:300]}; expected "
            f"{expect}.{explained}",
            pytrace=False,
        )
    return response


async def answered_post(
    client: httpx.AsyncClient, method: str, path: str, expect: int, body: Any = None, **kw: Any
) -> dict:
    """The post a request answered with (JSON), or a failure saying what came instead."""
    response = await call(client, method, path, expect, body, **kw)
    try:
        got = response.json()
    except ValueError:
        got = None
    if not (isinstance(got, dict) and isinstance(got.get("id"), int)):
        pytest.fail(
            f"{_shown(method, path, body)} answered {response.status_code} {response.text[:300]}; "
            'expected a post as JSON: {"id": …, "title": …, "body": …, "summary": …, '
            '"published": …} (return PostOut.model_validate(post)).',
            pytrace=False,
        )
    return got


def post(id: int, title: str, body: str, summary: str | None, published: bool) -> dict:
    return {"id": id, "title": title, "body": body, "summary": summary, "published": published}


# --- The checks -------------------------------------------------------------------------------


async def test_routes_are_in_the_docs(app_client):
    """/openapi.json lists every route under /posts with the tag "posts"; /docs and /redoc load."""
    paths = (await call(app_client, "GET", "/openapi.json", 200)).json().get("paths", {})
    listed = {path: sorted(set(operations) & _HTTP_METHODS) for path, operations in paths.items()}
    missing = [
        f"{method.upper()} {path}"
        for path, methods in EXPECTED_ROUTES.items()
        for method in methods
        if method not in listed.get(path, [])
    ]
    slash = ""
    if any(path.endswith("/") for path in listed):
        slash = (
            " A path ending in '/' (like /posts/) comes from a route declared at '/': declare "
            "the collection's routes at '' instead."
        )
    if any(path.startswith("/posts/posts") for path in listed):
        slash = (
            " The prefix is there twice: give it to APIRouter(prefix=...) or to "
            "include_router(prefix=...), not to both."
        )
    assert not missing, (
        f"The app's /openapi.json lists {listed or 'no paths'}; expected these routes too: "
        f"{missing}. Include the router in main.py with prefix='/posts', and declare the routes "
        f"of the task on it (paths relative to the prefix: '', '/latest', '/{{post_id}}').{slash}"
    )
    untagged = [
        f"{method.upper()} {path} (tags {paths[path][method].get('tags', [])})"
        for path, methods in EXPECTED_ROUTES.items()
        for method in methods
        if set(paths[path][method].get("tags", [])) != {"posts"}
    ]
    assert not untagged, (
        f"In /openapi.json, these routes are not tagged 'posts': {untagged}. Give the tag when "
        'including the router (`tags=["posts"]`): /docs groups the routes by tag.'
    )
    for method in EXPECTED_ROUTES["/posts/{post_id}"]:
        parameters = paths["/posts/{post_id}"][method].get("parameters", [])
        post_id = next((p for p in parameters if p.get("name") == "post_id"), {})
        assert post_id.get("in") == "path" and post_id.get("schema", {}).get("type") == "integer", (
            f"/openapi.json describes the post_id of {method.upper()} /posts/{{post_id}} as "
            f"{post_id or 'nothing'}; expected a path parameter of type integer: declare it "
            "`post_id: int` in the route's signature."
        )
    docs = await call(app_client, "GET", "/docs", 200)
    redoc = await call(app_client, "GET", "/redoc", 200)
    assert "/openapi.json" in docs.text and "/openapi.json" in redoc.text, (
        "GET /docs and GET /redoc answered pages that do not load /openapi.json; expected "
        "FastAPI's Swagger UI and ReDoc pages (keep docs_url and redoc_url at their defaults)."
    )


async def test_create_post(app_client, engine, queries):
    """POST /posts answers 201 with the new post, defaults filled in; an invalid post is 422."""
    sent = {"title": HOSTILE, "body": HOSTILE_BODY}
    first = await answered_post(app_client, "POST", "/posts", 201, sent)
    expected = post(first["id"], HOSTILE, HOSTILE_BODY, None, False)
    assert first == expected, (
        f"POST /posts with {json.dumps(sent)} answered {first}; expected {expected} (summary "
        "and published left out take PostIn's defaults)."
    )
    whole = {"title": "Routers", "body": "On APIRouter.", "summary": "Splitting", "published": True}
    second = await answered_post(app_client, "POST", "/posts", 201, whole)
    assert second == {"id": second["id"], **whole} and second["id"] != first["id"], (
        f"The second POST /posts with {json.dumps(whole)} answered {second}; expected a new "
        f"post (not id {first['id']}) with those values."
    )
    stored = table(engine)
    assert stored == [first, second], (
        f"After two POSTs answered 201, the post table holds {stored}; expected {[first, second]}: "
        "add the post and commit before answering."
    )
    bound = queries.parameters(r"^INSERT")
    assert any(HOSTILE in values for values in bound), (
        f"The INSERTs the app sent got the parameters {bound}; expected the title {HOSTILE!r} "
        "among them, as given: let the ORM bind it (Post(**body.model_dump())), never format "
        "it into the SQL."
    )
    for invalid in ({"body": "No title."}, {"title": "", "body": "x"}, {"title": "x" * 201}):
        await call(app_client, "POST", "/posts", 422, invalid)
    assert table(engine) == stored, (
        f"After POSTs of invalid posts answered 422, the post table holds {table(engine)}; "
        f"expected it unchanged: {stored}. Take the body as PostIn, so FastAPI validates it."
    )


async def test_list_posts_oldest_first(app_client, seeded):
    """GET /posts answers every post, lowest id first."""
    listed = (await call(app_client, "GET", "/posts", 200)).json()
    assert listed == seeded, (
        f"GET /posts answered {listed}; expected every post in id order: {seeded}. Without "
        "ORDER BY a database returns rows in whatever order it finds them (on Postgres, an "
        "updated row moves to the end): select(Post).order_by(Post.id)."
    )


async def test_latest_post(app_client, seeded):
    """GET /posts/latest answers the post with the highest id, also after a new one is made."""
    latest = await answered_post(app_client, "GET", "/posts/latest", 200)
    assert latest == seeded[-1], (
        f"GET /posts/latest answered {latest}; expected the newest post (the highest id), "
        f"{seeded[-1]}, of {seeded}: order by Post.id descending, and take the first."
    )
    sent = {"title": "Newer", "body": "Made after the others."}
    newer = await answered_post(app_client, "POST", "/posts", 201, sent)
    latest = await answered_post(app_client, "GET", "/posts/latest", 200)
    assert latest == newer, (
        f"After POST /posts answered {newer}, GET /posts/latest answered {latest}; expected the "
        "post just made."
    )


async def test_latest_without_posts_is_404(app_client):
    """GET /posts/latest answers 404 when there are no posts (and the post once there is one)."""
    await call(app_client, "GET", "/posts/latest", 404)
    made = await answered_post(app_client, "POST", "/posts", 201, {"title": "One", "body": "x"})
    latest = await answered_post(app_client, "GET", "/posts/latest", 200)
    assert latest == made, f"GET /posts/latest answered {latest}; expected the only post, {made}."


async def test_read_post_and_404(app_client, seeded):
    """GET /posts/{post_id} answers that post, and 404 for an id no post has."""
    for expected in (seeded[1], seeded[0]):
        path = f"/posts/{expected['id']}"
        got = await answered_post(app_client, "GET", path, 200)
        assert got == expected, f"GET {path} answered {got}; expected {expected}."
    await call(app_client, "GET", f"/posts/{MISSING}", 404)


async def test_path_parameter_is_validated(app_client, seeded, engine, queries):
    """/posts/abc answers 422 (post_id is not an integer) for every method, before any SQL."""
    whole = {"title": "Never", "body": "Never written."}
    for method, body in (
        ("GET", None),
        ("PUT", whole),
        ("PATCH", {"title": "x"}),
        ("DELETE", None),
    ):
        shown = _shown(method, "/posts/abc", body)
        with queries.during() as sent:
            response = await call(app_client, method, "/posts/abc", 422, body)
        errors = response.json().get("detail", [])
        assert any(isinstance(e, dict) and e.get("loc") == ["path", "post_id"] for e in errors), (
            f"{shown} answered 422 {response.text[:300]}; expected FastAPI's own error for the "
            "path parameter, at loc ['path', 'post_id']: declare `post_id: int` and let FastAPI "
            "validate it."
        )
        assert not sent, (
            f"{shown} answered 422 but first sent {sent}; expected no SQL at all: FastAPI "
            "validates the path parameter before it calls the route."
        )
    assert table(engine) == seeded, (
        f"After requests to /posts/abc answered 422, the post table holds {table(engine)}; "
        f"expected it unchanged: {seeded}."
    )


async def test_put_replaces_the_whole_post(app_client, seeded, engine):
    """PUT sets every field from the body, defaults for those left out; a partial body is 422."""
    target, others = seeded[1], [seeded[0], seeded[2]]
    path = f"/posts/{target['id']}"
    sent: dict[str, Any] = {"title": "Hello again", "body": "Rewritten."}
    got = await answered_post(app_client, "PUT", path, 200, sent)
    expected = post(target["id"], "Hello again", "Rewritten.", None, False)
    assert got == expected, (
        f"PUT {path} with {json.dumps(sent)} on the post {target} answered {got}; expected "
        f"{expected}. PUT replaces the whole post: the fields left out take PostIn's defaults "
        "(summary None, published False). Apply body.model_dump(), every field."
    )
    stored = table(engine)
    assert stored == [others[0], expected, others[1]], (
        f"After that PUT answered 200, the post table holds {stored}; expected "
        f"{[others[0], expected, others[1]]}: only that post replaced, and committed."
    )
    sent = {"title": HOSTILE, "body": HOSTILE_BODY, "summary": "Back", "published": True}
    got = await answered_post(app_client, "PUT", path, 200, sent)
    expected = {"id": target["id"], **sent}
    assert got == expected and table(engine) == [others[0], expected, others[1]], (
        f"A second PUT {path} with {json.dumps(sent)} answered {got}, and the post table holds "
        f"{table(engine)}; expected the post {expected}, committed, the others unchanged."
    )
    await call(app_client, "PUT", path, 422, {"title": "Only a title"})
    assert table(engine) == [others[0], expected, others[1]], (
        f"After a PUT without a body field answered 422, the post table holds {table(engine)}; "
        "expected it unchanged: a PUT sends a whole post (take the body as PostIn)."
    )


async def test_patch_changes_only_the_fields_sent(app_client, seeded, engine):
    """PATCH changes the fields sent (false and null included) and keeps every other one."""
    target, others = seeded[1], [seeded[0], seeded[2]]
    path = f"/posts/{target['id']}"
    current = dict(target)
    steps = (
        {"published": False},  # a false value is a value
        {"title": "Hello, again"},  # and the post stays unpublished
        {"summary": None},  # null sent: the summary is cleared
        {"summary": "Back again", "published": True},
    )
    for sent in steps:
        got = await answered_post(app_client, "PATCH", path, 200, sent)
        before, current = current, {**current, **sent}
        kept = sorted(set(current) - set(sent) - {"id"})
        assert got == current, (
            f"PATCH {path} with {json.dumps(sent)} on the post {before} answered {got}; expected "
            f"{current}: the fields sent changed, {kept} kept as they were. Apply "
            "body.model_dump(exclude_unset=True): the fields the client sent, a null or a false "
            "included, and nothing else (exclude_none cannot clear a summary; `if value:` "
            "cannot unpublish)."
        )
        stored = table(engine)
        assert stored == [others[0], current, others[1]], (
            f"After PATCH {path} with {json.dumps(sent)} answered 200, the post table holds "
            f"{stored}; expected {[others[0], current, others[1]]}: that post changed, and "
            "committed; the others untouched."
        )


async def test_patch_updates_only_the_columns_sent(app_client, seeded, queries):
    """A PATCH sends one UPDATE that sets only the columns it was sent, values bound."""
    path = f"/posts/{seeded[0]['id']}"
    for sent in ({"title": HOSTILE}, {"summary": "Now with a summary", "published": True}):
        with queries.during() as statements:
            await answered_post(app_client, "PATCH", path, 200, sent)
        columns = updated_columns(statements)
        assert columns == [set(sent)], (
            f"PATCH {path} with {json.dumps(sent)} sent the UPDATEs {columns or 'none'} (the "
            f"columns each one sets); expected one UPDATE setting only {sorted(sent)}. An UPDATE "
            "that writes the other columns back with the values this request read can undo a "
            "change another request just made to them. Set only the fields sent, on the post "
            "you loaded: the session writes only what changed."
        )
    bound = [values for values in queries.parameters(r"^UPDATE") if HOSTILE in values]
    assert bound, (
        f"The UPDATEs the app sent got the parameters {queries.parameters(r'^UPDATE')}; expected "
        f"the title {HOSTILE!r} among them, as given (a bound parameter)."
    )


async def test_patch_is_validated(app_client, seeded, engine, queries):
    """A PATCH is validated like a POST (422, nothing changed); an empty PATCH changes nothing."""
    target = seeded[1]
    path = f"/posts/{target['id']}"
    for invalid in ({"title": ""}, {"title": "x" * 201}, {"summary": "s" * 301}):
        await call(app_client, "PATCH", path, 422, invalid)
    assert table(engine) == seeded, (
        f"After invalid PATCHes of {path} answered 422, the post table holds {table(engine)}; "
        f"expected it unchanged: {seeded}. Give PostUpdate's fields PostIn's limits "
        "(Field(default=None, min_length=1, max_length=200) for the title, max_length=300 for "
        "the summary)."
    )
    with queries.during() as statements:
        got = await answered_post(app_client, "PATCH", path, 200, {})
    assert got == target and not updated_columns(statements), (
        f"PATCH {path} with {{}} answered {got} after sending {statements}; expected the post "
        f"unchanged, {target}, and no UPDATE: nothing was sent, so nothing changes."
    )


async def test_delete_answers_204_with_no_body(app_client, seeded, engine):
    """DELETE answers 204 with an empty body and removes that post only; then it is 404."""
    target = seeded[1]
    path = f"/posts/{target['id']}"
    response = await call(app_client, "DELETE", path, 204)
    assert response.content == b"", (
        f"DELETE {path} answered 204 with the body {response.content!r}; expected no body at "
        "all: 204 means No Content. Return None from the route."
    )
    stored = table(engine)
    assert stored == [seeded[0], seeded[2]], (
        f"After DELETE {path} answered 204, the post table holds {stored}; expected "
        f"{[seeded[0], seeded[2]]}: that post deleted, and committed."
    )
    await call(app_client, "DELETE", path, 404)
    await call(app_client, "GET", path, 404)


async def test_missing_post_is_404_and_changes_nothing(app_client, seeded, engine, queries):
    """GET, PUT, PATCH and DELETE of an id no post has answer 404 and write nothing."""
    path = f"/posts/{MISSING}"
    paths = (await call(app_client, "GET", "/openapi.json", 200)).json().get("paths", {})
    routes = sorted(paths.get("/posts/{post_id}", {}))
    assert set(routes) >= {"get", "put", "patch", "delete"}, (
        f"/openapi.json lists the methods {routes} for /posts/{{post_id}}; expected get, put, "
        "patch and delete: a 404 only means 'no such post' when a route answered it."
    )
    whole = {"title": "Ghost", "body": "Nobody wrote this."}
    for method, body in (
        ("GET", None),
        ("PUT", whole),
        ("PATCH", {"title": "x"}),
        ("DELETE", None),
    ):
        await call(app_client, method, path, 404, body)
    writes = queries.matching(r"^\s*(INSERT|UPDATE|DELETE|MERGE)\b")
    stored = table(engine)
    assert stored == seeded and not writes, (
        f"After GET, PUT, PATCH and DELETE of {path} answered 404, the app had sent {writes} and "
        f"the post table holds {stored}; expected no writes and the table unchanged: {seeded}. "
        "A PUT of an id that names nothing is a 404, not a new post."
    )


async def test_under_uvicorn(live_server, engine):
    """Under a real uvicorn: 201, the latest post, PATCH, 422, 204 with no body, then 404."""
    async with live_server.client() as client:
        first = {"title": "Served", "body": "By uvicorn.", "summary": "Live"}
        served = await answered_post(client, "POST", "/posts", 201, first, server=live_server)
        second = await answered_post(
            client, "POST", "/posts", 201, {"title": "Second", "body": "x"}, server=live_server
        )
        latest = await answered_post(client, "GET", "/posts/latest", 200, server=live_server)
        assert latest == second, (
            f"Under uvicorn, GET /posts/latest answered {latest}; expected {second}."
        )
        patched = await answered_post(
            client, "PATCH", f"/posts/{served['id']}", 200, {"published": True}, server=live_server
        )
        expected = {**served, "published": True}
        assert patched == expected, (
            f'Under uvicorn, PATCH /posts/{served["id"]} with {{"published": true}} answered '
            f"{patched}; expected {expected}."
        )
        await call(client, "GET", "/posts/abc", 422, server=live_server)
        deleted = await call(client, "DELETE", f"/posts/{second['id']}", 204, server=live_server)
        assert deleted.content == b"", (
            f"Under uvicorn, DELETE /posts/{second['id']} answered 204 with the body "
            f"{deleted.content!r}; expected none."
        )
        await call(client, "GET", f"/posts/{second['id']}", 404, server=live_server)
        latest = await answered_post(client, "GET", "/posts/latest", 200, server=live_server)
        assert latest == expected, (
            f"Under uvicorn, after the newest post was deleted, GET /posts/latest answered "
            f"{latest}; expected {expected}."
        )
    stored = table(engine)
    assert stored == [expected], (
        f"After the server answered, the database DATABASE_URL names holds {stored}; expected "
        f"{[expected]}."
    )
