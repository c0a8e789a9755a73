"""Kata 5.4 — Schemas vs models: what the API shows is not what the database stores.

An ORM model is the shape of a table: every column, the password hash included. An API has
other shapes, one per direction: what a client may send to create a user (a password, in plain
text, which is never stored), what the API answers (never the password, never its hash), what a
PATCH may change (every field optional). Write those as Pydantic *schemas*, apart from the
model, and let nothing reach a response without going through one. Return the ORM object
itself, and FastAPI turns all of its columns into JSON: the hash goes out with the rest.

Pydantic v2 reads a schema off an ORM object when the schema says so:
`model_config = ConfigDict(from_attributes=True)`, then `UserRead.model_validate(user)` (older
tutorials: Pydantic v1's `orm_mode = True` and `from_orm`). FastAPI does the same with a route's
response model (`response_model=UserRead`, or the return annotation `-> UserRead`): whatever the
route returns is validated into that schema, and only the schema's fields are sent. One generic
schema serves every list: `Page[UserRead]`, a page of users with the total and the cursor of the
next page.

The files: `db.py` has the model (given: User, with `password_hash`), `deps.py` the session
dependency and main.py's `lifespan` are kata 5.2's (given), `security.py` hashes passwords,
`schemas.py` has the schemas, `main.py` the routes. The app reads its database from the
environment variable `DATABASE_URL`, an async URL (`sqlite+aiosqlite:///…` or
`postgresql+asyncpg://…`).

Build:
1. `hash_password(password)` in security.py: the hash pwdlib makes with its recommended hasher
   (Argon2id) — `password_hash.hash(password)`, salted afresh each time.
2. The schemas in schemas.py:
   - `UserCreate`: `username` (1 to 50 characters), `password` (at least 8), `display_name` (at
     most 100) and `bio` (at most 500), the last two optional (None).
   - `UserRead`: `id`, `username`, `display_name`, `bio` — nothing else — with
     `model_config = ConfigDict(from_attributes=True)`, so `UserRead.model_validate(user)` reads
     an ORM User.
   - `UserUpdate`: `display_name`, `bio`, `password`, each optional (None), with the same lengths.
   - `Page[T]` (`class Page(BaseModel, Generic[T])`): `items` (a list of T), `total` (an int),
     `next_cursor` (an int, or None).
3. In main.py, the routes (their decorators and signatures are given):
   - `POST /users` (a UserCreate) → 201, the user as UserRead, the password stored as
     `hash_password(password)`. A username that is taken → 409, its detail naming the username.
   - `GET /users/{id}` → the user as UserRead (the route returns the ORM object; its
     `response_model` filters it); 404 when there is none.
   - `PATCH /users/{id}` (a UserUpdate) → the user as UserRead, after changing only the fields the
     request sent (`body.model_dump(exclude_unset=True)`): a display_name or bio sent as null is
     cleared, a field left out is not touched. A password becomes a new hash (a password sent as
     null changes nothing). 404 when there is no such user.
   - `GET /users?cursor=&limit=` → a `Page[UserRead]`: the users newest first (highest id
     first), at most `limit` of them (1 to 100, 20 when not given); `total`, the number of all
     users; `next_cursor`, what to pass as `?cursor=` for the next page, and null exactly when no
     user comes after this page. Keyset pagination: the next page is the users whose id is below
     the cursor (the last id shown), not "skip the first 20": a user created or deleted while a
     client pages through must not make it see a user twice or miss one. Two statements a page
     at most: the page (ask for limit + 1 rows: the extra row tells whether a next page exists)
     and one count.
4. The 422 handler in main.py: FastAPI's own 422 repeats each error's `input` — a password that
   is too short, or, for a missing field, the whole body with the password in it. Answer 422 with
   `{"detail": [...]}`, the same errors without their `"input"`.

No response may contain a password or a password hash: the checks search the raw text of every
body, 201, 200, 404, 409 and 422 alike, read the hash in the database back with pwdlib, read the
OpenAPI schema (components UserRead and Page[UserRead], with no password field), page through
the users while others sign up and leave, count the statements each page sends, and run the app
once under uvicorn. To try it by hand:
`DATABASE_URL=sqlite+aiosqlite:///blog.db uvicorn katas.p5_async.k04_schemas_vs_models:app`, then
open http://127.0.0.1:8000/docs.

Run it: `checker kata 5.4`. The lesson: phases/p5_async/README.md, "5.4 Schemas vs models".
"""

from .db import Base, User
from .deps import SessionDep, get_session
from .main import app, lifespan
from .schemas import Page, UserCreate, UserRead, UserUpdate
from .security import hash_password

__all__ = [
    "Base",
    "Page",
    "SessionDep",
    "User",
    "UserCreate",
    "UserRead",
    "UserUpdate",
    "app",
    "get_session",
    "hash_password",
    "lifespan",
]
