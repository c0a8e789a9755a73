"""Kata 6.4 — Authentication: Argon2 passwords, JWTs checked strictly, and posts only their author
may change.

Two secrets cross an API: a password, once, at login, and a token on every request after it. The
password is stored as a slow, salted hash (pwdlib's Argon2id), never as it came and never in a
response; the token is a JWT the server signs with a secret of its own and checks on every
request. A token is text the client sends, every part of it — the header too — so checking it
means deciding everything on the server: the one algorithm accepted (HS256, pinned; never the
one the token's header names, never "none"), the signature, an expiry that must be present and
not past, the audience and the issuer. A dependency turns a valid token into the current user
(`Annotated[User, Depends(get_current_user)]`), and a route that changes a post also checks that
the post is that user's: authentication says who you are, authorization what you may touch.

Older tutorials use passlib (no release since 2020; it trips over bcrypt 4.1 and later) and
python-jose (years without a release, then one in 2025 to fix published vulnerabilities);
FastAPI's own tutorial now uses pwdlib and PyJWT, as this kata does. The lesson says more.

The files: `db.py` (User with password_hash, Post with author_id) and `schemas.py` are given;
`security.py` has the constants (ALGORITHM = "HS256", AUDIENCE = "blog-api", ISSUER =
"blog-auth", ACCESS_TOKEN_LIFETIME = 15 minutes) and `secret_key()`, which reads the environment
variable SECRET_KEY; `deps.py` has the session dependency and `oauth2_scheme`; `main.py` the
lifespan and POST /posts (given, a CurrentUser at work). The app reads its database from
`DATABASE_URL`.

Build:
1. security.py: `hash_password(password)` (pwdlib's `password_hash.hash`) and
   `verify_password(password, hashed)` (`password_hash.verify`).
2. security.py: `create_access_token(user_id)`: a JWT signed with `secret_key()` and HS256,
   with the claims `sub` (the user's id as a string), `iat` (now), `exp` (now + 15 minutes),
   `aud` ("blog-api") and `iss` ("blog-auth"). PyJWT's `jwt.encode` turns aware datetimes into
   the numbers JWT uses.
3. security.py: `decode_access_token(token)`: `jwt.decode` with the secret, `algorithms=["HS256"]`
   (a list you write, not one read from the token), the audience and issuer, and
   `options={"require": [...]}` naming exp, iat, sub, aud and iss (PyJWT checks `exp` only when
   the token has one: without `require`, a token with no expiry is valid forever). It raises
   `jwt.InvalidTokenError` (or a subclass) for every token it refuses.
4. deps.py: `get_current_user(token, session)`: the User whose id is the token's `sub`. Every
   refusal — no token (oauth2_scheme answers that one), a token decode_access_token refuses, a
   `sub` that is not a number or names no user — is a 401 with the header
   `WWW-Authenticate: Bearer`.
5. main.py: `POST /auth/register` (JSON UserCreate) → 201 and a UserRead (id, username), the
   password stored as hash_password(password); 409 for a taken username.
   `POST /auth/token` (an OAuth2 password form: `OAuth2PasswordRequestForm`) → 200
   `{"access_token": ..., "token_type": "bearer"}`; a wrong password and an unknown username
   both answer the same 401 (same detail): an attacker must not learn which usernames exist.
   `GET /users/me` → the current user as a UserRead.
6. main.py: `own_post` (404 for a missing post, 403 for another user's), then
   `PATCH /posts/{id}` (PostUpdate: change the fields sent) → 200 and the PostRead, and
   `DELETE /posts/{id}` → 204; another user's post is left exactly as it was.

The checks register and log in through the API, read the hashes in the database back with
pwdlib, decode your tokens with PyJWT, and send the tokens an attacker would: expired, without
an expiry, with a changed claim, `alg: none`, signed with HS512 or another secret, for another
audience or issuer, for a user who does not exist. No response may hold a password or a hash.
To try it: `SECRET_KEY=$(openssl rand -hex 32) DATABASE_URL=sqlite+aiosqlite:///blog.db
uvicorn katas.p6_production.k04_auth:app`, then /docs and its Authorize button.

Run it: `checker kata 6.4`. The lesson: phases/p6_production/README.md, "Authentication: hashing
and tokens".
"""

from .db import Base, Post, User
from .deps import CurrentUser, SessionDep, get_current_user, get_session, oauth2_scheme
from .main import app, lifespan
from .schemas import PostCreate, PostRead, PostUpdate, Token, UserCreate, UserRead
from .security import (
    ACCESS_TOKEN_LIFETIME,
    ALGORITHM,
    AUDIENCE,
    ISSUER,
    create_access_token,
    decode_access_token,
    hash_password,
    secret_key,
    verify_password,
)

__all__ = [
    "ACCESS_TOKEN_LIFETIME",
    "ALGORITHM",
    "AUDIENCE",
    "ISSUER",
    "Base",
    "CurrentUser",
    "Post",
    "PostCreate",
    "PostRead",
    "PostUpdate",
    "SessionDep",
    "Token",
    "User",
    "UserCreate",
    "UserRead",
    "app",
    "create_access_token",
    "decode_access_token",
    "get_current_user",
    "get_session",
    "hash_password",
    "lifespan",
    "oauth2_scheme",
    "secret_key",
    "verify_password",
]
