"""Kata 2.6 — Lazy and eager loading: the N+1 problem, found and fixed.

A relationship gives you navigation, not a join. `select(Post)` sends one SELECT on the `post`
table and nothing else; `post.author` and `post.comments` are loaded the first time you touch
them, each with its own SELECT. That is lazy loading (`lazy="select"`), the default.

Lazy loading is fine for one object and ruinous in a loop: one query for the posts, then one
more per post for its comments, and one more per commenter ... 1 + N statements, the "N+1
problem". It hides well: the code looks like plain attribute access, the tests pass on five rows,
and production sends 500 statements per page.

The fix is to say, on the query, which relationships you are going to use, with a loader option:

- `selectinload(Post.comments)` — after loading the posts, ONE more SELECT fetches the comments of
  all of them (`WHERE comment.post_id IN (...)`). The usual choice for collections.
- `joinedload(Post.author)` — a LEFT OUTER JOIN in the same statement. The usual choice for a
  many-to-one. Joined-loading a collection repeats the parent on every row, so the result must be
  de-duplicated with `.unique()` (SQLAlchemy refuses to go on without it).
- Options chain to go deeper: `selectinload(Post.comments).selectinload(Comment.author)` loads the
  comments AND the author of each comment. Loading one level only leaves the N+1 one level down.
- `raiseload(...)` (or `raiseload("*")` for everything not named) turns a lazy load into an
  error: code that touches a relationship nobody loaded fails loudly in the tests instead of
  quietly sending a query per row in production.

Eager loading also decides what survives the session: attributes loaded before `session.close()`
stay readable on the detached object; lazy ones raise DetachedInstanceError when touched.

The models are given: User, Post (author, comments) and Comment (post, author); all their
relationships are lazy by default. Every function receives an open Session and only reads.

Build:
1. `feed(session)` — every post, in id order, as a dict
   `{"title": ..., "author": <author's username>, "comments": [(body, commenter's username), ...]}`
   (comments in id order; a post without comments has an empty list). It must send a small fixed
   number of statements (at most 4) however many posts there are: load the authors, the comments
   and the comments' authors with the posts, not one by one in the loop.
2. `post_detail(session, post_id)` — the Post with that id (None if there is none) with its
   author, its comments and each comment's author loaded, so that the caller can still read
   `post.author.username` and `comment.author.username` for every comment after the session is
   closed. At most 4 statements.
3. `strict_posts(session)` — every post, in id order, with its author loaded, and every other
   relationship set to raise instead of loading: `post.comments` must raise an error (and send
   nothing) rather than quietly query.

Run it: `checker kata 2.6`. The lesson: phases/p2_relationships/README.md, "Lazy and eager loading".
"""

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    raiseload,
    relationship,
    selectinload,
)


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
    comments: Mapped[list["Comment"]] = relationship(back_populates="post", order_by="Comment.id")


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)

    post: Mapped["Post"] = relationship(back_populates="comments")
    author: Mapped["User"] = relationship(back_populates="comments")


def feed(session: Session) -> list[dict]:
    """Every post with its author's name and its comments (body, commenter), in a few statements."""
    # BEGIN SOLUTION select(Post) with loader options for author, comments and each comment's author
    stmt = (
        select(Post)
        .options(
            selectinload(Post.author),
            selectinload(Post.comments).selectinload(Comment.author),
        )
        .order_by(Post.id)
    )
    posts = session.scalars(stmt).all()
    return [
        {
            "title": post.title,
            "author": post.author.username,
            "comments": [(comment.body, comment.author.username) for comment in post.comments],
        }
        for post in posts
    ]
    # END SOLUTION


def post_detail(session: Session, post_id: int) -> Post | None:
    """The Post `post_id` with author, comments and comment authors loaded; None if missing."""
    # BEGIN SOLUTION session.get(Post, post_id, options=[...]) loading author, comments, comment authors
    return session.get(
        Post,
        post_id,
        options=[joinedload(Post.author), selectinload(Post.comments).joinedload(Comment.author)],
    )
    # END SOLUTION


def strict_posts(session: Session) -> list[Post]:
    """Every post (id order) with its author loaded; any other relationship raises when touched."""
    # BEGIN SOLUTION load the author eagerly and raiseload("*") everything else
    stmt = select(Post).options(joinedload(Post.author), raiseload("*")).order_by(Post.id)
    return list(session.scalars(stmt).all())
    # END SOLUTION
