"""Checks for kata 6.4 — authentication: Argon2 passwords, strict JWTs, posts only their author
may change.

The app runs over ASGI inside its lifespan (`app_client`), with SECRET_KEY set to a secret of the
check's own. Tokens the app issues are decoded here with PyJWT; the tokens an attacker would send
(expired, no expiry, a changed claim, `alg: none`, HS512, another secret, another audience or
issuer, an unknown user) are made here by hand, after a well-formed token made the same way has
been accepted, so that a refusal means the check was right and not that every token is refused.
Users a check only needs to exist are inserted straight into the table, with a hash made once by
a cheap Argon2 hasher (the cost settings travel inside each hash, so the app verifies it all the
same): Argon2 at its recommended cost takes a tenth of a second, so few checks register.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import time
from collections.abc import Iterable
from typing import Any

import httpx
import jwt
import pytest
from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import inspect, text

SECRET = "the checks' own signing secret, 32+ bytes long"
OTHER_SECRET = "a secret this app has never seen, 32 bytes"
AUDIENCE = "blog-api"
ISSUER = "blog-auth"
SEED_PASSWORD = "seeded pass 9"
MISSING = 4242  # an id no user and no post has in these checks
ARGON2 = re.compile(r"\$argon2(?:id|i|d)\$")
VERIFIER = PasswordHash.recommended()


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """The app signs and checks tokens with this check's secret (SECRET_KEY)."""
    monkeypatch.setenv("SECRET_KEY", SECRET)
    return SECRET


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
            "the lifespan in main.py is given; keep it as it is.",
            pytrace=False,
        )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def seed_users(engine: Any, *names: str) -> list[int]:
    """Users inserted straight into the table (password SEED_PASSWORD); their ids."""
    ids = []
    with engine.begin() as connection:
        for name in names:
            connection.execute(
                text("INSERT INTO user_account (username, password_hash) VALUES (:u, :h)"),
                {"u": name, "h": seed_hash()},
            )
            ids.append(
                connection.execute(
                    text("SELECT id FROM user_account WHERE username = :u"), {"u": name}
                ).scalar_one()
            )
    return ids


def seed_post(engine: Any, author_id: int, title: str, body: str) -> int:
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO post (author_id, title, body) VALUES (:a, :t, :b)"),
            {"a": author_id, "t": title, "b": body},
        )
        return connection.execute(
            text("SELECT id FROM post WHERE title = :t"), {"t": title}
        ).scalar_one()


def post_row(engine: Any, post_id: int) -> tuple | None:
    found = rows(engine, "SELECT author_id, title, body FROM post WHERE id = :id", id=post_id)
    return found[0] if found else None


# ------------------------------------------------------------------------------ tokens


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_for(user_id: int | str, **changes: Any) -> dict[str, Any]:
    """The claims the task names, for `user_id`, valid now; `changes` override (None drops)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + 15 * 60,
        "aud": AUDIENCE,
        "iss": ISSUER,
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def sign(claims: dict[str, Any], secret: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def unsigned(claims: dict[str, Any]) -> str:
    """A token with the header {"alg": "none"} and no signature, made by hand."""
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64(json.dumps(claims).encode())}."


def with_claims_changed(token: str, **changes: Any) -> str:
    """`token` with its claims edited and its signature kept: what tampering looks like."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{b64(json.dumps(claims).encode())}.{signature}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ------------------------------------------------------------------------------ leaks


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def assert_no_leak(response: httpx.Response, shown: str, secrets: Iterable[str] = ()) -> None:
    """No password sent and no password hash in the body, as raw text or decoded JSON."""
    haystacks = [response.text]
    try:
        haystacks.extend(_strings(response.json()))
    except ValueError:
        pass
    found = [repr(s) for s in secrets if s and any(s in h for h in haystacks)]
    if any(ARGON2.search(h) for h in haystacks) or any(
        re.fullmatch(r"[0-9a-f]{64}", h) for h in haystacks
    ):
        found.append("a password hash")
    assert not found, (
        f"{shown} answered {response.status_code} with a body holding {' and '.join(found)}: "
        f"{response.text[:300]}\nNo response may show a password or its hash: answer through "
        "UserRead (id and username), never the ORM User itself."
    )


# ------------------------------------------------------------------------------ requests


async def send(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    expect: int | None,
    shown: str | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """One request; fails, saying what was sent and what came back, unless it answers
    `expect` (None: any status)."""
    shown = shown or f"{method} {path}"
    response = await client.request(method, path, **kwargs)
    if expect is not None and response.status_code != expect:
        pytest.fail(
            f"{shown} answered {response.status_code} {response.text[:300]}; expected {expect}.",
            pytrace=False,
        )
    return response


async def login(client: httpx.AsyncClient, username: str, password: str) -> str:
    """POST /auth/token with the OAuth2 password form; the access token it answers."""
    shown = f"POST /auth/token with the form username={username!r}"
    response = await send(
        client,
        "POST",
        "/auth/token",
        200,
        shown,
        data={"username": username, "password": password},
    )
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"access_token", "token_type"}, (
        f"{shown} answered {body}; expected exactly "
        '{"access_token": "<the JWT>", "token_type": "bearer"}, the shape OAuth2 clients and '
        "/docs' Authorize button read."
    )
    assert str(body["token_type"]).lower() == "bearer", (
        f"{shown} answered token_type {body['token_type']!r}; expected 'bearer'."
    )
    assert_no_leak(response, shown, [password])
    return str(body["access_token"])


async def assert_accepted(client: httpx.AsyncClient, token: str, user_id: int, what: str) -> None:
    """GET /users/me with `token` answers that user: the control before the refusals."""
    response = await send(client, "GET", "/users/me", None, headers=bearer(token))
    assert response.status_code == 200, (
        f"GET /users/me with {what} answered {response.status_code} {response.text[:200]}; "
        f"expected 200 and user {user_id}: a token signed with SECRET_KEY and HS256 whose claims "
        f"are sub={str(user_id)!r}, iat (now), exp (in 15 minutes), aud={AUDIENCE!r} and "
        f"iss={ISSUER!r} is what the task's tokens look like, and it must be accepted (the "
        "checks below send bad tokens, and a refusal only means something if good ones pass)."
    )
    got = response.json()
    assert isinstance(got, dict) and got.get("id") == user_id, (
        f"GET /users/me with {what} answered {got}; expected the user the token's sub names "
        f"(id {user_id})."
    )
    assert_no_leak(response, "GET /users/me", [SEED_PASSWORD])


async def assert_refused(client: httpx.AsyncClient, token: str | None, what: str, why: str) -> None:
    """GET /users/me with `token` answers 401 with `WWW-Authenticate: Bearer`."""
    headers = bearer(token) if token is not None else {}
    response = await send(client, "GET", "/users/me", None, headers=headers)
    assert response.status_code == 401, (
        f"GET /users/me with {what} answered {response.status_code} {response.text[:200]}; "
        f"expected 401. {why}"
    )
    challenge = response.headers.get("www-authenticate", "")
    assert challenge.lower().startswith("bearer"), (
        f"GET /users/me with {what} answered 401 with WWW-Authenticate {challenge!r}; expected "
        "'Bearer': RFC 6750 says a 401 for a bearer token names the scheme, so the client knows "
        "to log in again (raise HTTPException(401, ..., headers={'WWW-Authenticate': 'Bearer'}))."
    )


# ------------------------------------------------------------------------------ passwords


async def test_register_stores_an_argon2_hash(app_client, engine):
    """POST /auth/register stores an Argon2id hash (salted), never answers it; 409 when taken."""
    password = "correct horse 'battery' \\ 100%"
    sent = {"username": "ada", "password": password}
    shown = f"POST /auth/register with {json.dumps(sent)}"
    response = await send(app_client, "POST", "/auth/register", 201, shown, json=sent)
    assert_no_leak(response, shown, [password])
    got = response.json()
    assert isinstance(got, dict) and set(got) == {"id", "username"} and got["username"] == "ada", (
        f"{shown} answered {got}; expected a UserRead: exactly id and username ('ada')."
    )
    found = rows(engine, "SELECT password_hash FROM user_account WHERE id = :id", id=got["id"])
    assert found, f"{shown} answered 201 with id {got['id']}, but no such row was committed."
    stored = found[0][0]
    assert stored != password, (
        f"After {shown}, password_hash holds the password itself. Store "
        "hash_password(password): whoever reads the table (a backup, a leaked dump, a curious "
        "admin) must not learn anyone's password."
    )
    assert stored.startswith("$argon2id$"), (
        f"After {shown}, password_hash holds {stored[:70]!r}; expected an Argon2id hash "
        "('$argon2id$v=19$m=65536,t=3,p=4$...'), as pwdlib's PasswordHash.recommended() makes. "
        + (
            "That looks like a SHA-256 digest: a fast hash, which a graphics card computes "
            "billions of times a second, so a stolen table gives up most passwords in hours. "
            "A password hash must be slow and salted on purpose: Argon2id."
            if re.fullmatch(r"[0-9a-f]{64}", stored)
            else ""
        )
    )
    try:
        verified = VERIFIER.verify(password, stored)
    except UnknownHashError:
        verified = False
    assert verified and not VERIFIER.verify(password + "x", stored), (
        f"After {shown}, pwdlib cannot verify {password!r} against the stored hash "
        f"{stored[:70]!r} (or it verifies another password too); expected the hash of that "
        "password: hash_password(body.password)."
    )

    again = {"username": "ada", "password": "another pass 4"}
    shown = f"POST /auth/register with {json.dumps(again)}"
    taken = await send(app_client, "POST", "/auth/register", 409, shown, json=again)
    assert_no_leak(taken, shown, [again["password"], stored])
    after = rows(engine, "SELECT password_hash FROM user_account WHERE username = 'ada'")
    assert after == [(stored,)], (
        f"After {shown} answered 409, ada's rows are {after}; expected the first ada, unchanged."
    )

    token = await login(app_client, "ada", password)
    await assert_accepted(app_client, token, got["id"], "the token POST /auth/token issued")


async def test_wrong_password_and_unknown_user_answer_alike(app_client, engine):
    """A wrong password and an unknown username both answer 401, with the same body."""
    seed_users(engine, "ada")
    wrong = await send(
        app_client,
        "POST",
        "/auth/token",
        None,
        data={"username": "ada", "password": "not her password"},
    )
    assert wrong.status_code == 401, (
        f"POST /auth/token for ada with a wrong password answered {wrong.status_code} "
        f"{wrong.text[:200]}; expected 401: the credentials are not valid."
    )
    unknown = await send(
        app_client,
        "POST",
        "/auth/token",
        None,
        data={"username": "nobody", "password": "not her password"},
    )
    assert unknown.status_code == 401 and unknown.json() == wrong.json(), (
        f"POST /auth/token answered {wrong.status_code} {wrong.text[:150]} for a wrong password "
        f"and {unknown.status_code} {unknown.text[:150]} for an unknown username; expected the "
        "same 401 and the same body for both: an answer that differs tells an attacker which "
        "usernames exist, and then which accounts to try passwords on."
    )
    for response in (wrong, unknown):
        assert_no_leak(response, "POST /auth/token", ["not her password"])


# ------------------------------------------------------------------------------ tokens


async def test_token_claims(app_client, engine):
    """The token is HS256, with sub (the id, a string), iat, exp (short), aud and iss."""
    _, bob = seed_users(engine, "ada", "bob")
    before = int(time.time())
    token = await login(app_client, "bob", SEED_PASSWORD)
    header = jwt.get_unverified_header(token)
    assert header.get("alg") == "HS256", (
        f"The token POST /auth/token issued has the header {header}; expected alg 'HS256' "
        "(jwt.encode(claims, secret_key(), algorithm='HS256'))."
    )
    try:
        claims = jwt.decode(
            token,
            SECRET,
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except jwt.InvalidTokenError as error:
        unverified = jwt.decode(token, options={"verify_signature": False})
        pytest.fail(
            f"PyJWT refused the token POST /auth/token issued ({type(error).__name__}: {error}). "
            f"Its claims: {unverified}. Expected a token signed with SECRET_KEY "
            f"(secret_key()) and HS256, with sub, iat, exp, aud={AUDIENCE!r} and "
            f"iss={ISSUER!r}.",
            pytrace=False,
        )
    assert claims["sub"] == str(bob), (
        f"POST /auth/token as bob gave a token whose sub is {claims['sub']!r}; expected "
        f"{str(bob)!r}: bob's id (the user whose username the form named), as a string "
        "(RFC 7519 makes sub a string; PyJWT refuses a number)."
    )
    iat, exp = int(claims["iat"]), int(claims["exp"])
    assert before - 60 <= iat <= time.time() + 60, (
        f"The token's iat is {iat}, {iat - before} s from now; expected the time it was issued."
    )
    assert 60 <= exp - iat <= 60 * 60, (
        f"The token lives {exp - iat} s (exp - iat); expected a short life, about 15 minutes "
        "(at most an hour): a bearer token works for whoever holds it, so a stolen one must "
        "stop working soon. Long sessions use refresh tokens, not long access tokens."
    )
    await assert_accepted(app_client, token, bob, "the token POST /auth/token issued")


async def test_missing_or_garbled_token_is_401(app_client, engine):
    """No token, or text that is not a JWT, answers 401 with WWW-Authenticate: Bearer."""
    seed_users(engine, "ada")
    await assert_refused(app_client, None, "no Authorization header", "Who is asking is unknown.")
    await assert_refused(
        app_client,
        "not-a-jwt",
        "'Authorization: Bearer not-a-jwt'",
        "A token that is not a JWT raises jwt.DecodeError (an InvalidTokenError): answer 401, "
        "not 500.",
    )


async def test_expired_token_is_401(app_client, engine):
    """A token whose exp has passed answers 401."""
    (ada,) = seed_users(engine, "ada")
    await assert_accepted(app_client, sign(claims_for(ada)), ada, "a well-formed token")
    now = int(time.time())
    expired = sign(claims_for(ada, iat=now - 20 * 60, exp=now - 5 * 60))
    await assert_refused(
        app_client,
        expired,
        "a token that expired 5 minutes ago",
        "An expired token must not work: jwt.decode checks exp (unless verification was "
        "switched off) and raises ExpiredSignatureError.",
    )


async def test_token_without_expiry_is_401(app_client, engine):
    """A correctly signed token with no exp claim answers 401: expiry is required."""
    (ada,) = seed_users(engine, "ada")
    await assert_accepted(app_client, sign(claims_for(ada)), ada, "a well-formed token")
    await assert_refused(
        app_client,
        sign(claims_for(ada, exp=None)),
        "a correctly signed token with no exp claim",
        "PyJWT checks exp only when the token has one: a token without it would work forever. "
        "Pass options={'require': ['exp', 'iat', 'sub', 'aud', 'iss']} to jwt.decode.",
    )


async def test_tampered_token_is_401(app_client, engine):
    """A token whose claims were changed after signing (its signature kept) answers 401."""
    ada, bob = seed_users(engine, "ada", "bob")
    token = await login(app_client, "ada", SEED_PASSWORD)
    await assert_accepted(app_client, token, ada, "the token POST /auth/token issued")
    await assert_refused(
        app_client,
        with_claims_changed(token, sub=str(bob)),
        f"ada's token with its sub changed to {str(bob)!r} (signature kept)",
        "The signature no longer matches the claims: whoever changed them does not hold the "
        "secret. A server that does not check the signature (options={'verify_signature': "
        "False}, or jwt.decode without the key) lets anyone be anyone.",
    )


async def test_alg_none_token_is_401(app_client, engine):
    """A token with the header {"alg": "none"} and no signature answers 401."""
    (ada,) = seed_users(engine, "ada")
    await assert_accepted(app_client, sign(claims_for(ada)), ada, "a well-formed token")
    await assert_refused(
        app_client,
        unsigned(claims_for(ada)),
        'an unsigned token (header {"alg": "none"}, no signature)',
        "The header is written by whoever sends the token: a server that takes the algorithm "
        "from it accepts tokens nobody signed. Pin the algorithm: algorithms=['HS256'].",
    )


async def test_other_algorithm_is_401(app_client, engine):
    """A token signed with HS512 (even with the right secret) answers 401: HS256 is pinned."""
    (ada,) = seed_users(engine, "ada")
    await assert_accepted(app_client, sign(claims_for(ada)), ada, "a well-formed token")
    await assert_refused(
        app_client,
        sign(claims_for(ada), algorithm="HS512"),
        "a token signed with HS512",
        "The app signs with HS256 and must accept HS256 only: algorithms=['HS256'], a list the "
        "server writes. Reading the list from the token's header (jwt.get_unverified_header) "
        "lets the sender choose how its token is checked: 'none', or, on servers with public "
        "keys, HS256 keyed with the public key (algorithm confusion).",
    )


async def test_wrong_secret_is_401(app_client, engine):
    """A token signed with another secret answers 401."""
    (ada,) = seed_users(engine, "ada")
    await assert_accepted(app_client, sign(claims_for(ada)), ada, "a well-formed token")
    await assert_refused(
        app_client,
        sign(claims_for(ada), secret=OTHER_SECRET),
        "a token signed with a secret other than SECRET_KEY",
        "Only a token signed with this app's secret (secret_key()) is this app's: check the "
        "signature with it.",
    )


async def test_wrong_audience_or_issuer_is_401(app_client, engine):
    """A token for another audience, or from another issuer, answers 401."""
    (ada,) = seed_users(engine, "ada")
    await assert_accepted(app_client, sign(claims_for(ada)), ada, "a well-formed token")
    await assert_refused(
        app_client,
        sign(claims_for(ada, aud="billing-api")),
        "a token with aud 'billing-api'",
        f"A token made for another service (signed with a shared key, or by a shared identity "
        f"provider) must not open this one: jwt.decode(..., audience={AUDIENCE!r}) refuses it, "
        "and so must the app (not options={'verify_aud': False}).",
    )
    await assert_refused(
        app_client,
        sign(claims_for(ada, aud=None)),
        "a token with no aud claim",
        "The audience is required: options={'require': [..., 'aud', ...]}.",
    )
    await assert_refused(
        app_client,
        sign(claims_for(ada, iss="someone-else")),
        "a token with iss 'someone-else'",
        f"Only tokens this app issued count: jwt.decode(..., issuer={ISSUER!r}).",
    )


async def test_unknown_subject_is_401(app_client, engine):
    """A valid token for a user who does not exist (or a sub that is no id) answers 401."""
    (ada,) = seed_users(engine, "ada")
    await assert_accepted(app_client, sign(claims_for(ada)), ada, "a well-formed token")
    await assert_refused(
        app_client,
        sign(claims_for(MISSING)),
        f"a valid token for user {MISSING}, who does not exist",
        "A token outlives its user (deleted since it was issued): when session.get finds no "
        "user, answer 401, not 200 with nothing, nor 500.",
    )
    await assert_refused(
        app_client,
        sign(claims_for("ada")),
        "a valid token whose sub is 'ada', not an id",
        "int(claims['sub']) raises ValueError: catch it and answer 401, not 500.",
    )


# ------------------------------------------------------------------------------ ownership


async def test_edit_own_post(app_client, engine):
    """PATCH /posts/{id} on one's own post answers 200 and changes only the fields sent."""
    (ada,) = seed_users(engine, "ada")
    post = seed_post(engine, ada, "Draft", "First words")
    token = await login(app_client, "ada", SEED_PASSWORD)
    sent = {"title": "Published"}
    shown = f"PATCH /posts/{post} with {json.dumps(sent)} as ada, its author"
    response = await send(
        app_client, "PATCH", f"/posts/{post}", 200, shown, json=sent, headers=bearer(token)
    )
    expected = {"id": post, "author_id": ada, "title": "Published", "body": "First words"}
    assert response.json() == expected, f"{shown} answered {response.json()}; expected {expected}."
    row = post_row(engine, post)
    assert row == (ada, "Published", "First words"), (
        f"After {shown} answered 200, the post's row (author_id, title, body) is {row}; expected "
        f"{(ada, 'Published', 'First words')}: the change committed, the body left alone."
    )
    missing = f"/posts/{MISSING}"
    await send(
        app_client,
        "PATCH",
        missing,
        404,
        f"PATCH {missing} as ada (no such post)",
        json=sent,
        headers=bearer(token),
    )


async def test_cannot_edit_or_delete_anothers_post(app_client, engine):
    """Another's post: PATCH and DELETE answer 403 and leave the row as it was; no token: 401."""
    ada, bob = seed_users(engine, "ada", "bob")
    post = seed_post(engine, bob, "Bob's", "Bob wrote this")
    before = post_row(engine, post)
    token = await login(app_client, "ada", SEED_PASSWORD)
    why = (
        "Authentication says who is asking; authorization decides what they may touch. A route "
        "that only asks for a logged-in user lets any user rewrite anyone's posts (broken object "
        "level authorization, the first risk of OWASP's API Security Top 10): compare "
        "post.author_id with the current user's id, and answer 403 when they differ."
    )
    for method, extra in (("PATCH", {"json": {"title": "Defaced"}}), ("DELETE", {})):
        shown = f"{method} /posts/{post} as ada (bob wrote it)"
        response = await send(
            app_client, method, f"/posts/{post}", None, shown, headers=bearer(token), **extra
        )
        after = post_row(engine, post)
        assert response.status_code == 403, (
            f"{shown} answered {response.status_code} {response.text[:200]}; expected 403. {why}"
        )
        assert after == before, (
            f"{shown} answered 403, but the post's row (author_id, title, body) went from "
            f"{before} to {after}; expected it unchanged: check ownership before changing "
            "anything."
        )
    shown = f"PATCH /posts/{post} with no token"
    response = await send(app_client, "PATCH", f"/posts/{post}", None, json={"title": "X"})
    assert response.status_code == 401 and post_row(engine, post) == before, (
        f"{shown} answered {response.status_code} {response.text[:200]}; expected 401 and the "
        "post unchanged: the routes that change posts take the CurrentUser dependency."
    )


async def test_delete_own_post(app_client, engine):
    """DELETE /posts/{id} on one's own post answers 204 and removes it; a missing post is 404."""
    ada, bob = seed_users(engine, "ada", "bob")
    mine = seed_post(engine, ada, "Ada's", "Mine")
    theirs = seed_post(engine, bob, "Bob's", "His")
    token = await login(app_client, "ada", SEED_PASSWORD)
    shown = f"DELETE /posts/{mine} as ada, its author"
    await send(app_client, "DELETE", f"/posts/{mine}", 204, shown, headers=bearer(token))
    assert post_row(engine, mine) is None, (
        f"After {shown} answered 204, the post is still in the database; expected it deleted "
        "(session.delete, then commit)."
    )
    assert post_row(engine, theirs) == (bob, "Bob's", "His"), (
        f"After {shown}, bob's post {theirs} is {post_row(engine, theirs)}; expected untouched."
    )
    await send(
        app_client,
        "DELETE",
        f"/posts/{mine}",
        404,
        f"DELETE /posts/{mine} again as ada (it is gone)",
        headers=bearer(token),
    )
