"""Checks for kata 5.4 — schemas vs models: UserCreate, UserRead, UserUpdate, Page[T].

The app is driven over ASGI inside its lifespan (`app_client`) and once under uvicorn
(`live_server`). Every response body is searched, as raw text and as decoded JSON, for the
passwords the check sent and for any Argon2 hash; the hashes in the database are read back with a
connection of the check's own and verified with pwdlib. Users that a check only needs to exist
are inserted straight into the table, with a hash made once by a cheap Argon2 hasher (the cost
settings travel inside each hash, so pwdlib's recommended hasher verifies it all the same).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from typing import Any

import httpx
import pytest
from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import ValidationError
from sqlalchemy import inspect, text

MISSING = 4242  # an id no user has in these checks
SEED_PASSWORD = "seeded pass 9"  # the password of the users a check inserts itself
USER_READ_FIELDS = ["id", "username", "display_name", "bio"]

# The hash verifier the checks use: pwdlib's recommended one, as the task asks.
VERIFIER = PasswordHash.recommended()
ARGON2 = re.compile(r"\$argon2(?:id|i|d)\$")


@functools.cache
def seed_hash() -> str:
    """An Argon2id hash of SEED_PASSWORD, made once, cheaply (1 pass over 64 KiB)."""
    return PasswordHash((Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1),)).hash(
        SEED_PASSWORD
    )


# ------------------------------------------------------------------------------ the database


def rows(engine: Any, sql: str, **params: Any) -> list[tuple]:
    """Rows read back with a connection of the check's own (not the app's)."""
    if "user_account" not in inspect(engine).get_table_names():
        pytest.fail(
            "The app answered, but the database DATABASE_URL names has no table user_account: "
            "the app keeps its data somewhere else. The lifespan in main.py is given; keep it "
            "as it is.",
            pytrace=False,
        )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def seed(engine: Any, *users: dict[str, Any]) -> list[int]:
    """Insert users straight into the table, in this order; their ids, in the same order."""
    ids = []
    with engine.begin() as connection:
        for user in users:
            values = {"display_name": None, "bio": None, "password_hash": seed_hash(), **user}
            connection.execute(
                text(
                    "INSERT INTO user_account (username, display_name, bio, password_hash) "
                    "VALUES (:username, :display_name, :bio, :password_hash)"
                ),
                values,
            )
            ids.append(
                connection.execute(
                    text("SELECT id FROM user_account WHERE username = :u"),
                    {"u": values["username"]},
                ).scalar_one()
            )
    return ids


def user_row(engine: Any, user_id: int) -> dict[str, Any] | None:
    found = rows(
        engine,
        "SELECT id, username, display_name, bio, password_hash FROM user_account WHERE id = :id",
        id=user_id,
    )
    if not found:
        return None
    return dict(zip([*USER_READ_FIELDS, "password_hash"], found[0], strict=True))


def as_read(row: dict[str, Any]) -> dict[str, Any]:
    """What UserRead shows of a row."""
    return {field: row[field] for field in USER_READ_FIELDS}


def count_users(engine: Any) -> int:
    return rows(engine, "SELECT count(*) FROM user_account")[0][0]


# ------------------------------------------------------------------------------ hashes


def assert_hash_of(stored: str, password: str, what: str) -> None:
    """`stored` is a pwdlib-verifiable hash of `password`, and not the password itself."""
    assert stored != password, (
        f"{what}: the database holds the password itself ({password!r}) in password_hash. "
        "Store hash_password(password): pwdlib's hash, never the password."
    )
    try:
        verified = VERIFIER.verify(password, stored)
    except UnknownHashError:
        pytest.fail(
            f"{what}: password_hash holds {stored[:60]!r}, which pwdlib's recommended hasher "
            "does not recognise as a hash; expected an Argon2 hash, as "
            "PasswordHash.recommended().hash(password) makes ('$argon2id$v=19$...').",
            pytrace=False,
        )
    assert verified, (
        f"{what}: password_hash holds an Argon2 hash, but not of the password that was sent: "
        f"PasswordHash.recommended().verify({password!r}, stored) is False."
    )
    assert not VERIFIER.verify(password + "x", stored), (
        f"{what}: the stored hash also verifies a different password; expected the hash of "
        f"{password!r} only."
    )


# ------------------------------------------------------------------------------ leaks


def _strings(value: Any) -> Iterable[str]:
    """Every string in decoded JSON, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def leaked(response: httpx.Response, secrets: Iterable[str]) -> list[str]:
    """What of `secrets` (and any Argon2 hash) the body holds, as raw text or decoded JSON."""
    haystacks = [response.text]
    try:
        haystacks.extend(_strings(response.json()))
    except ValueError:
        pass
    found = []
    for secret in secrets:
        if secret and any(secret in haystack for haystack in haystacks):
            found.append(repr(secret) if not ARGON2.search(secret) else "a stored password hash")
    if not found and any(ARGON2.search(haystack) for haystack in haystacks):
        found.append("an Argon2 password hash ('$argon2id$...')")
    return found


def _where_it_came_from(response: httpx.Response) -> str:
    """Where a leak in a response with this status usually comes from."""
    status = response.status_code
    if status == 422:
        return (
            "FastAPI's own 422 repeats each error's `input`: the value that failed, or for a "
            "missing field the whole body, password and all. Register a handler for "
            "RequestValidationError that answers 422 with the errors minus their 'input'."
        )
    if status == 409:
        return (
            "A 409 built from the IntegrityError (str(error)) carries the INSERT's parameters, "
            "the new hash among them. Write the detail yourself: the username is taken."
        )
    return (
        "A route that returns the ORM object without a response model sends every column; a "
        "UserRead with a password field sends that. Answer through UserRead (response_model="
        "UserRead, or -> UserRead and UserRead.model_validate(user)), whose only fields are "
        f"{', '.join(USER_READ_FIELDS)}."
    )


def assert_no_leak(response: httpx.Response, shown: str, secrets: Iterable[str]) -> None:
    found = leaked(response, secrets)
    assert not found, (
        f"{shown} answered {response.status_code} with a body holding {' and '.join(found)}: "
        f"{response.text[:300]}\nNo response may show a password or a password hash. "
        + _where_it_came_from(response)
    )


# ------------------------------------------------------------------------------ requests


def _shown(method: str, path: str, body: Any = None, params: dict | None = None) -> str:
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return f"{method} {path}{query}" + (f" with {json.dumps(body)}" if body is not None else "")


def _explained(exc: BaseException) -> str:
    """What an exception raised by a route usually means in this kata, or ''."""
    if isinstance(exc, ValidationError) and "UserRead" in str(exc):
        return (
            "\nPydantic refused to build a UserRead from the ORM User: by default a schema reads "
            "dicts and its own kind, not an object's attributes. Give UserRead "
            "`model_config = ConfigDict(from_attributes=True)`."
        )
    if isinstance(exc, ValidationError):
        return (
            "\nThe route's answer did not fit its response model: check the schema's fields "
            f"({', '.join(USER_READ_FIELDS)} for UserRead; items, total, next_cursor for Page)."
        )
    return ""


def _server_error(server: Any) -> str:
    """The exception a live server logged for a 500."""
    logged = server.logged_exception()
    return f"\nThe server logged: {logged[:300]}" if logged else ""


async def call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    expect: int,
    body: Any = None,
    params: dict | None = None,
    server: Any = None,
) -> httpx.Response:
    """Send one request; fail, saying what was sent and what came back, unless it answers
    `expect`."""
    shown = _shown(method, path, body, params)
    try:
        response = await client.request(method, path, json=body, params=params)
    except ValidationError as exc:
        pytest.fail(
            f"{shown} raised {type(exc).__name__}: {str(exc).splitlines()[0]}{_explained(exc)}",
            pytrace=False,
        )
    if response.status_code != expect:
        explained = _server_error(server) if response.status_code == 500 and server else ""
        pytest.fail(
            f"{shown} answered {response.status_code} {response.text[:300]}; expected "
            f"{expect}.{explained}",
            pytrace=False,
        )
    return response


def assert_user_read(got: Any, expected: dict[str, Any], shown: str) -> None:
    """`got` is exactly the UserRead of `expected`: those four fields, nothing else."""
    assert isinstance(got, dict) and set(got) == set(USER_READ_FIELDS), (
        f"{shown} answered {got}; expected a UserRead: exactly the fields "
        f"{', '.join(USER_READ_FIELDS)}."
    )
    assert got == expected, f"{shown} answered {got}; expected {expected}."


# ------------------------------------------------------------------------------ the schemas


def test_user_read_reads_an_orm_user(kata):
    """UserRead.model_validate(user) reads an ORM User (from_attributes) and shows no hash."""
    user = kata.User(
        id=7, username="ada", display_name="Ada L.", bio=None, password_hash=seed_hash()
    )
    try:
        got = kata.UserRead.model_validate(user)
    except ValidationError as exc:
        pytest.fail(
            f"UserRead.model_validate(<User ada>) raised ValidationError: "
            f"{str(exc).splitlines()[0]}. By default a Pydantic v2 schema reads dicts, not an "
            "object's attributes; give UserRead `model_config = ConfigDict(from_attributes=True)` "
            "(Pydantic v1 called it orm_mode).",
            pytrace=False,
        )
    dumped = got.model_dump()
    expected = {"id": 7, "username": "ada", "display_name": "Ada L.", "bio": None}
    assert dumped == expected, (
        f"UserRead.model_validate(<User ada>).model_dump() returned {dumped}; expected "
        f"{expected}: UserRead has exactly the fields {', '.join(USER_READ_FIELDS)}."
    )


async def test_openapi_names_the_schemas(app_client):
    """/openapi.json has UserRead and Page[UserRead] components, without a password field."""
    spec = (await call(app_client, "GET", "/openapi.json", 200)).json()
    schemas = spec.get("components", {}).get("schemas", {})

    def ref_of(schema: dict) -> str | None:
        ref = schema.get("$ref", "")
        return ref.rsplit("/", 1)[-1] if ref else None

    def response_schema(path: str, method: str, status: str) -> dict:
        operation = spec["paths"].get(path, {}).get(method, {})
        content = operation.get("responses", {}).get(status, {}).get("content", {})
        return content.get("application/json", {}).get("schema", {})

    user_read = schemas.get("UserRead")
    assert user_read is not None, (
        f"The OpenAPI schema's components are {sorted(schemas)}; expected one named UserRead "
        "(the response schema of the user routes)."
    )
    fields = set(user_read.get("properties", {}))
    assert fields == set(USER_READ_FIELDS), (
        f"The OpenAPI component UserRead has the properties {sorted(fields)}; expected exactly "
        f"{USER_READ_FIELDS}: a response schema names what may leave, and a password or its hash "
        "never may."
    )
    for path, method, status in (
        ("/users", "post", "201"),
        ("/users/{user_id}", "get", "200"),
        ("/users/{user_id}", "patch", "200"),
    ):
        got = ref_of(response_schema(path, method, status))
        assert got == "UserRead", (
            f"In the OpenAPI schema, {method.upper()} {path} answers {status} with "
            f"{response_schema(path, method, status) or 'no schema'}; expected a reference to "
            "UserRead (response_model=UserRead, or the return annotation -> UserRead)."
        )
    page_name = ref_of(response_schema("/users", "get", "200"))
    page = schemas.get(page_name or "", {})
    assert page.get("title") == "Page[UserRead]", (
        f"In the OpenAPI schema, GET /users answers 200 with "
        f"{response_schema('/users', 'get', '200') or 'no schema'} (titled "
        f"{page.get('title')!r}); expected a reference to the component titled 'Page[UserRead]': "
        "the generic Page[T] (class Page(BaseModel, Generic[T])) parametrized with UserRead."
    )
    properties = page.get("properties", {})
    assert set(properties) == {"items", "total", "next_cursor"}, (
        f"The component Page[UserRead] has the properties {sorted(properties)}; expected items, "
        "total and next_cursor."
    )
    items = properties["items"]
    assert items.get("type") == "array" and ref_of(items.get("items", {})) == "UserRead", (
        f"Page[UserRead]'s items are {items}; expected an array of UserRead."
    )
    body = spec["paths"]["/users"]["post"].get("requestBody", {})
    created = ref_of(body.get("content", {}).get("application/json", {}).get("schema", {}))
    assert created == "UserCreate" and "password" in schemas["UserCreate"].get("properties", {}), (
        f"In the OpenAPI schema, POST /users takes {body or 'no body'}; expected a UserCreate "
        "with a password field: the password comes in through UserCreate, and only there."
    )
    for name in ("UserRead", page_name):
        secret = [p for p in schemas[name].get("properties", {}) if re.search("pass|hash", p, re.I)]
        assert not secret, f"The response component {name} has the properties {secret}."


# ------------------------------------------------------------------------------ one user


async def test_sign_up_stores_a_hash(app_client, engine):
    """POST /users answers 201 with a UserRead; the database holds an Argon2 hash, salted."""
    password = "correct horse 'battery' \\ 100%"
    sent = {"username": "o'brien_%", "password": password, "display_name": "'; --"}
    shown = _shown("POST", "/users", sent)
    response = await call(app_client, "POST", "/users", 201, sent)
    got = response.json()
    new_id = got.get("id") if isinstance(got, dict) else None
    assert_user_read(
        got, {"id": new_id, "username": "o'brien_%", "display_name": "'; --", "bio": None}, shown
    )
    row = user_row(engine, new_id)
    assert row is not None, f"{shown} answered 201 with id {new_id}, but no such row was committed."
    assert_hash_of(row["password_hash"], password, f"After {shown}")
    assert_no_leak(response, shown, [password, row["password_hash"]])

    # The same password again: a salted hash differs; a plain digest of it would not.
    again = {"username": "bob", "password": password}
    other = (await call(app_client, "POST", "/users", 201, again)).json()
    second = user_row(engine, other["id"])
    assert second is not None and second["password_hash"] != row["password_hash"], (
        f"Two users signed up with the same password, and the database holds the same "
        f"password_hash for both ({row['password_hash'][:60]!r}); expected two different hashes: "
        "pwdlib's hash() draws a fresh random salt each time, and the salt is part of the hash."
    )
    assert_hash_of(second["password_hash"], password, f"After {_shown('POST', '/users', again)}")


async def test_read_user(app_client, engine):
    """GET /users/{id} answers the user as a UserRead, without the hash; 404 for a missing id."""
    ids = seed(
        engine, {"username": "zoe", "bio": "First"}, {"username": "amy", "display_name": "A"}
    )
    for user_id in ids:
        path = f"/users/{user_id}"
        response = await call(app_client, "GET", path, 200)
        assert_no_leak(response, f"GET {path}", [seed_hash(), SEED_PASSWORD])
        row = user_row(engine, user_id)
        assert row is not None, f"GET {path} answered 200, but the row is gone."
        assert_user_read(response.json(), as_read(row), f"GET {path}")
    missing = await call(app_client, "GET", f"/users/{MISSING}", 404)
    assert_no_leak(missing, f"GET /users/{MISSING}", [seed_hash()])


async def test_taken_username_is_409(app_client, engine):
    """A taken username answers 409 naming it, shows no hash, and leaves the owner's row alone."""
    (ada,) = seed(engine, {"username": "ada", "bio": "The first"})
    before = user_row(engine, ada)
    password = "another pass 4"
    sent = {"username": "ada", "password": password, "bio": "The second"}
    shown = _shown("POST", "/users", sent)
    response = await call(app_client, "POST", "/users", 409, sent)
    assert_no_leak(response, shown, [password, seed_hash()])
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    assert isinstance(detail, str) and "ada" in detail, (
        f"{shown} answered 409 {response.text[:200]}; expected a detail that names the username "
        'taken, e.g. {"detail": "the username \'ada\' is taken"}.'
    )
    after = rows(engine, "SELECT id, bio, password_hash FROM user_account WHERE username = 'ada'")
    assert after == [(ada, "The first", before and before["password_hash"])], (
        f"After {shown} answered 409, the rows for 'ada' are {after}; expected the first ada's "
        "row, unchanged."
    )
    eve = await call(app_client, "POST", "/users", 201, {"username": "eve", "password": password})
    assert eve.json().get("username") == "eve", (
        f"After the 409, POST /users for 'eve' answered {eve.text[:200]}; expected eve's UserRead."
    )


async def test_other_database_errors_are_not_409(app_runs, engine):
    """An error that is not a taken username (a missing table) is not turned into a 409."""
    errors: list[BaseException] = []
    async with app_runs(errors) as client:
        await call(client, "POST", "/users", 201, {"username": "bob", "password": "a good pass 2"})
        # The app works; now its table goes away under it.
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE user_account"))
        sent = {"username": "ada", "password": "a good pass 1"}
        response = await client.post("/users", json=sent)
    assert response.status_code != 409, (
        f"With the user_account table dropped, {_shown('POST', '/users', sent)} answered 409 "
        f"{response.text[:200]}; expected the database's error to go on up (a 500): only an "
        "IntegrityError means the username is taken. Catch IntegrityError, not Exception."
    )
    assert response.status_code == 500 and errors, (
        f"With the user_account table dropped, {_shown('POST', '/users', sent)} answered "
        f"{response.status_code} {response.text[:200]}; expected the database's error to reach "
        "FastAPI (a 500)."
    )


async def test_patch_changes_only_what_was_sent(app_client, engine):
    """PATCH changes the fields the request sent; null clears; left-out fields stay as they are."""
    (ann,) = seed(engine, {"username": "ann", "display_name": "Ann", "bio": "Hello"})
    path = f"/users/{ann}"
    steps = [
        ({"bio": "Changed"}, {"display_name": "Ann", "bio": "Changed"}),
        ({"display_name": None}, {"display_name": None, "bio": "Changed"}),
        ({"display_name": "Ann B.", "bio": None}, {"display_name": "Ann B.", "bio": None}),
        ({}, {"display_name": "Ann B.", "bio": None}),
    ]
    for sent, fields in steps:
        shown = _shown("PATCH", path, sent)
        response = await call(app_client, "PATCH", path, 200, sent)
        expected = {"id": ann, "username": "ann", **fields}
        assert_user_read(response.json(), expected, shown)
        assert_no_leak(response, shown, [seed_hash()])
        row = user_row(engine, ann)
        assert row is not None and as_read(row) == expected, (
            f"After {shown}, the database holds {row and as_read(row)}; expected {expected}: "
            "change the fields the request sent (body.model_dump(exclude_unset=True)), and commit."
        )
        assert row["password_hash"] == seed_hash(), (
            f"After {shown}, which sent no password, the stored hash changed."
        )
    # Fields UserUpdate does not have are not the client's to set: ignored, or refused with 422.
    sent = {"bio": "Mine", "username": "mallory", "id": MISSING, "password_hash": "plain"}
    shown = _shown("PATCH", path, sent)
    response = await app_client.patch(path, json=sent)
    row = user_row(engine, ann)
    assert (
        response.status_code in (200, 422)
        and row is not None
        and (row["username"], row["password_hash"]) == ("ann", seed_hash())
        and user_row(engine, MISSING) is None
    ), (
        f"{shown} answered {response.status_code} {response.text[:200]}, and the database now "
        f"holds {row}; expected username, id and password_hash untouched (a 200 that ignores "
        "what UserUpdate does not have, or a 422). Read the request through UserUpdate, never "
        "the raw JSON."
    )
    await call(app_client, "PATCH", f"/users/{MISSING}", 404, {"bio": "Lost"})


async def test_patch_password(app_client, engine):
    """PATCH with a password stores its new hash; null changes nothing; no answer shows either."""
    (ann,) = seed(engine, {"username": "ann", "display_name": "Ann", "bio": "Hello"})
    path = f"/users/{ann}"
    new_password = "brand new pass 2"
    sent = {"password": new_password}
    shown = _shown("PATCH", path, sent)
    response = await call(app_client, "PATCH", path, 200, sent)
    row = user_row(engine, ann)
    assert row is not None, f"After {shown} answered 200, ann's row is gone."
    assert_no_leak(response, shown, [new_password, row["password_hash"], seed_hash()])
    expected = {"id": ann, "username": "ann", "display_name": "Ann", "bio": "Hello"}
    assert_user_read(response.json(), expected, shown)
    assert as_read(row) == expected, (
        f"After {shown}, the database holds {as_read(row)}; expected {expected}: a PATCH that "
        "sends only a password leaves the other fields alone (exclude_unset=True)."
    )
    assert row["password_hash"] != seed_hash(), (
        f"After {shown} answered 200, the stored hash is still the old one. The ORM User has no "
        "`password` attribute to set (setattr would make a plain Python attribute, never "
        "stored): turn the new password into user.password_hash = hash_password(password)."
    )
    assert_hash_of(row["password_hash"], new_password, f"After {shown}")
    assert not VERIFIER.verify(SEED_PASSWORD, row["password_hash"]), (
        f"After {shown}, the old password still verifies against the stored hash."
    )
    sent = {"password": None, "bio": "Again"}
    shown = _shown("PATCH", path, sent)
    response = await call(app_client, "PATCH", path, 200, sent)
    after = user_row(engine, ann)
    assert after is not None and after["password_hash"] == row["password_hash"], (
        f"{shown} changed the stored hash; expected a password sent as null to change nothing."
    )
    assert after["bio"] == "Again", f"After {shown}, bio is {after['bio']!r}; expected 'Again'."


async def test_validation_errors_do_not_echo_the_body(app_client, engine):
    """Every 422 names the field that failed, and none repeats the password or the body."""
    (ann,) = seed(engine, {"username": "ann"})
    password = "secret pass 'x' 77"
    cases: list[tuple[str, str, Any, list[str]]] = [
        ("POST", "/users", {"password": password, "bio": "No name"}, ["body", "username"]),
        ("POST", "/users", {"username": "ada", "password": "short7!"}, ["body", "password"]),
        ("POST", "/users", {"username": "", "password": password}, ["body", "username"]),
        ("POST", "/users", {"username": "a" * 51, "password": password}, ["body", "username"]),
        (
            "POST",
            "/users",
            {"username": "ada", "password": password, "display_name": "d" * 101},
            ["body", "display_name"],
        ),
        (
            "POST",
            "/users",
            {"username": "ada", "password": password, "bio": "b" * 501},
            ["body", "bio"],
        ),
        ("POST", "/users", [{"username": "ada", "password": password}], ["body"]),
        ("PATCH", f"/users/{ann}", {"password": "tiny"}, ["body", "password"]),
        ("PATCH", f"/users/{ann}", {"bio": "b" * 501, "password": password}, ["body", "bio"]),
    ]
    for method, path, sent, loc in cases:
        shown = _shown(method, path, sent)
        response = await call(app_client, method, path, 422, sent)
        assert_no_leak(response, shown, [password, "short7!", "tiny", seed_hash()])
        try:
            detail = response.json().get("detail")
        except (ValueError, AttributeError):
            detail = None
        locs = (
            [e.get("loc") for e in detail if isinstance(e, dict)]
            if isinstance(detail, list)
            else []
        )
        assert loc in locs and all(isinstance(e.get("msg"), str) for e in detail), (
            f"{shown} answered 422 {response.text[:300]}; expected FastAPI's shape, "
            f'{{"detail": [{{"type": ..., "loc": {json.dumps(loc)}, "msg": ...}}, ...]}}, '
            "each error without its 'input': the client still needs to know what was wrong."
        )
    stored = rows(engine, "SELECT username, bio FROM user_account ORDER BY id")
    assert stored == [("ann", None)], (
        f"After requests that answered 422, the users are {stored}; expected ann alone, as before."
    )


# ------------------------------------------------------------------------------ pages


def _page(response: httpx.Response, shown: str) -> dict[str, Any]:
    page = response.json()
    assert isinstance(page, dict) and set(page) == {"items", "total", "next_cursor"}, (
        f"{shown} answered {response.text[:300]}; expected a Page[UserRead]: "
        '{"items": [...], "total": ..., "next_cursor": ...}.'
    )
    assert isinstance(page["items"], list), f"{shown} answered items {page['items']!r}."
    return page


async def get_page(
    client: httpx.AsyncClient, limit: int | None, cursor: Any = None, server: Any = None
) -> tuple[dict[str, Any], str, httpx.Response]:
    params: dict[str, Any] = {}
    if cursor is not None:
        params["cursor"] = cursor
    if limit is not None:
        params["limit"] = limit
    shown = _shown("GET", "/users", params=params)
    response = await call(client, "GET", "/users", 200, params=params, server=server)
    return _page(response, shown), shown, response


def _walk_report(pages: list[tuple[str, list[int]]]) -> str:
    return "\n".join(f"  {shown} → ids {ids}" for shown, ids in pages)


# Names whose text order is neither the id order nor its reverse.
NAMES = ["mia", "al", "zed", "kim", "bo", "tess", "ida", "cy", "uma", "fred"]


async def test_pages_list_every_user_once(app_client, engine):
    """Paging newest first lists each user once, in order, while users sign up and leave."""
    ids = seed(engine, *({"username": name, "bio": f"bio of {name}"} for name in NAMES))
    walked: list[tuple[str, list[int]]] = []
    listed: list[dict[str, Any]] = []

    def expect_page(page: dict[str, Any], shown: str, want: list[int], total: int) -> None:
        got = [item.get("id") for item in page["items"]]
        walked.append((shown, got))
        assert got == want, (
            f"Paging through the users newest first, three at a time:\n{_walk_report(walked)}\n"
            f"expected ids {want} on this page. A page starts right after the last user of the "
            "page before (keyset: id < cursor, ORDER BY id DESC), whatever was created or "
            "deleted meanwhile; an offset counts rows again and shows a user twice or skips one."
        )
        assert page["total"] == total, (
            f"{shown} answered total {page['total']}; expected {total}, the number of all users "
            "now (one count over the table, not over the page)."
        )
        listed.extend(page["items"])

    newest_first = sorted(ids, reverse=True)
    page, shown, response = await get_page(app_client, 3)
    expect_page(page, shown, newest_first[:3], 10)
    assert page["next_cursor"] is not None, (
        f"{shown} answered next_cursor null with seven users still to come."
    )
    # Two users sign up between the pages: newer than the first page, so not in this walk.
    seed(engine, {"username": "new1"}, {"username": "new2"})
    page, shown, response = await get_page(app_client, 3, page["next_cursor"])
    expect_page(page, shown, newest_first[3:6], 12)
    # A user not listed yet leaves.
    gone = newest_first[7]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM user_account WHERE id = :id"), {"id": gone})
    page, shown, response = await get_page(app_client, 3, page["next_cursor"])
    expect_page(page, shown, [newest_first[6], *newest_first[8:]], 11)
    assert page["next_cursor"] is None, (
        f"{shown} answered the last users with next_cursor {page['next_cursor']!r}; expected "
        "null: no user comes after this page."
    )
    by_id = {
        row[0]: row
        for row in rows(engine, "SELECT id, username, display_name, bio FROM user_account")
    }
    for item in listed:
        row = by_id.get(item.get("id"))
        expected = dict(zip(USER_READ_FIELDS, row, strict=True)) if row else None
        assert item == expected, f"GET /users listed {item}; expected the UserRead {expected}."


async def test_page_limits_and_last_page(app_client, engine):
    """limit defaults to 20 and must be 1 to 100; next_cursor is null exactly on the last page."""
    page, shown, _ = await get_page(app_client, None)
    assert page == {"items": [], "total": 0, "next_cursor": None}, (
        f"With no users, {shown} answered {page}; expected "
        '{"items": [], "total": 0, "next_cursor": null}.'
    )
    ids = sorted(seed(engine, *({"username": f"user{n:02}"} for n in range(6))), reverse=True)
    first, shown, _ = await get_page(app_client, 3)
    second, shown2, _ = await get_page(app_client, 3, first["next_cursor"])
    got = [[item["id"] for item in p["items"]] for p in (first, second)]
    assert got == [ids[:3], ids[3:]] and second["next_cursor"] is None, (
        f"With six users, {shown} then {shown2} answered ids {got} with next_cursor "
        f"{first['next_cursor']!r} then {second['next_cursor']!r}; expected {ids[:3]} and "
        f"{ids[3:]}, the second with next_cursor null: no user comes after it. Fetch limit + 1 "
        "rows: the extra one says whether there is a next page (a full page is not proof)."
    )
    ids = sorted(
        ids + seed(engine, *({"username": f"more{n:02}"} for n in range(17))), reverse=True
    )
    first, shown, _ = await get_page(app_client, None)
    assert [item["id"] for item in first["items"]] == ids[:20] and first["total"] == 23, (
        f"With 23 users, {shown} answered {len(first['items'])} of them (total "
        f"{first['total']}); expected the newest 20 (limit defaults to 20), total 23."
    )
    rest, shown, _ = await get_page(app_client, None, first["next_cursor"])
    assert [item["id"] for item in rest["items"]] == ids[20:] and rest["next_cursor"] is None, (
        f"{shown} answered ids {[item['id'] for item in rest['items']]}, next_cursor "
        f"{rest['next_cursor']!r}; expected {ids[20:]} and null."
    )
    everyone, shown, _ = await get_page(app_client, 100)
    assert len(everyone["items"]) == 23, (
        f"{shown} answered {len(everyone['items'])} users; expected all 23 (100 is allowed)."
    )
    for bad in (0, 101):
        await call(app_client, "GET", "/users", 422, params={"limit": bad})


@pytest.mark.compare_sql
async def test_each_page_is_two_statements(app_client, engine, queries):
    """Each page request sends at most two statements: the page, and one count."""
    seed(engine, *({"username": name} for name in NAMES))
    cursor = None
    for number in range(3):
        query = f"?limit=4&cursor={cursor}" if cursor is not None else "?limit=4"
        shown = f"GET /users{query} (page {number + 1}, four users)"
        with queries.budget(2, shown), queries.during() as sent:
            page, _, _ = await get_page(app_client, 4, cursor)
        cursor = page["next_cursor"]
        pages = [sql for sql in sent if not re.search(r"\bcount\s*\(", sql, re.IGNORECASE)]
        assert pages and all(re.search(r"\b(LIMIT|FETCH)\b", sql, re.I) for sql in pages), (
            f"{shown} sent {pages} besides the count; expected every SELECT of users to carry a "
            "LIMIT (limit + 1): the database sends only the rows of the page, not every user for "
            "the app to slice or to count (the total is one count(*))."
        )
    assert cursor is None, f"After three pages of four, next_cursor is {cursor!r}; expected null."


# ------------------------------------------------------------------------------ uvicorn


async def test_under_uvicorn(live_server, engine):
    """Under a real uvicorn: sign up, read, change, list and a 422, none showing a secret."""
    password, new_password = "served pass 31", "served pass 32"
    async with live_server.client() as client:
        sent = {"username": "ada", "password": password}
        created = await call(client, "POST", "/users", 201, sent, server=live_server)
        ada = created.json()
        row = user_row(engine, ada.get("id"))
        assert row is not None, f"Under uvicorn, POST /users answered {ada}; no such row."
        assert_hash_of(row["password_hash"], password, "Under uvicorn, after POST /users")
        path = f"/users/{ada['id']}"
        responses = [
            ("POST /users", created),
            (f"GET {path}", await call(client, "GET", path, 200, server=live_server)),
            (
                f"PATCH {path}",
                await call(
                    client, "PATCH", path, 200, {"password": new_password}, server=live_server
                ),
            ),
            ("GET /users", await call(client, "GET", "/users", 200, server=live_server)),
            (
                "POST /users without a username",
                await call(
                    client, "POST", "/users", 422, {"password": password}, server=live_server
                ),
            ),
        ]
    changed = user_row(engine, ada["id"])
    assert changed is not None, f"Under uvicorn, after PATCH {path}, the user's row is gone."
    assert_hash_of(changed["password_hash"], new_password, "Under uvicorn, after the PATCH")
    for shown, response in responses:
        assert_no_leak(
            response,
            f"Under uvicorn, {shown}",
            [password, new_password, row["password_hash"], changed["password_hash"]],
        )
    page = responses[3][1].json()
    assert page.get("items") == [as_read(changed)] and page.get("total") == 1, (
        f"Under uvicorn, GET /users answered {page}; expected the one user, {as_read(changed)}."
    )
