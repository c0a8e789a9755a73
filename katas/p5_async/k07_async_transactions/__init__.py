"""Kata 5.7 — Transactions in an async app: session.begin(), 409 at the boundary, savepoints.

A request that writes is a unit of work: everything it changes is committed together, or
nothing is. `async with session.begin():` says so in one line: the block's changes are flushed
and committed when it ends, and rolled back if anything inside it raises — an HTTPException,
an IntegrityError, a bug. No `commit()` to forget, no `rollback()` to put in every `except`.

Some errors are the client's: a username already taken, a post liked twice. The database
refuses those rows (a UNIQUE constraint, a primary key) with `IntegrityError`, and the HTTP
answer for "this conflicts with what exists" is **409 Conflict**. Translate it at the boundary,
in the route, where it becomes an answer: `except IntegrityError:` around the transaction,
raising `HTTPException(409)`. Catch *only* IntegrityError: a lost connection, a full disk or a
bug is not a conflict, and must stay a 500 (and reach the logs), not be reported to the client
as "taken". That is why a blanket `except Exception` is wrong here.

An import has to go on after a conflict. After a failed INSERT the transaction is spoiled
(Postgres refuses every further statement; SQLAlchemy's session wants a rollback first), and
rolling it all back would lose the users imported before the duplicate. A **savepoint** marks a
point inside the transaction that can be rolled back to: `async with session.begin_nested():`
around each insert, and a duplicate undoes only its own savepoint. The transaction goes on, the
users before and after it are kept, and one commit at the end writes them all.

The files: `db.py` is given — the models (User, Post, PostLike, Notification), the engine and
the session dependency (`SessionDep`, kata 5.2). Its `make_engine` carries SQLAlchemy's
documented fix for savepoints on SQLite (read why there). `main.py` has the lifespan and the
request bodies; the routes are yours. The app reads its database from `DATABASE_URL`.

Build, in main.py, each route in `async with session.begin():` (no `commit()`, no `rollback()`):
1. `POST /users` `{"username": "ada"}` → 201 `{"id": ..., "username": "ada"}`; a username that
   is taken → 409 (`{"detail": "..."}`): try the INSERT and let the UNIQUE constraint decide.
2. `POST /posts/{post_id}/likes` `{"user_id": 3}` → 201 `{"post_id": ..., "user_id": ...}`,
   writing a PostLike and a Notification for the post's author (`user_id` = the author,
   `post_id`, `liker_id` = who liked it). A missing post or user → 404; a user who already likes
   the post → 409. Either way, nothing is written: not the like, not the notification.
   (A missing post is an IntegrityError too — a foreign key — but it is not a conflict: look
   the post and the user up first.)
3. `POST /users/import` `[{"username": "ann"}, {"username": "ada"}, ...]` → 200
   `{"imported": [{"id": ..., "username": "ann"}, ...], "skipped": ["ada"]}`, both in the
   order given: one transaction for the whole list, each user in its own savepoint; a taken
   username (already there, or earlier in the same list) is skipped, and the others are
   imported. Any other error → 500, and nothing of the list is written.

The checks send requests one at a time and eight at once (the same username eight times: one
201 and seven 409s, never a 500), make a statement fail with an error that is not a conflict,
read the rows back, and look at the transaction statements each request sent (BEGIN,
SAVEPOINT, ROLLBACK TO SAVEPOINT, COMMIT). One check serves the app with uvicorn.

Run it: `checker kata 5.7`. The lesson: phases/p5_async/README.md, "5.7 Transactions".
"""

from .db import Base, Notification, Post, PostLike, SessionDep, User, get_session, make_engine
from .main import app, lifespan

__all__ = [
    "Base",
    "Notification",
    "Post",
    "PostLike",
    "SessionDep",
    "User",
    "app",
    "get_session",
    "lifespan",
    "make_engine",
]
