"""Kata 2.7 — Joins across relationships: outer joins, aggregates, any() and has().

Loading related objects (kata 2.6) is one use of relationships; asking questions ACROSS tables is
the other. A relationship attribute names the join for you, so you need not spell out the ON
clause:

- `select(Post.title, User.username).join(Post.author)` — an INNER JOIN: only rows that have a
  partner on the other side. A post without an author, or a user without posts, drops out.
- `.outerjoin(Post.comments)` — a LEFT OUTER JOIN: every post, with NULLs in the comment columns
  when it has no comments. Use it whenever "none" must still be a row ("0 comments").
- Aggregates across a join count joined rows: `func.count(Comment.id)` counts the non-NULL
  comment ids (0 for a post without comments), while `func.count()` (COUNT(*)) counts rows, and
  the outer join's NULL row makes that 1. Joining two collections multiplies rows (a post with 3
  comments appears 3 times), so counting the posts then needs `func.count(distinct(Post.id))`.
- A join to a collection repeats the parent once per match; `.distinct()` removes the repeats
  when you only want each parent once.
- "Has at least one ... such that" is an EXISTS subquery, written from the relationship:
  `Post.comments.any(Comment.body.contains("thanks"))` for a collection (one-to-many), and
  `Comment.author.has(User.username == "ann")` for a scalar (many-to-one). No duplicates, no
  DISTINCT needed. `~User.posts.any()` means "has no posts" (NOT EXISTS).

The models are given: User (posts, comments), Post (author, comments), Comment (post, author).
Every function receives an open Session, only reads, and answers with ONE query (two at most for
`posts_with_comments_by`) — let the database join, count and filter, not a Python loop.

Build:
1. `comment_counts(session)` — `(title, number_of_comments)` for EVERY post, posts without
   comments included with 0; most comments first, ties by title.
2. `author_stats(session)` — `(username, posts_written, comments_received)` for EVERY user, by
   username: how many posts the user wrote, and how many comments those posts received in total.
   A user without posts is `(username, 0, 0)`. Careful: one query joining users to posts to
   comments has one row per comment, so count the posts distinctly.
3. `posts_with_comments_by(session, username)` — the titles of the posts that have at least one
   comment written by `username`, alphabetically, each title once (however often they commented).
   An unknown username gives [].
4. `authors_who_commented_on_own_posts(session)` — the usernames of users who commented on a post
   they wrote themselves, alphabetically, each once.
5. `users_without_posts(session)` — the usernames of users who wrote no posts, alphabetically.

Run it: `checker kata 2.7`. The lesson: phases/p2_relationships/README.md,
"Joins across relationships".
"""

from sqlalchemy import ForeignKey, String, Text, distinct, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)

    posts: Mapped[list["Post"]] = relationship(back_populates="author")
    comments: Mapped[list["Comment"]] = relationship(back_populates="author")


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))

    author: Mapped["User"] = relationship(back_populates="posts")
    comments: Mapped[list["Comment"]] = relationship(back_populates="post")


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)

    post: Mapped["Post"] = relationship(back_populates="comments")
    author: Mapped["User"] = relationship(back_populates="comments")


def comment_counts(session: Session) -> list[tuple[str, int]]:
    """(title, comment count) for every post, zero included; most comments first, then title."""
    # TODO: outerjoin(Post.comments), count(Comment.id), group_by the post, order_by
    raise NotImplementedError('outerjoin(Post.comments), count(Comment.id), group_by the post, order_by')


def author_stats(session: Session) -> list[tuple[str, int, int]]:
    """(username, posts written, comments received) for every user, by username."""
    # TODO: outerjoin User.posts then Post.comments; count(distinct(Post.id)), count(Comment.id)
    raise NotImplementedError('outerjoin User.posts then Post.comments; count(distinct(Post.id)), count(Comment.id)')


def posts_with_comments_by(session: Session, username: str) -> list[str]:
    """Titles of posts `username` commented on, alphabetically, each once."""
    # TODO: where(Post.comments.any(Comment.author.has(...))), ordered by title
    raise NotImplementedError('where(Post.comments.any(Comment.author.has(...))), ordered by title')


def authors_who_commented_on_own_posts(session: Session) -> list[str]:
    """Usernames of users who commented on their own post, alphabetically, each once."""
    # TODO: join User.posts and Post.comments, keep comments whose author is the user, distinct
    raise NotImplementedError('join User.posts and Post.comments, keep comments whose author is the user, distinct')


def users_without_posts(session: Session) -> list[str]:
    """Usernames of users who wrote no posts, alphabetically."""
    # TODO: outerjoin(User.posts) and keep the rows where Post.id IS NULL (or ~User.posts.any())
    raise NotImplementedError('outerjoin(User.posts) and keep the rows where Post.id IS NULL (or ~User.posts.any())')
