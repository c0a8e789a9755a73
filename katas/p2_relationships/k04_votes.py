"""Kata 2.4 — Association object: votes with data of their own and a composite primary key.

A many-to-many link that carries data of its own (who voted, on what, +1 or -1, and when) is
not a bare association table any more: it is a model, an *association object*. Each Vote row
joins one User to one Post, and the pair (user_id, post_id) is its primary key. That composite
key is the rule "a user votes at most once per post", enforced by the database itself, so two
requests racing each other cannot both insert a vote: the second INSERT fails.

You reach across the association object in two hops, in either direction:
`user.votes[0].post` and `post.votes[0].user`. Each hop is an ordinary many-to-one or
one-to-many `relationship()`, and each pair is tied together with `back_populates` so that
setting one side in Python updates the other side at once.

A row with a composite key is fetched with a tuple, in the order the key's columns are declared:
`session.get(Vote, (user_id, post_id))`.

The models User (`username`) and Post (`title`) are given, without relationships.

Build:
1. `Vote` — the table "vote" with:
   - `user_id`: a foreign key to user_account.id, and `post_id`: a foreign key to post.id; the
     two together are the primary key, in that order (`primary_key=True` on both; no `id`);
   - `value`: a required int, +1 or -1, and the DATABASE refuses anything else: add a
     `CheckConstraint("value IN (-1, 1)")` in `__table_args__`;
   - `created_at`: a required timezone-aware datetime, set to the current UTC time on INSERT;
   - the relationships `user` (the voter, a `User`) and `post` (the `Post`), each with
     `back_populates`.
2. `User.votes` and `Post.votes` — the lists of Vote objects, with `back_populates` naming
   `Vote.user` and `Vote.post`.
3. `cast_vote(session, user, post, value)` — record the user's vote on the post and commit;
   return the Vote. If the user already voted on that post, change the value of that vote
   instead: never a second row, never an IntegrityError. (Find the existing vote by its key.)
4. `score(session, post_id)` — the sum of the post's vote values, 0 when nobody voted, computed
   by the database in one statement (SUM, with `func.coalesce` for the no-votes case).
5. `voters(session, post_id)` — the usernames of everyone who voted on the post (either way),
   alphabetically, in one query that joins User to Vote.

Run it: `checker kata 2.4`. The lesson: phases/p2_relationships/README.md, "Association objects".
"""

from datetime import datetime, timezone

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    # TODO: add `votes`: a list of Vote, with back_populates="user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)


class Post(Base):
    __tablename__ = "post"

    # TODO: add `votes`: a list of Vote, with back_populates="post"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))


class Vote(Base):
    """One user's vote on one post: +1 or -1, at most one per (user, post)."""

    __tablename__ = "vote"

    # TODO: replace `id` with the composite primary key (user_id, post_id); add value (CHECK -1 or 1), created_at, and the relationships user and post
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))


def cast_vote(session: Session, user: User, post: Post, value: int) -> Vote:
    """Record `user`'s vote (+1 or -1) on `post`, or change their earlier vote; commit;
    return it."""
    # TODO: session.get(Vote, (user.id, post.id)); None: add a new Vote, else change its value; commit
    raise NotImplementedError('session.get(Vote, (user.id, post.id)); None: add a new Vote, else change its value; commit')


def score(session: Session, post_id: int) -> int:
    """The sum of the values of the post's votes (0 without votes), in one SQL statement."""
    # TODO: select coalesce(sum(Vote.value), 0) where Vote.post_id == post_id; session.scalar()
    raise NotImplementedError('select coalesce(sum(Vote.value), 0) where Vote.post_id == post_id; session.scalar()')


def voters(session: Session, post_id: int) -> list[str]:
    """Usernames of the users who voted on the post, alphabetically, in one query."""
    # TODO: select User.username, join User.votes, where Vote.post_id == post_id, order_by username
    raise NotImplementedError('select User.username, join User.votes, where Vote.post_id == post_id, order_by username')
