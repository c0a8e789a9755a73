"""Checks for kata 5.7 — transactions in an async app: session.begin(), 409, savepoints.

The app is driven over ASGI inside its lifespan (`app_client`; `app_runs(errors)` where a request
must be allowed to fail with a 500) and once under uvicorn (`live_server`). The check creates the
tables of the given models itself and seeds users and posts with its own connection; every row is
read back with it. Besides the answers, each check looks at the transaction statements the request
sent (`queries.transactions`: BEGIN, SAVEPOINT, ROLLBACK TO SAVEPOINT, COMMIT) and at how the
session's transactions began (the Session's `after_transaction_create` event): through
`session.begin()`, or by themselves on the first statement (autobegin, when code commits by hand).
`db_faults.fail_statements` makes one INSERT fail with OperationalError, an error that is not a
conflict: it must stay a 500 and leave nothing written.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from checker.plugin.concurrency import send_at_once
from checker.plugin.fault_fixtures import INJECTED_STATEMENT

MISSING = 4242  # an id no user or post has in these checks


# --------------------------------------------------------------------------- watching requests


class Origins:
    """How each top-level session transaction began while the check ran: "BEGIN" for
    `session.begin()`, "AUTOBEGIN" for one the session started by itself on its first statement
    (code that calls commit() by hand works that way)."""

    def __init__(self) -> None:
        self.top: list[str] = []

    def on_create(self, session: Any, transaction: Any) -> None:
        if transaction.parent is None:
            self.top.append(transaction.origin.name)


@pytest.fixture
def origins() -> Iterator[Origins]:
    watch = Origins()
    event.listen(Session, "after_transaction_create", watch.on_create)
    try:
        yield watch
    finally:
        event.remove(Session, "after_transaction_create", watch.on_create)


@dataclass
class Sent:
    """One request, its answer, and what it did to transactions."""

    shown: str
    response: httpx.Response
    transactions: list[str] = field(default_factory=list)  # BEGIN, SAVEPOINT sa_savepoint_1, …
    begun: list[str] = field(default_factory=list)  # origins of its top-level transactions
    inserts: list[tuple[Any, ...]] = field(default_factory=list)  # values of INSERTs it sent

    def count(self, kind: str) -> int:
        """How many of its transaction statements are `kind` (BEGIN, COMMIT, ROLLBACK,
        SAVEPOINT, RELEASE SAVEPOINT, ROLLBACK TO SAVEPOINT), savepoint names aside."""
        return sum(1 for sql in self.transactions if _kind(sql) == kind)

    def body(self) -> Any:
        try:
            return self.response.json()
        except ValueError:
            return self.response.text


def _kind(sql: str) -> str:
    for kind in ("ROLLBACK TO SAVEPOINT", "RELEASE SAVEPOINT", "SAVEPOINT"):
        if sql.startswith(kind):
            return kind
    return sql


def _shown(method: str, path: str, body: Any) -> str:
    return f"{method} {path}" + (f" with {json.dumps(body)}" if body is not None else "")


class App:
    """Sends requests to the app and says, when an answer is not the one expected, what was
    sent and what came back. With `errors` (an app run by `app_runs(errors)`), an exception the
    app raised is a 500; any but the failure the check injected is raised again here, so that
    it reads as what it is: an exception in your code."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        queries: Any,
        origins: Origins,
        errors: list[BaseException] | None = None,
    ) -> None:
        self.client, self.queries, self.origins, self.errors = client, queries, origins, errors

    async def send(
        self, method: str, path: str, body: Any = None, expect: int | None = None
    ) -> Sent:
        shown = _shown(method, path, body)
        marks = (
            len(self.queries.transactions),
            len(self.origins.top),
            len(self.queries.parameters(r"^INSERT")),
            len(self.errors or ()),
        )  # where this request's share of each begins
        try:
            response = await self.client.request(method, path, json=body)
        except Exception as exc:
            hint = _explained(exc)
            if not hint:
                raise
            pytest.fail(
                f"{shown} raised {type(exc).__name__}: {_first_line(exc)}{hint}", pytrace=False
            )
        for error in (self.errors or [])[marks[3] :]:
            if INJECTED_STATEMENT not in str(error):
                hint = _explained(error)
                if not hint:
                    raise error
                pytest.fail(
                    f"{shown} raised {type(error).__name__}: {_first_line(error)}{hint}",
                    pytrace=False,
                )
        sent = Sent(
            shown,
            response,
            self.queries.transactions[marks[0] :],
            self.origins.top[marks[1] :],
            self.queries.parameters(r"^INSERT")[marks[2] :],
        )
        if expect is not None and response.status_code != expect:
            pytest.fail(
                f"{shown} answered {response.status_code} {response.text[:300]}; "
                f"expected {expect}.",
                pytrace=False,
            )
        return sent


def _first_line(error: BaseException) -> str:
    lines = str(error).splitlines()
    return lines[0][:300] if lines else ""


def _explained(error: BaseException) -> str:
    """What an exception the app raised usually means in this kata, or ''."""
    message = str(error)
    if "closed transaction inside context manager" in message:
        return (
            "\nSomething committed or rolled back the session inside `async with "
            "session.begin():` and then used it again. The block commits when it ends and rolls "
            "back if it raises: no commit() or rollback() inside it."
        )
    if "already begun" in message:
        return (
            "\nThe session had already begun a transaction (a query sent before `async with "
            "session.begin():` starts one by itself), so session.begin() refused to start "
            "another. Put the lookups inside the block."
        )
    if type(error).__name__ == "IntegrityError":
        return (
            "\nThe refusal was not turned into an answer. The INSERT is sent when the session "
            "flushes — at the end of `async with session.begin():`, just before the commit — so "
            "the IntegrityError comes out of the `async with` itself: put the "
            "`try: … except IntegrityError:` around the block (or `await session.flush()` inside "
            "the try)."
        )
    if "MissingGreenlet" in message or "greenlet_spawn has not been called" in message:
        return (
            "\nAn attribute was read that had to be loaded again: a rollback (or a commit of a "
            "session made with expire_on_commit=True) expires the objects the session holds, and "
            "an AsyncSession cannot reload them on attribute access. Here it usually means the "
            "request ended its transaction more than once: one `async with session.begin():` "
            "around the whole request, a savepoint (`begin_nested()`) for what may fail inside."
        )
    if "rolled back due to a previous exception during flush" in message:
        return (
            "\nAfter a failed flush the session's transaction cannot go on: a savepoint "
            "(`async with session.begin_nested():` around each insert) rolls back only the "
            "failed insert, and the transaction continues."
        )
    return ""


@pytest.fixture
def app(app_client: httpx.AsyncClient, queries: Any, origins: Origins) -> App:
    return App(app_client, queries, origins)


# --------------------------------------------------------------------------- the database


@pytest.fixture
def tables(kata: Any, engine: Any) -> None:
    """The tables of the given models, made by the check so that it can seed rows before the
    app starts (the app's own create_all then finds them there)."""
    kata.Base.metadata.create_all(engine)


def rows(engine: Any, sql: str, **params: Any) -> list[tuple]:
    """Rows read back with a connection of the check's own (not the app's)."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def seed_users(engine: Any, *names: str) -> dict[str, int]:
    """Users inserted by the check (after the app created the tables): name → id."""
    with engine.begin() as connection:
        for name in names:
            connection.execute(text("INSERT INTO user_account (username) VALUES (:n)"), {"n": name})
        got = connection.execute(text("SELECT username, id FROM user_account"))
        return {name: user_id for name, user_id in got}


def seed_post(engine: Any, author_id: int, title: str) -> int:
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO post (author_id, title) VALUES (:a, :t)"),
            {"a": author_id, "t": title},
        )
        return connection.execute(text("SELECT max(id) FROM post")).scalar_one()


def usernames(engine: Any) -> list[str]:
    return [name for (name,) in rows(engine, "SELECT username FROM user_account ORDER BY id")]


def likes_and_notifications(engine: Any) -> tuple[list[tuple], list[tuple]]:
    likes = rows(engine, "SELECT user_id, post_id FROM post_like ORDER BY user_id, post_id")
    notes = rows(engine, "SELECT user_id, post_id, liker_id FROM notification ORDER BY id")
    return likes, notes


def the_means(sent: Sent, commits: int = 1) -> str | None:
    """None when the request ran as one `async with session.begin():` block that committed
    (`commits` = 1) or rolled back (0); else what it did instead."""
    seen = f"It sent the transaction statements {sent.transactions} and began its transactions " + (
        f"{sent.begun}" if sent.begun else "never"
    )
    if not sent.begun or sent.begun[0] != "BEGIN":
        return (
            f"{sent.shown} answered {sent.response.status_code}, but its transaction was not "
            "started by `async with session.begin():`: the session began it by itself on the "
            f"first statement (autobegin), which is how code that calls commit() by hand runs. "
            f"{seen}. Put the work in `async with session.begin():` — it commits when the block "
            "ends and rolls back if it raises — and call neither commit() nor rollback()."
        )
    if sent.count("COMMIT") != commits or sent.count("BEGIN") != 1:
        expected = "one BEGIN and one COMMIT" if commits else "one BEGIN, then ROLLBACK"
        return (
            f"{sent.shown} answered {sent.response.status_code}. {seen}; expected {expected}: "
            "the whole request is one transaction."
        )
    return None


# --------------------------------------------------------------------------- POST /users


async def test_create_user(tables, app, engine):
    """POST /users answers 201 with the user, committed by one `async with session.begin():`."""
    seed_users(engine, "ann")  # the new user is not simply the first
    sent = await app.send("POST", "/users", {"username": "ada"}, 201)
    got = sent.body()
    expected = {"id": got.get("id") if isinstance(got, dict) else None, "username": "ada"}
    assert isinstance(expected["id"], int) and got == expected, (
        f'POST /users with {{"username": "ada"}} answered 201 {got}; expected the new user: '
        '{"id": <its id>, "username": "ada"}.'
    )
    stored = rows(engine, "SELECT id, username FROM user_account WHERE username = 'ada'")
    assert stored == [(got["id"], "ada")], (
        f"After POST /users answered 201 {got}, the database holds {stored} for 'ada'; expected "
        f"[({got['id']}, 'ada')]: the block must commit."
    )
    problem = the_means(sent)
    assert problem is None, problem


async def test_taken_username_is_409(tables, app, engine):
    """A taken username answers 409: the INSERT was tried, rolled back, and the app goes on."""
    seed_users(engine, "ada")
    sent = await app.send("POST", "/users", {"username": "ada"}, 409)
    body = sent.body()
    assert isinstance(body, dict) and isinstance(body.get("detail"), str) and body["detail"], (
        f'POST /users with {{"username": "ada"}} (taken) answered 409 {body!r}; expected a JSON '
        'body with a "detail" saying why: raise HTTPException(status_code=409, detail=...).'
    )
    tried = [values for values in sent.inserts if "ada" in values]
    assert tried, (
        f"POST /users with a taken username answered 409 without trying the INSERT (it sent the "
        f"INSERTs {sent.inserts}). Looking the name up first is a race: another request can "
        "take it between your SELECT and your INSERT, and then the INSERT fails anyway. Add "
        "the user and let the UNIQUE constraint refuse it: catch the IntegrityError."
    )
    assert sent.count("COMMIT") == 0 and sent.count("ROLLBACK") >= 1, (
        f"The refused POST /users sent the transaction statements {sent.transactions}; expected "
        "its transaction rolled back (ROLLBACK) and nothing committed."
    )
    problem = the_means(sent, commits=0)
    assert problem is None, problem
    assert usernames(engine) == ["ada"], (
        f"After the 409, user_account holds {usernames(engine)}; expected only ['ada']."
    )
    # a near miss is not taken, and the app still works after the conflict
    adam = await app.send("POST", "/users", {"username": "adam"}, 201)
    assert usernames(engine) == ["ada", "adam"], (
        f"After the 409 and then {adam.shown} → 201, user_account holds {usernames(engine)}; "
        "expected ['ada', 'adam']."
    )


async def test_only_integrity_errors_are_409(tables, app_runs, engine, db_faults, queries, origins):
    """An INSERT that fails with OperationalError (not a conflict) stays a 500, writes nothing."""
    errors: list[BaseException] = []
    async with app_runs(errors) as client:
        app = App(client, queries, origins, errors)
        seed_users(engine, "ada")
        db_faults.fail_statements(r"^INSERT INTO user_account", value="eve")
        sent = await app.send("POST", "/users", {"username": "eve"})
        assert db_faults.failed == 1, (
            f"{sent.shown} answered {sent.response.status_code} without sending the INSERT of "
            "'eve' (the check makes that INSERT fail). Add the user in the route, inside "
            "`async with session.begin():`."
        )
        assert sent.response.status_code == 500, (
            f"The INSERT of 'eve' failed with OperationalError (the connection lost, the disk "
            f"full: not a taken name), and {sent.shown} answered {sent.response.status_code} "
            f"{sent.response.text[:200]}; expected 500. Only IntegrityError means 'taken': a "
            "blanket `except Exception` (or except DBAPIError) tells the client the name is "
            "taken when the database failed, and hides the failure from your logs. Catch "
            "IntegrityError only, and let everything else propagate."
        )
        assert usernames(engine) == ["ada"], (
            f"After the failed POST /users, user_account holds {usernames(engine)}; expected "
            "only ['ada']."
        )
        await app.send("POST", "/users", {"username": "bob"}, 201)


# --------------------------------------------------------------------------- likes


@pytest.fixture
def blog(engine: Any, tables: None) -> dict[str, int]:
    """ann, bob (who writes the post) and cat; the post's id is not a user's id."""
    ids = seed_users(engine, "ann", "bob", "cat")
    seed_post(engine, ids["ann"], "First")
    ids["post"] = seed_post(engine, ids["bob"], "Hello")
    return ids


async def test_like_writes_the_like_and_the_notification(app, blog, engine):
    """POST /posts/{id}/likes answers 201 and writes both rows, in one transaction."""
    path = f"/posts/{blog['post']}/likes"
    sent = await app.send("POST", path, {"user_id": blog["cat"]}, 201)
    expected = {"post_id": blog["post"], "user_id": blog["cat"]}
    assert sent.body() == expected, f"{sent.shown} answered {sent.body()}; expected {expected}."
    likes, notes = likes_and_notifications(engine)
    assert likes == [(blog["cat"], blog["post"])], (
        f"After {sent.shown} → 201, post_like holds {likes} (user_id, post_id); expected "
        f"[({blog['cat']}, {blog['post']})]."
    )
    want = [(blog["bob"], blog["post"], blog["cat"])]
    assert notes == want, (
        f"After {sent.shown} → 201, notification holds {notes} (user_id, post_id, liker_id); "
        f"expected {want}: the post's author (bob, id {blog['bob']}) is told that cat liked it."
    )
    problem = the_means(sent)
    assert problem is None, problem


async def test_second_like_is_409_and_writes_nothing(app, blog, engine):
    """Liking a post twice answers 409 and leaves no second like and no second notification."""
    path = f"/posts/{blog['post']}/likes"
    await app.send("POST", path, {"user_id": blog["cat"]}, 201)
    sent = await app.send("POST", path, {"user_id": blog["cat"]}, 409)
    likes, notes = likes_and_notifications(engine)
    assert len(likes) == 1 and len(notes) == 1, (
        f"After {sent.shown} twice (201, then 409), post_like holds {likes} and notification "
        f"{notes}; expected one of each. The refused like must not leave its notification "
        "behind: add both in one `async with session.begin():`, so that the IntegrityError "
        "rolls them back together."
    )
    problem = the_means(sent, commits=0)
    assert problem is None, problem
    other = await app.send("POST", path, {"user_id": blog["ann"]}, 201)  # another user still can
    likes, notes = likes_and_notifications(engine)
    assert len(likes) == 2 and len(notes) == 2, (
        f"After {other.shown} → 201, post_like holds {likes} and notification {notes}; "
        "expected two of each."
    )


async def test_like_of_a_missing_post_or_user_is_404(app, blog, engine):
    """A like of a missing post, or by a missing user, answers 404 (not 409) and writes nothing."""
    for path, body, what in (
        (f"/posts/{MISSING}/likes", {"user_id": blog["cat"]}, "post"),
        (f"/posts/{blog['post']}/likes", {"user_id": MISSING}, "user"),
    ):
        sent = await app.send("POST", path, body)
        assert sent.response.status_code == 404, (
            f"{sent.shown} (a {what} that does not exist) answered "
            f"{sent.response.status_code} {sent.response.text[:200]}; expected 404. The foreign "
            f"key refuses the row with an IntegrityError too, but a missing {what} is not a "
            "conflict: look the post and the user up (inside the transaction) and raise "
            "HTTPException(404) when one is missing."
        )
    likes, notes = likes_and_notifications(engine)
    assert likes == [] and notes == [], (
        f"After two likes answered 404, post_like holds {likes} and notification {notes}; "
        "expected nothing."
    )


async def test_like_with_a_failing_statement_is_500(
    app_runs, blog, engine, db_faults, queries, origins
):
    """When the like's second INSERT fails (not a conflict): 500, and the first is rolled back."""
    errors: list[BaseException] = []
    async with app_runs(errors) as client:
        app = App(client, queries, origins, errors)
        db_faults.fail_statements(r"^INSERT INTO (post_like|notification)", after=1)
        sent = await app.send("POST", f"/posts/{blog['post']}/likes", {"user_id": blog["cat"]})
        assert db_faults.failed == 1, (
            f"{sent.shown} answered {sent.response.status_code} {sent.response.text[:200]} "
            "without inserting both a like and a notification."
        )
        assert sent.response.status_code == 500, (
            f"The like's second INSERT failed with OperationalError (not a conflict), and "
            f"{sent.shown} answered {sent.response.status_code} {sent.response.text[:200]}; "
            "expected 500. Catch IntegrityError only: a blanket except turns every failure "
            "into a 409."
        )
        likes, notes = likes_and_notifications(engine)
        assert likes == [] and notes == [], (
            f"The like's second INSERT failed, and post_like holds {likes}, notification {notes}; "
            "expected nothing: the first row must be rolled back with the second (one "
            "`async with session.begin():` around both, no commit between them)."
        )


# --------------------------------------------------------------------------- the import

IMPORT = ["ann", "ada", "o'brien 100%", "cat", "o'brien 100%"]  # ada is taken; one comes twice


async def _import(app: App, names: list[str], expect: int | None = 200) -> Sent:
    return await app.send("POST", "/users/import", [{"username": n} for n in names], expect)


async def test_import_skips_the_taken_and_keeps_the_rest(tables, app, engine):
    """POST /users/import imports the free usernames before and after a taken one, skips it."""
    seed_users(engine, "ada")
    sent = await _import(app, IMPORT)
    got = sent.body()
    stored = dict(rows(engine, "SELECT username, id FROM user_account"))
    expected = {
        "imported": [
            {"id": stored.get(name), "username": name} for name in ("ann", "o'brien 100%", "cat")
        ],
        "skipped": ["ada", "o'brien 100%"],
    }
    assert sorted(stored) == sorted(["ada", "ann", "o'brien 100%", "cat"]), (
        f"{sent.shown} (ada taken, o'brien twice) left user_account holding {sorted(stored)}; "
        "expected ada, ann, o'brien 100% and cat. A conflict must cost only its own row: the "
        "users before it and after it are imported (a savepoint per user, "
        "`async with session.begin_nested():`)."
    )
    assert got == expected, (
        f"{sent.shown} answered {got}; expected {expected}: the users imported (with their ids, "
        "in the order given) and the usernames skipped (in the order given)."
    )


async def test_import_uses_one_transaction_and_a_savepoint_per_user(tables, app, engine):
    """The import is one transaction; each user its own savepoint, rolled back to on a conflict."""
    seed_users(engine, "ada")
    sent = await _import(app, IMPORT)
    tried = [v for values in sent.inserts for v in values]
    assert "ada" in tried, (
        f"{sent.shown} (ada taken) never tried the INSERT of 'ada' (the INSERTs carried "
        f"{tried}): looking names up first is a race (another request can take a name between "
        "the SELECT and the INSERT). Insert each user in its own savepoint and let the UNIQUE "
        "constraint refuse the taken ones."
    )
    problem = the_means(sent)
    assert problem is None, problem
    assert sent.count("ROLLBACK") == 0, (
        f"{sent.shown} sent the transaction statements {sent.transactions}: it rolled back the "
        "whole transaction, which loses every user added before the conflict. Roll back only to "
        "the savepoint (what `async with session.begin_nested():` does when its block raises)."
    )
    inserts = len(sent.inserts)
    assert sent.count("SAVEPOINT") >= inserts and sent.count("ROLLBACK TO SAVEPOINT") >= 1, (
        f"{sent.shown} sent {inserts} INSERTs and the transaction statements "
        f"{sent.transactions}; expected a SAVEPOINT before each INSERT and a ROLLBACK TO "
        "SAVEPOINT for each taken username: `async with session.begin_nested():` around each "
        "insert, inside the one `async with session.begin():`."
    )


async def test_import_with_a_failing_statement_is_500_and_writes_nothing(
    tables, app_runs, engine, db_faults, queries, origins
):
    """An import whose INSERT fails with OperationalError answers 500 and imports nobody."""
    errors: list[BaseException] = []
    async with app_runs(errors) as client:
        app = App(client, queries, origins, errors)
        seed_users(engine, "ada")
        db_faults.fail_statements(r"^INSERT INTO user_account", value="bob")
        sent = await _import(app, ["ann", "ada", "bob", "cat"], expect=None)
        assert db_faults.failed == 1, (
            f"{sent.shown} answered {sent.response.status_code} {sent.response.text[:200]} "
            "without trying the INSERT of 'bob' (the check makes that INSERT fail)."
        )
        assert sent.response.status_code == 500, (
            f"The INSERT of 'bob' failed with OperationalError (the database failed: bob is not "
            f"taken), and {sent.shown} answered {sent.response.status_code} "
            f"{sent.response.text[:200]}; expected 500. Only IntegrityError means 'taken': "
            "skip on `except IntegrityError`, never on a blanket except."
        )
        assert usernames(engine) == ["ada"], (
            f"The import failed on bob (a 500), and user_account holds {usernames(engine)}; "
            "expected only ['ada']: the import is one transaction, so ann (before bob) is "
            "rolled back too. Commit once, at the end (the `async with session.begin():` "
            "around the loop), not per user."
        )
        await _import(app, ["ann"])  # and the app goes on


async def test_import_twice_keeps_everything(app, engine):
    """Importing again, with a user created in between, skips the existing and keeps them."""
    first = await _import(app, ["ann", "bob"])
    await app.send("POST", "/users", {"username": "cat"}, 201)
    second = await _import(app, ["bob", "cat", "dan", "ann"])
    got = second.body()
    skipped = got.get("skipped") if isinstance(got, dict) else None
    assert skipped == ["bob", "cat", "ann"], (
        f"After {first.shown} and POST /users for cat, {second.shown} answered {got}; expected "
        "bob, cat and ann skipped (they exist) and dan imported."
    )
    assert sorted(usernames(engine)) == ["ann", "bob", "cat", "dan"], (
        f"After the two imports, user_account holds {usernames(engine)}; expected ann, bob, cat "
        "and dan."
    )


# --------------------------------------------------------------------------- at once


async def test_same_create_at_once_gives_one_201_and_409s(app_runs, blog, engine):
    """Eight identical POST /users at once: one 201, seven 409, never a 500; likes the same."""
    errors: list[BaseException] = []
    post, ann = blog["post"], blog["ann"]
    plans = [
        ("POST", "/users", {"username": "zed"}, "the username"),
        ("POST", f"/posts/{post}/likes", {"user_id": ann}, "the like"),
    ]
    async with app_runs(errors) as client:
        for method, path, body, what in plans:
            shown = _shown(method, path, body)
            try:
                responses = await send_at_once(client, [(method, path, {"json": body})] * 8)
            except TimeoutError:
                pytest.fail(
                    f"Eight {shown} sent at once did not all finish within 10 seconds: the "
                    "requests waited for each other (or for a connection) too long.",
                    pytrace=False,
                )
            statuses = Counter(response.status_code for response in responses)
            raised = (
                f"\nThe app raised {type(errors[0]).__name__}: {_first_line(errors[0])}"
                f"{_explained(errors[0])}"
                if errors
                else ""
            )
            assert statuses == Counter({201: 1, 409: 7}), (
                f"Eight {shown}, sent at once, answered {dict(sorted(statuses.items()))}; expected "
                f"one 201 and seven 409.{raised}\nRequests that arrive together can all find "
                f"{what} free before any of them inserts: only the database's constraint "
                "decides, so the IntegrityError of each loser must become a 409."
            )
    assert usernames(engine) == ["ann", "bob", "cat", "zed"], (
        f"After eight POST /users for zed at once, user_account holds {usernames(engine)}; "
        "expected one zed beside ann, bob and cat."
    )
    likes, notes = likes_and_notifications(engine)
    assert len(likes) == 1 and len(notes) == 1, (
        f"After eight identical likes at once (one 201), post_like holds {likes} and notification "
        f"{notes}; expected one of each."
    )


# --------------------------------------------------------------------------- uvicorn


def _server_error(server: Any) -> str:
    """The exception a live server logged for a 500."""
    logged = server.logged_exception()
    return f"\nThe server logged: {logged[:300]}" if logged else ""


async def test_under_uvicorn(tables, live_server, engine):
    """Under a real uvicorn: 201, 409 and an import that skips the taken username."""
    steps = [
        ("/users", {"username": "ada"}, 201),
        ("/users", {"username": "ada"}, 409),
        ("/users/import", [{"username": "bob"}, {"username": "ada"}, {"username": "cy"}], 200),
    ]
    async with live_server.client() as client:
        for path, body, status in steps:
            response = await client.post(path, json=body)
            if response.status_code != status:
                logged = _server_error(live_server) if response.status_code == 500 else ""
                pytest.fail(
                    f"Under uvicorn, {_shown('POST', path, body)} answered "
                    f"{response.status_code} {response.text[:200]}; expected {status}.{logged}",
                    pytrace=False,
                )
    try:
        answer = response.json()
    except ValueError:
        answer = None
    skipped = answer.get("skipped") if isinstance(answer, dict) else None
    assert skipped == ["ada"], (
        f"Under uvicorn, {_shown('POST', path, body)} answered {response.text[:200]}; expected "
        "ada skipped (and bob and cy imported)."
    )
    assert usernames(engine) == ["ada", "bob", "cy"], (
        f"After the server answered, user_account holds {usernames(engine)}; expected ada, bob "
        "and cy."
    )
