"""Kata 2.2 — One-to-one: a user's profile.

A user has at most one profile, and a profile belongs to exactly one user. SQL has no "one-to-one"
keyword: it is a one-to-many whose "many" side is capped at one by a UNIQUE constraint on the
foreign key. So `profile.user_id` is a foreign key to `user_account.id` that is also unique:
the database itself refuses a second profile for the same user.

On the Python side the only change from a one-to-many is the annotation. A collection is
`Mapped[list["Child"]]`; a single related object, or None when there is none yet, is
`Mapped["Child | None"]`, and SQLAlchemy 2 infers from it that the attribute holds one object
(the `uselist=False` you will see in older code). The other side, which holds the foreign key,
is an ordinary many-to-one, `Mapped["Parent"]`. As in kata 2.1, `back_populates` on both sides
keeps them in step in memory: `user.profile = profile` sets `profile.user`, and giving the user a
new profile unlinks the old one (`old.user` becomes None).

Build:
1. `User.profile` — the user's Profile or None (a single object, not a list), linked to
   `Profile.user` with back_populates.
2. `Profile.user_id` — a required (NOT NULL) foreign key to `user_account.id` that is unique (one
   profile per user), and `Profile.user` — the profile's User, linked to `User.profile`.
3. `set_bio(session, user, bio)` — set the user's bio: when the user has no profile yet, give
   them a new Profile with that bio; when they have one, change its bio (update the row; do not
   replace it with a new profile). Return the profile. Do not commit; the profile must end up in
   the session (a profile assigned to `user.profile` goes in with its user).
4. `bio_of(session, username)` — the bio of the user with that username, found by navigating
   `user.profile`; None when the user has no profile, or when nobody has that username.

Run it: `checker kata 2.2`. The lesson: phases/p2_relationships/README.md, "One-to-one".
"""

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # TODO: add `profile`: one Profile or None (not a list), linked to Profile.user
    username: Mapped[str] = mapped_column(String(50), unique=True)


class Profile(Base):
    __tablename__ = "profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    # TODO: add user_id (required, unique, ForeignKey to user_account.id) and `user`, linked to User.profile
    bio: Mapped[str] = mapped_column(String(500))


def set_bio(session: Session, user: User, bio: str) -> Profile:
    """Give `user` a Profile with `bio`, or update the bio of the one they have. No commit."""
    # TODO: if user.profile is None, assign a new Profile(bio=bio); else change user.profile.bio
    raise NotImplementedError('if user.profile is None, assign a new Profile(bio=bio); else change user.profile.bio')


def bio_of(session: Session, username: str) -> str | None:
    """The bio of `username`; None if they have no profile or there is no such user."""
    # TODO: load the User by username (one_or_none), then navigate to user.profile
    raise NotImplementedError('load the User by username (one_or_none), then navigate to user.profile')
