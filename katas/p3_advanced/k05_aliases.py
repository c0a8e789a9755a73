"""Kata 3.5 — Aliases: self-joins with aliased().

Some questions need the same table twice in one query: "who follows ann?" needs the user who
follows AND the user followed, both rows of `user_account`; "whose comment is this a reply to?"
needs the reply and its parent, both rows of `comment`. SQL tells the two apart by name
(`FROM user_account JOIN user_account AS followed ...`), and so must you:

- `followed = aliased(User, name="followed")` is a second, independent User for queries:
  `followed.username` is a column of the alias, `User.username` of the plain entity. Without
  an alias SQLAlchemy refuses the join ("they are the same entity"), or, joined on an ON clause
  you wrote, both names mean the same row.
- Relationships join to an alias with `of_type`: `.join(User.following.of_type(followed))`
  joins the users `User` follows, under the name `followed`. From an alias, its relationships
  work the same way: `.join(followed.following.of_type(other))` goes one step further.
- A plain Table is aliased too: `forth = follow.alias("forth")`, then `forth.c.follower_id`.
- The aliases are all in ONE FROM: the WHERE can compare them (`User.id != followed.id`),
  which is how a path that comes back to where it started is left out.

A path of two follows reaches some users more than once: `.distinct()` (or an EXISTS) gives
each once. "Not already followed" is a NOT EXISTS (or NOT IN) on the follow table, itself under
an alias of its own so that it does not mix with the follow rows of the join.

The models are given: the association table `follow` (follower_id -> followed_id, the pair is
the primary key), User (`following`, `followers`, `comments`) and Comment (`author`, `parent`,
`replies`; `parent_id` is NULL for a comment that is not a reply). Every function receives an
open Session, only reads, and answers with ONE query. A user never counts as their own
follower, suggestion or mutual follow: the old app let users follow themselves, and some of
those rows are still there.

Build:
1. `followers_of(session, username)` — the usernames of the users who follow `username`,
   alphabetically; [] for a name nobody has.
2. `who_to_follow(session, username)` — suggestions: the users followed by the people
   `username` follows, leaving out `username` and everyone `username` already follows; each
   once, alphabetically.
3. `mutual_follows(session)` — every pair of users who follow each other, as a tuple
   `(first, second)` of usernames with `first < second`, each pair once, sorted.
4. `replies(session)` — every reply (a comment with a parent) as a tuple
   `(reply's author, parent's author, reply's body)`, ordered by the parent's author's
   username, then newest reply first (highest id first). Comments that are not replies are
   left out.

Run it: `checker kata 3.5`. The lesson: phases/p3_advanced/README.md, "3.5 Aliases".
"""

from sqlalchemy import Column, ForeignKey, String, Table, Text, and_, exists, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, aliased, mapped_column, relationship


class Base(DeclarativeBase):
    pass


# One row per "follower follows followed".
follow = Table(
    "follow",
    Base.metadata,
    Column("follower_id", ForeignKey("user_account.id"), primary_key=True),
    Column("followed_id", ForeignKey("user_account.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)

    # Both ends of `follow` point at user_account, so each side says which column is which.
    following: Mapped[list["User"]] = relationship(
        secondary=follow,
        primaryjoin=lambda: User.id == follow.c.follower_id,
        secondaryjoin=lambda: User.id == follow.c.followed_id,
        back_populates="followers",
    )
    followers: Mapped[list["User"]] = relationship(
        secondary=follow,
        primaryjoin=lambda: User.id == follow.c.followed_id,
        secondaryjoin=lambda: User.id == follow.c.follower_id,
        back_populates="following",
    )
    comments: Mapped[list["Comment"]] = relationship(back_populates="author")


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))
    body: Mapped[str] = mapped_column(Text)

    author: Mapped["User"] = relationship(back_populates="comments")
    # remote_side: of the two comment rows, the parent is the one whose id parent_id holds.
    parent: Mapped["Comment | None"] = relationship(
        back_populates="replies", remote_side=lambda: Comment.id
    )
    replies: Mapped[list["Comment"]] = relationship(back_populates="parent")


def followers_of(session: Session, username: str) -> list[str]:
    """Usernames of the users who follow `username` (never themselves), alphabetically."""
    # TODO: join User.following to an aliased User named `followed`, filter on the alias
    raise NotImplementedError('join User.following to an aliased User named `followed`, filter on the alias')


def who_to_follow(session: Session, username: str) -> list[str]:
    """Users followed by those `username` follows, minus `username` and whom they follow."""
    # TODO: aliases `me` and `friend`; join followers twice; distinct; NOT EXISTS an `already` follow
    raise NotImplementedError('aliases `me` and `friend`; join followers twice; distinct; NOT EXISTS an `already` follow')


def mutual_follows(session: Session) -> list[tuple[str, str]]:
    """(first, second) usernames, first < second, of every two users who follow each other."""
    # TODO: two aliases of `follow` (there and back) and two aliased Users; first < second
    raise NotImplementedError('two aliases of `follow` (there and back) and two aliased Users; first < second')


def replies(session: Session) -> list[tuple[str, str, str]]:
    """(reply's author, parent's author, body) of every reply; by parent's author, newest first."""
    # TODO: aliased(Comment) for the parent and aliased(User) for each of the two authors
    raise NotImplementedError('aliased(Comment) for the parent and aliased(User) for each of the two authors')
