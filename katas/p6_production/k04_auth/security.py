"""Passwords and tokens: pwdlib hashes the one, PyJWT signs and checks the other.

A password hash is slow and salted on purpose: slow, so that whoever steals the table needs
years, not minutes, to try every likely password against it; salted, so that two users with the
same password get different hashes. Argon2id, pwdlib's recommended hasher, is both; a fast digest
such as SHA-256 is neither (a graphics card tries billions of them a second).

A JWT is three base64url parts, `header.claims.signature`, signed here with HMAC-SHA256 and a
secret only the server knows. Anyone can *read* the claims; nobody without the secret can
*change* them without the signature failing. Everything in the token is chosen by whoever sent
it, the header included, so the server decides what it accepts: the algorithm (HS256 and no
other: never the one the header names), the audience and issuer it expects, and that the token
carries an expiry that has not passed.
"""

import functools
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash

# pwdlib's recommended setup: Argon2id with its default cost (64 MiB, 3 passes).
password_hash = PasswordHash.recommended()

ALGORITHM = "HS256"  # the one algorithm this app signs with, and the only one it accepts
AUDIENCE = "blog-api"  # who the token is for: this API
ISSUER = "blog-auth"  # who made it: this app's POST /auth/token
ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)


def secret_key() -> str:
    """Given: the signing secret, from the environment variable SECRET_KEY (read at each call,
    so a test or a rotation can change it). Make one with `openssl rand -hex 32`."""
    key = os.environ.get("SECRET_KEY")
    if not key:
        raise RuntimeError(
            "Set the environment variable SECRET_KEY (for instance to the output of "
            "`openssl rand -hex 32`): the tokens are signed with it."
        )
    return key


@functools.cache
def dummy_hash() -> str:
    """Given: a hash of a password nobody has, to verify against when the username is unknown,
    so that an unknown user costs the same time as a wrong password."""
    return password_hash.hash("not anybody's password")


def hash_password(password: str) -> str:
    """The form of `password` the database stores: its Argon2id hash, with a fresh salt."""
    # TODO: return the hash pwdlib makes of the password (password_hash.hash)
    raise NotImplementedError('return the hash pwdlib makes of the password (password_hash.hash)')


def verify_password(password: str, hashed: str) -> bool:
    """Whether `password` is the one `hashed` was made from."""
    # TODO: return what pwdlib's password_hash.verify(password, hashed) says
    raise NotImplementedError("return what pwdlib's password_hash.verify(password, hashed) says")


def create_access_token(user_id: int) -> str:
    """A signed JWT for this user: sub, iat, exp (now + ACCESS_TOKEN_LIFETIME), aud, iss."""
    # TODO: claims sub=str(user_id), iat=now, exp=now + ACCESS_TOKEN_LIFETIME, aud=AUDIENCE, iss=ISSUER; jwt.encode(claims, secret_key(), algorithm=ALGORITHM)
    raise NotImplementedError('claims sub=str(user_id), iat=now, exp=now + ACCESS_TOKEN_LIFETIME, aud=AUDIENCE, iss=ISSUER; jwt.encode(claims, secret_key(), algorithm=ALGORITHM)')


def decode_access_token(token: str) -> dict[str, Any]:
    """The claims of a token this app issued; raises jwt.InvalidTokenError for any other token:
    a bad signature, another algorithm, expired, no expiry, another audience or issuer."""
    # TODO: jwt.decode with secret_key(), algorithms=[ALGORITHM] (pinned), audience=AUDIENCE, issuer=ISSUER, options={"require": ["exp", "iat", "sub", "aud", "iss"]}
    raise NotImplementedError('jwt.decode with secret_key(), algorithms=[ALGORITHM] (pinned), audience=AUDIENCE, issuer=ISSUER, options={"require": ["exp", "iat", "sub", "aud", "iss"]}')
