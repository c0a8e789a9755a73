"""Kata 3.6 — Custom SQL inside the ORM: from_statement and a column_property subquery.

Sometimes the SQL comes first: a query a colleague tuned by hand, one copied from a report, one
using a feature your version of SQLAlchemy cannot spell. You can still get ORM objects out of it.
`select(Post).from_statement(text("SELECT ... FROM post ..."))` runs your text as it is and turns
each row into a Post, through the session's identity map, exactly like `select(Post)` would.

Two rules make it safe and complete:

- **Values travel as bound parameters.** Write `:username` in the text and pass
  `{"username": username}` to `session.scalars()`; the driver sends the value apart from the SQL,
  so a name like `O'Brien` or `x'; --` is just data. An f-string puts it inside the SQL (a syntax
  error at best, SQL injection at worst), and escaping quotes by hand is not the same thing.
- **The ORM fills only what your SQL returns.** Without more information it matches the result's
  columns to the model's by name; any attribute your SELECT does not return is left unloaded and
  loaded later, one extra SELECT per object. `text(...).columns(Post.id, Post.title, ...)` says
  which attribute each column of your SELECT is, by position, and works for computed attributes too.

The second tool here is `column_property()`: an attribute whose value is a SQL expression,
computed by the database and loaded with the object in the same SELECT. A correlated scalar
subquery makes a post's comment count such an attribute: no extra query per post, and usable in
`where()` and `order_by()` like a column. `.correlate_except(Comment)` says which table the
subquery counts over (comment) and which it takes from the enclosing query (post), so the count
stays right even when that query joins comment itself.

The models are given: User, Post and Comment (a comment belongs to a post and has an author).
Comment is defined before Post so that Post's class body can use it.

Build:
1. `Post.comment_count` — a `column_property` holding the number of comments on the post, as a
   correlated scalar subquery (`select(func.count(Comment.id)).where(...)`, correlated to the
   post, `.scalar_subquery()`). 0 for a post without comments. Loading posts loads their counts
   in the same SELECT, and the count stays right in a query that also joins the comment table.
2. `posts_by_author(session, username)` — the Post objects written by the user with exactly that
   username, newest first (highest id first), loaded from textual SQL:
   `select(Post).from_statement(text(...))` with the username as a bound parameter. Each post's
   `comment_count` must arrive in that same one statement: have your SELECT compute it, and map
   every column with `.columns(...)`.
3. `popular_posts(session, at_least)` — the posts with at least `at_least` comments, most
   commented first, equal counts newest (highest id) first: one `select(Post)` that uses
   `Post.comment_count` in its `where()` and `order_by()`. Posts without comments count
   (`at_least=0` lists them all).

Run it: `checker kata 3.6`. The lesson: phases/p3_advanced/README.md, "3.6 Custom SQL inside the
ORM".
"""

from sqlalchemy import ForeignKey, String, Text, func, select, text
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    column_property,
    mapped_column,
    relationship,
)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)

    post: Mapped["Post"] = relationship(back_populates="comments")


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))

    comments: Mapped[list["Comment"]] = relationship(back_populates="post")

    # BEGIN SOLUTION comment_count = column_property(<a count of this post's comments, correlated to the post>)
    # STUB: pass
    comment_count: Mapped[int] = column_property(
        select(func.count(Comment.id))
        .where(Comment.post_id == id)  # `id` is the column defined above, in this class body
        .correlate_except(Comment)
        .scalar_subquery()
    )
    # END SOLUTION


def posts_by_author(session: Session, username: str) -> list[Post]:
    """The posts of the user named `username` (exact match), newest first, from textual SQL."""
    # BEGIN SOLUTION select(Post).from_statement(text("SELECT ... WHERE ... = :username ...").columns(...))
    sql = text(
        "SELECT post.id, post.author_id, post.title,"
        " (SELECT count(*) FROM comment WHERE comment.post_id = post.id) AS comment_count"
        " FROM post JOIN user_account ON user_account.id = post.author_id"
        " WHERE user_account.username = :username"
        " ORDER BY post.id DESC"
    ).columns(Post.id, Post.author_id, Post.title, Post.comment_count)
    stmt = select(Post).from_statement(sql)
    return list(session.scalars(stmt, {"username": username}))
    # END SOLUTION


def popular_posts(session: Session, at_least: int) -> list[Post]:
    """Posts with at least `at_least` comments, most commented first, then newest first."""
    # BEGIN SOLUTION select(Post) filtered and ordered by Post.comment_count
    stmt = (
        select(Post)
        .where(Post.comment_count >= at_least)
        .order_by(Post.comment_count.desc(), Post.id.desc())
    )
    return list(session.scalars(stmt))
    # END SOLUTION
