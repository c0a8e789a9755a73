"""Kata 1.4 — Declarative models: columns, constraints, defaults and time zones.

A mapped class describes a table and the Python objects that stand for its rows at once. In
SQLAlchemy 2 you write it with a base class that subclasses `DeclarativeBase` and typed
attributes: `Mapped[int]` says what Python type the attribute holds, and `mapped_column(...)`
adds what the type alone cannot say (the SQL type and length, keys, indexes, defaults). The
annotation also decides NULL: `Mapped[str]` is NOT NULL, `Mapped[str | None]` allows NULL.

Two kinds of default are easy to mix up. `default=` is applied by SQLAlchemy when it sends an
INSERT; `server_default=` goes into the CREATE TABLE, so the database fills the column for every
INSERT, including ones that never went through your Python code (psql, a migration, another app).

And time: store moments as timezone-aware datetimes in `DateTime(timezone=True)` columns
(`timestamptz` on Postgres). A naive datetime has no offset, so nobody can tell later which
clock it was read from.

Build:
1. `Base` — the declarative base: a class that subclasses `DeclarativeBase` (its body can be
   empty). It collects every model's Table in `Base.metadata`.
2. `User` — mapped to the table "user_account", with:
   - `id`: integer primary key;
   - `username`: a string of at most 50 characters, required (NOT NULL), unique, and indexed
     (`index=True`: lookups by username are the app's most common query);
   - `email`: an optional string (NULL allowed);
   - `is_active`: a required bool that defaults to True when not given (a Python-side default);
   - `created_at`: a required timezone-aware datetime that the DATABASE fills in when a row is
     inserted (`server_default=func.now()`), so rows inserted by plain SQL get one too;
   - `last_login`: an optional timezone-aware datetime, empty until the user first logs in.
3. `record_login(session, user)` — set `user.last_login` to the current time as an aware UTC
   datetime and commit.

Run it: `checker kata 1.4`. The lesson: phases/p1_core/README.md, "Declarative models".
"""

from datetime import datetime, timezone

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


# TODO: make Base the declarative base: subclass sqlalchemy.orm.DeclarativeBase
class Base:
    """Not a declarative base yet."""


class User(Base):
    __tablename__ = "user_account"

    # TODO: add username, email, is_active, created_at and last_login as the docstring says
    id: Mapped[int] = mapped_column(primary_key=True)


def record_login(session: Session, user: User) -> None:
    """Stamp `user.last_login` with the current time (aware, UTC) and commit."""
    # TODO: set last_login to datetime.now(timezone.utc), then commit the session
    raise NotImplementedError('set last_login to datetime.now(timezone.utc), then commit the session')
