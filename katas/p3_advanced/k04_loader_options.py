"""Kata 3.4 — Loader options: contains_eager, joinedload, selectinload, load_only and defer.

Kata 2.6 fixed the N+1 problem with selectinload and joinedload. This kata is about choosing
exactly WHAT a query loads, the way production code does:

- `contains_eager(User.posts)` fills a collection from a join YOU wrote, so you can filter it:
  `select(User).join(User.posts).where(Post.published).options(contains_eager(User.posts))` gives
  users whose `user.posts` holds only the published posts. joinedload cannot do this: it adds a
  join of its own (to an anonymous alias) that your WHERE never touches, so the collection still
  holds every post. Two catches: the collection is filled from the rows in the order they come
  back (the relationship's order_by is not used, so ORDER BY what you want), and a user the
  session already holds with its posts loaded is NOT refilled unless the statement says
  `.execution_options(populate_existing=True)`.
- `joinedload` on a collection returns each parent once per child row: call `.unique()` on the
  result (SQLAlchemy refuses to go on without it). It is a LEFT OUTER JOIN, so parents without
  children stay, with an empty list.
- `selectinload` loads a collection with a second SELECT ... WHERE ... IN (ids of the parents).
  With LIMIT it is the safe choice: the LIMIT applies to the parents' own query. A LIMIT on a
  query you joined to a collection yourself counts joined ROWS, not parents (joinedload knows
  this and wraps the parents in a subquery; a hand-written join does not).
- `load_only(Post.title)` and `defer(User.bio)` choose the COLUMNS: load only these, or all but
  these. A column left out is lazy-loaded on first touch, one SELECT per object: the N+1 again,
  one column at a time. `raiseload=True` (`load_only(..., raiseload=True)`,
  `defer(..., raiseload=True)`) makes touching it raise instead, so a template or a schema that
  reads a column nobody loaded fails in the tests. Options for a related class chain from its
  loader: `joinedload(Post.author).defer(User.bio, raiseload=True)`.

The models are given: User (posts), Post (author, comments; `published` is False for a draft),
Comment (post). `User.posts` and `Post.comments` are in id order. Every function receives an
open Session and only reads.

Build:
1. `published_by_author(session)` — the users who have at least one published post, by
   username, each with `user.posts` holding ONLY that user's published posts, by title. One
   statement, and reading the collections afterwards sends nothing. The session may already hold
   these users with all their posts loaded (another part of the app asked for them): the
   collections you return must still hold only the published posts.
2. `everyone_with_posts(session)` — EVERY user by username, users without posts included, each
   with all their posts loaded (id order), in ONE statement: joinedload.
3. `latest_posts(session, limit)` — the `limit` newest posts (highest id first), drafts included,
   each with its comments loaded (id order): at most 2 statements whatever the limit, and exactly
   `limit` posts (fewer only if there are fewer posts).
4. `headlines(session)` — the published posts, newest first (highest id first), for a list of
   headlines, in ONE statement, loading from `post` only the title (the id always comes along)
   and, for each post's author, every column but the bio. Touching any other column of a post
   (body, published, author_id) or the author's bio must raise an error, not send a query.

Run it: `checker kata 3.4`. The lesson: phases/p3_advanced/README.md, "3.4 Loader options".
"""

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    contains_eager,
    joinedload,
    load_only,
    mapped_column,
    relationship,
    selectinload,
)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[str] = mapped_column(String(120))
    bio: Mapped[str] = mapped_column(Text, default="")  # long, and rarely shown

    posts: Mapped[list["Post"]] = relationship(back_populates="author", order_by="Post.id")


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # the whole article
    published: Mapped[bool] = mapped_column(default=False)

    author: Mapped["User"] = relationship(back_populates="posts")
    comments: Mapped[list["Comment"]] = relationship(back_populates="post", order_by="Comment.id")


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    body: Mapped[str] = mapped_column(Text)

    post: Mapped["Post"] = relationship(back_populates="comments")


def published_by_author(session: Session) -> list[User]:
    """Users with published posts, by username; user.posts holds only those, by title."""
    # TODO: join(User.posts), where published, contains_eager(User.posts), populate_existing
    raise NotImplementedError('join(User.posts), where published, contains_eager(User.posts), populate_existing')


def everyone_with_posts(session: Session) -> list[User]:
    """Every user by username with all their posts, in one statement."""
    # TODO: joinedload(User.posts), and .unique() on the result
    raise NotImplementedError('joinedload(User.posts), and .unique() on the result')


def latest_posts(session: Session, limit: int) -> list[Post]:
    """The `limit` newest posts, newest first, each with its comments loaded."""
    # TODO: order by id descending, limit, selectinload(Post.comments)
    raise NotImplementedError('order by id descending, limit, selectinload(Post.comments)')


def headlines(session: Session) -> list[Post]:
    """Published posts, newest first: only the title, and the author without the bio."""
    # TODO: load_only the title, joinedload the author and defer its bio, all with raiseload=True
    raise NotImplementedError('load_only the title, joinedload the author and defer its bio, all with raiseload=True')
