"""Checks for kata 5.2 — one session per request: a yield dependency and a lifespan.

The app is driven over ASGI inside its lifespan (`app_client`, or `app_runs` where a check
must look at what shutdown left behind) and once under uvicorn (`live_server`). `pool_watch` follows
every connection the app's async engine opens, checks out, returns and closes, through pool
events: a session that is never closed shows as a connection still checked out after its
request, or one the garbage collector had to take back.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import MissingGreenlet, StatementError

from checker.plugin.concurrency import send_at_once

MISSING = 4242  # an id no user has in these checks


def leak_report(watch: Any, after: str) -> str | None:
    """None when no connection is left out, else a sentence saying what was left after `after`."""
    out, abandoned = watch.leaked()
    if not out and not abandoned:
        return None
    found = []
    if out:
        found.append(f"{out} database connection(s) still checked out of the pool")
    if abandoned:
        found.append(
            f"{abandoned} connection(s) never returned, which the garbage collector took back when "
            "it found their session unclosed (SQLAlchemy warns: 'The garbage collector is trying "
            "to clean up non-checked-in connection')"
        )
    return (
        f"After {after}, the app had {' and '.join(found)}. A request's session must be closed "
        "when the request is done, whatever the route did: open it in get_session with "
        "`async with sessionmaker() as session: yield session` (or try/finally with "
        "`await session.close()`), so that FastAPI's cleanup after the yield closes it."
    )


def _shown(method: str, path: str, body: Any) -> str:
    return f"{method} {path}" + (f" with {json.dumps(body)}" if body is not None else "")


def _diagnosis(response: httpx.Response) -> str:
    """What a surprising answer usually means, for the answers this kata's stub gives."""
    if response.status_code == 422:
        try:
            errors = response.json().get("detail", [])
        except ValueError:
            errors = []
        if any(
            isinstance(e, dict) and list(e.get("loc", [])) == ["query", "session"] for e in errors
        ):
            return (
                "\nFastAPI read the route's `session` parameter as a query parameter: SessionDep "
                "is still the placeholder. Make it "
                "`Annotated[AsyncSession, Depends(get_session)]`, so that FastAPI calls "
                "get_session to fill it in."
            )
    return ""


def _explained(exc: BaseException) -> str:
    """What an exception raised by a route usually means in this kata, or ''."""
    if isinstance(exc, MissingGreenlet) or isinstance(getattr(exc, "orig", None), MissingGreenlet):
        return (
            "\nAn attribute was read that had to be loaded from the database first, outside an "
            "await. After a commit, a session made with the default expire_on_commit=True has "
            "expired every object it holds, so reading `user.id` means a new SELECT, which an "
            "AsyncSession cannot send implicitly. Make the sessionmaker with "
            "async_sessionmaker(engine, expire_on_commit=False)."
        )
    return ""


def _server_error(server: Any) -> str:
    """The exception a live server logged for a 500, explained if it is MissingGreenlet."""
    logged = server.logged_exception()
    if not logged:
        return ""
    hint = _explained(MissingGreenlet()) if "MissingGreenlet" in logged else ""
    return f"\nThe server logged: {logged[:300]}{hint}"


async def call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    expect: int,
    body: Any = None,
    server: Any = None,
    errors: list[BaseException] | None = None,
) -> httpx.Response:
    """Send one request; fail, saying what was sent and what came back, unless it answers
    `expect`. A 500 is explained by the live `server`'s log, or by the `errors` an app run by
    `app_runs(errors)` raised."""
    shown = _shown(method, path, body)
    try:
        response = await client.request(method, path, json=body)
    except (StatementError, MissingGreenlet) as exc:
        if not _explained(exc):
            raise
        pytest.fail(
            f"{shown} raised {type(exc).__name__}: {str(exc).splitlines()[0]}{_explained(exc)}",
            pytrace=False,
        )
    if response.status_code != expect:
        explained = _diagnosis(response)
        if response.status_code == 500 and errors:
            first = errors[-1]
            explained += (
                f"\nThe app raised {type(first).__name__}: {str(first).splitlines()[0][:300]}"
                + _explained(first)
            )
        elif response.status_code == 500 and server is not None:
            explained += _server_error(server)
        pytest.fail(
            f"{shown} answered {response.status_code} {response.text[:300]}; expected "
            f"{expect}.{explained}",
            pytrace=False,
        )
    return response


async def create_user(
    client: httpx.AsyncClient,
    username: str,
    server: Any = None,
    errors: list[BaseException] | None = None,
) -> dict:
    response = await call(client, "POST", "/users", 201, {"username": username}, server, errors)
    got = response.json()
    if not (isinstance(got, dict) and isinstance(got.get("id"), int)):
        pytest.fail(
            f"POST /users with {json.dumps({'username': username})} answered 201 {response.text}; "
            f'expected the new user as JSON: {{"id": <its id>, "username": "{username}"}}.',
            pytrace=False,
        )
    return got


def rows(engine: Any, sql: str, **params: Any) -> list[tuple]:
    """Rows read back with a connection of the check's own (not the app's)."""
    tables = set(inspect(engine).get_table_names())
    missing = sorted({"user_account", "post"} - tables)
    if missing:
        pytest.fail(
            f"The app answered, but the database DATABASE_URL names has no table {missing[0]}: "
            "the app keeps its data somewhere else. Create the engine in the lifespan from "
            "os.environ['DATABASE_URL'], and the tables with it.",
            pytrace=False,
        )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


async def test_lifespan_creates_the_tables(kata, app_client, engine):
    """Starting the app (its lifespan) creates the tables in the database DATABASE_URL names."""
    tables = set(inspect(engine).get_table_names())
    missing = {"user_account", "post"} - tables
    on_event = getattr(kata.app.router, "on_startup", None)
    assert not (missing and on_event), (
        "The app has @app.on_event('startup') handlers, and they never ran: an app given a "
        "lifespan (FastAPI(lifespan=lifespan)) does not run them. on_event is deprecated; move "
        "that code into the lifespan, before its yield (and the shutdown code after it)."
    )
    assert not missing, (
        f"Once the app had started, the database that DATABASE_URL names had the tables "
        f"{sorted(tables)}; expected user_account and post too (missing: {sorted(missing)}). "
        "Create the engine in the lifespan from os.environ['DATABASE_URL'] (not a URL of your "
        "own, nor one read at import time), then `async with engine.begin() as conn: await "
        "conn.run_sync(Base.metadata.create_all)` before the lifespan's yield."
    )


async def test_create_user(app_client, engine):
    """POST /users answers 201 with the new user, committed to the database."""
    got = await create_user(app_client, "ada")
    assert got == {"id": got["id"], "username": "ada"}, (
        f'POST /users with {{"username": "ada"}} answered {got}; expected '
        f'{{"id": {got["id"]}, "username": "ada"}}.'
    )
    stored = rows(engine, "SELECT username FROM user_account WHERE id = :id", id=got["id"])
    assert stored == [("ada",)], (
        f"After POST /users answered 201 with id {got['id']}, the database has {stored} for that "
        "id; expected [('ada',)]: commit the session before answering."
    )


async def test_read_user_and_404(app_client):
    """GET /users/{id} answers the user, and 404 for an id no user has."""
    bob = await create_user(app_client, "bob")
    got = (await call(app_client, "GET", f"/users/{bob['id']}", 200)).json()
    assert got == bob, f"GET /users/{bob['id']} answered {got}; expected {bob}."
    await call(app_client, "GET", f"/users/{MISSING}", 404)


async def test_posts_of_a_user(app_client, engine):
    """POST /users/{id}/posts answers 201 with the post; GET lists them, oldest first."""
    ann, cat = await create_user(app_client, "ann"), await create_user(app_client, "cat")
    made = []
    for author, title in ((ann, "First"), (cat, "Not ann's"), (ann, "Second")):
        path = f"/users/{author['id']}/posts"
        got = (await call(app_client, "POST", path, 201, {"title": title})).json()
        expected = {"id": got.get("id"), "author_id": author["id"], "title": title}
        assert isinstance(got.get("id"), int) and got == expected, (
            f'POST {path} with {{"title": "{title}"}} answered {got}; expected {expected} '
            "(with the new post's id)."
        )
        made.append(got)
    # An UPDATE moves a row to the end of a Postgres table's heap: without ORDER BY, a scan
    # would now return "First" after "Second". (SQLite keeps rows in id order whatever happens.)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE post SET title = title WHERE id = :id"), {"id": made[0]["id"]}
        )
    path = f"/users/{ann['id']}/posts"
    listed = (await call(app_client, "GET", path, 200)).json()
    expected = [made[0], made[2]]
    assert listed == expected, (
        f"GET {path} answered {listed}; expected ann's two posts, oldest first: {expected}."
    )
    stored = rows(engine, "SELECT author_id, title FROM post ORDER BY id")
    want = [(ann["id"], "First"), (cat["id"], "Not ann's"), (ann["id"], "Second")]
    assert stored == want, f"The post table holds {stored}; expected {want}: commit each post."


async def test_posts_of_a_missing_user_are_404(app_client, engine):
    """POST and GET /users/{id}/posts answer 404 for a missing user, and write nothing."""
    await call(app_client, "POST", f"/users/{MISSING}/posts", 404, {"title": "Lost"})
    await call(app_client, "GET", f"/users/{MISSING}/posts", 404)
    stored = rows(engine, "SELECT id, author_id, title FROM post")
    assert stored == [], (
        f"After POST /users/{MISSING}/posts answered 404, the post table holds {stored}; expected "
        "nothing: check that the user exists before adding the post."
    )


async def test_taken_username_is_409(app_client, engine):
    """A username already taken answers 409 with Location naming its owner; the app goes on."""
    await create_user(app_client, "bob")  # the owner is not simply the first user
    ada = await create_user(app_client, "ada")
    again = await call(app_client, "POST", "/users", 409, {"username": "ada"})
    location = again.headers.get("location")
    assert location == f"/users/{ada['id']}", (
        f'The second POST /users with {{"username": "ada"}} answered 409 with the Location header '
        f"{location!r}; expected '/users/{ada['id']}', the user who has the name. Roll the session "
        "back after the IntegrityError (it cannot be used again before), then look that user up."
    )
    stored = rows(engine, "SELECT id FROM user_account WHERE username = 'ada'")
    assert stored == [(ada["id"],)], f"user_account holds {stored} for 'ada'; expected one row."
    await create_user(app_client, "eve")  # and the next request works


async def test_a_request_closes_its_session(pool_watch, app_client):
    """After each request that succeeded, its session is closed: no connection is left out."""
    ada = await create_user(app_client, "ada")
    report = leak_report(pool_watch, "POST /users answered 201")
    assert report is None, report
    steps = [
        ("GET", f"/users/{ada['id']}", 200, None),
        ("POST", f"/users/{ada['id']}/posts", 201, {"title": "Hello"}),
        ("GET", f"/users/{ada['id']}/posts", 200, None),
    ]
    for method, path, status, body in steps:
        await call(app_client, method, path, status, body)
        report = leak_report(pool_watch, f"{method} {path} answered {status}")
        assert report is None, report


async def test_a_failing_request_still_closes_its_session(pool_watch, app_client):
    """A route that raised (404, 409) still has its session closed, and the next request works."""
    ada = await create_user(app_client, "ada")
    steps = [
        ("GET", f"/users/{MISSING}", 404, None),
        ("POST", f"/users/{MISSING}/posts", 404, {"title": "Lost"}),
        ("GET", f"/users/{MISSING}/posts", 404, None),
        ("POST", "/users", 409, {"username": "ada"}),
    ]
    for method, path, status, body in steps:
        await call(app_client, method, path, status, body)
        report = leak_report(pool_watch, f"{_shown(method, path, body)} answered {status}")
        assert report is None, report + (
            " The route raised HTTPException: code after a bare `yield` never runs then; "
            "`async with` or `finally` does."
        )
    got = (await call(app_client, "GET", f"/users/{ada['id']}", 200)).json()
    assert got == ada, f"After the failed requests, GET /users/{ada['id']} answered {got}."


_SHARED_SESSION = re.compile(
    r"concurrent operations|another operation is in progress|already in progress|"
    r"provisioning a new connection|IllegalStateChange",
    re.IGNORECASE,
)


def _concurrency_hint(exc: BaseException) -> str:
    """What an exception raised only when requests overlap usually means."""
    text = f"{type(exc).__name__}: {exc}"
    if _SHARED_SESSION.search(text):
        return (
            "\nRequests served at the same time must not share a session: an AsyncSession is "
            "one unit of work and refuses concurrent use. get_session must open a new session "
            "for each request (from the sessionmaker the lifespan made), not hand out one made "
            "earlier."
        )
    if "too many connections" in text.lower():
        return (
            "\nThe database refused more connections: the app opened more than its requests "
            "need. One engine (and its pool) for the whole app, made in the lifespan; only the "
            "session is made per request."
        )
    return ""


async def _at_once(
    client: httpx.AsyncClient, plan: list[tuple[str, str, int, Any]], errors: list[BaseException]
) -> None:
    """Send `plan` (method, path, expected status, JSON body) eight at a time; fail, saying what
    went wrong, unless each request answers as it does alone."""
    requests = [
        (method, path, {"json": body} if body is not None else {}) for method, path, _, body in plan
    ]
    try:
        responses = await send_at_once(client, requests)
    except TimeoutError:
        pytest.fail(
            f"{len(plan)} requests sent eight at a time did not all finish within 10 seconds: the "
            "app's requests waited for a connection. The pool has a few connections; a session "
            "that is never closed keeps its own checked out, until none is left.",
            pytrace=False,
        )
    wrong = [
        f"{_shown(method, path, body)} → {response.status_code} {response.text[:120]}"
        for (method, path, status, body), response in zip(plan, responses, strict=True)
        if response.status_code != status
    ]
    if errors:
        first = errors[0]
        pytest.fail(
            f"Of {len(plan)} requests sent eight at a time (GET /users/<id>, GET and POST "
            f"/users/<id>/posts, a missing user), {len(errors)} raised an exception, the first "
            f"{type(first).__name__}: {str(first).splitlines()[0][:300]}\n"
            + "\n".join(wrong[:8])
            + (_explained(first) or _concurrency_hint(first)),
            pytrace=False,
        )
    assert not wrong, (
        f"With {len(plan)} requests sent eight at a time, {len(wrong)} answered differently than "
        "they do one at a time:\n  " + "\n  ".join(wrong[:8]) + "\nEach request needs a "
        "session of its own."
    )


async def test_concurrent_requests_each_get_their_own_session(app_runs, pool_watch, engine):
    """Forty requests, eight at a time, all answer as they should and leave no connection out."""
    errors: list[BaseException] = []
    async with app_runs(errors) as client:
        ann, bob, cat = [
            await create_user(client, name, errors=errors) for name in ("ann", "bob", "cat")
        ]
        users = [ann, bob, cat]
        rounds = []
        for number in range(5):
            author, other = users[number % 3], users[(number + 1) % 3]
            rounds.append(
                [
                    ("GET", f"/users/{ann['id']}", 200, None),
                    ("GET", f"/users/{bob['id']}", 200, None),
                    ("POST", f"/users/{author['id']}/posts", 201, {"title": f"Post {number}"}),
                    ("GET", f"/users/{author['id']}/posts", 200, None),
                    ("GET", f"/users/{MISSING + number}", 404, None),
                    ("GET", f"/users/{cat['id']}", 200, None),
                    ("GET", f"/users/{MISSING}/posts", 404, None),
                    ("GET", f"/users/{other['id']}", 200, None),
                ]
            )
        await _at_once(client, rounds[0], errors)
        report = leak_report(pool_watch, "8 requests sent at once")
        assert report is None, report
        await _at_once(client, [step for steps in rounds[1:] for step in steps], errors)
        report = leak_report(pool_watch, "32 more requests, eight at a time")
        assert report is None, report
    stored = rows(engine, "SELECT count(*) FROM post")
    assert stored == [(5,)], (
        f"After five POSTs of a post answered 201, the post table holds {stored[0][0]} rows; "
        "expected 5."
    )


async def test_shutdown_closes_every_connection(app_runs, pool_watch):
    """When the app stops, the lifespan disposes the engine: no connection it opened stays open."""
    async with app_runs() as client:
        ada = await create_user(client, "ada")
        await call(client, "GET", f"/users/{ada['id']}", 200)
        await call(client, "GET", f"/users/{MISSING}", 404)
    assert pool_watch.opened, (
        "The app started, created a user and read it back without opening a connection through "
        "an async engine; expected the lifespan's create_async_engine(DATABASE_URL) to open one."
    )
    still_open, checked_out = len(pool_watch.open), len(pool_watch.out)
    assert not checked_out, (
        f"When the app shut down, {checked_out} database connection(s) were still checked out "
        "by sessions nobody closed; dispose() only closes the connections in the pool. Close "
        "each request's session in get_session (`async with ... yield session`)."
    )
    assert not still_open, (
        "After the app shut down (the end of its lifespan), "
        f"{still_open} of the {pool_watch.opened} database connection(s) it opened were still "
        "open. Dispose the engine after the lifespan's yield: `await engine.dispose()` closes "
        "the connections in its pool (left to the garbage collector, they are dropped unclosed, "
        "and a server that restarts its app piles them up)."
    )


async def test_data_outlives_a_restart(app_runs, engine):
    """What the app committed is there after a restart, in the database DATABASE_URL names."""
    async with app_runs() as client:
        ada = await create_user(client, "ada")
    async with app_runs() as client:
        response = await client.get(f"/users/{ada['id']}")
        assert response.status_code == 200 and response.json() == ada, (
            f"The app created {ada} (POST /users answered 201), was stopped and started again; "
            f"then GET /users/{ada['id']} answered {response.status_code} {response.text[:200]}; "
            f"expected 200 {ada}. Commit in the route, and keep the data in the database "
            "DATABASE_URL names."
        )
    stored = rows(engine, "SELECT id, username FROM user_account")
    assert stored == [(ada["id"], "ada")], (
        f"The database DATABASE_URL names holds the users {stored}; expected [({ada['id']}, "
        "'ada')]: the app must use that database (read the variable in the lifespan)."
    )


async def test_under_uvicorn(live_server, engine):
    """Under a real uvicorn: 201, 200, 404 and 409, and the rows land in DATABASE_URL's database."""
    async with live_server.client() as client:
        ada = await create_user(client, "ada", live_server)
        await call(client, "GET", f"/users/{ada['id']}", 200, server=live_server)
        await call(client, "GET", f"/users/{MISSING}", 404, server=live_server)
        taken = await call(client, "POST", "/users", 409, {"username": "ada"}, live_server)
        assert taken.headers.get("location") == f"/users/{ada['id']}", (
            f"Under uvicorn, the second POST /users for 'ada' answered 409 with Location "
            f"{taken.headers.get('location')!r}; expected '/users/{ada['id']}'."
        )
        path = f"/users/{ada['id']}/posts"
        post = (await call(client, "POST", path, 201, {"title": "Served"}, live_server)).json()
        listed = (await call(client, "GET", path, 200, server=live_server)).json()
        assert listed == [post], f"Under uvicorn, GET {path} answered {listed}; expected [{post}]."
    stored = rows(
        engine, "SELECT u.username, p.title FROM post p JOIN user_account u ON u.id = p.author_id"
    )
    assert stored == [("ada", "Served")], (
        f"After the server answered, the database DATABASE_URL names holds {stored}; expected "
        "[('ada', 'Served')]."
    )
