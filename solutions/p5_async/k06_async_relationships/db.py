"""The models: users, their posts, and comments on posts. The columns are given; the base class
and the relationships are yours to write.

The routes serialize a post's author, its comments and each comment's author; they must load
them in the query that loads the posts. lazy="raise" on those relationships makes a forgotten
load fail at once, naming the attribute, in async and sync code alike, instead of sending a
SELECT behind your back (which in async code fails anyway, as MissingGreenlet). User.posts is
the one relationship left lazy (the default, lazy="select"): the app loads it on purpose, for a
user already in hand, with `await user.awaitable_attrs.posts` — and lazy="raise" would refuse
that load too.
"""

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


# BEGIN SOLUTION the base: class Base(AsyncAttrs, DeclarativeBase), so every model has awaitable_attrs
# STUB: class Base(DeclarativeBase):
# STUB:     pass
class Base(AsyncAttrs, DeclarativeBase):
    pass


# END SOLUTION


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    # BEGIN SOLUTION posts: the user's posts, oldest first (order_by), back_populates Post.author; lazy left at its default
    # STUB: # (no posts yet)
    posts: Mapped[list["Post"]] = relationship(back_populates="author", order_by="Post.id")
    # END SOLUTION


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))
    # BEGIN SOLUTION author (back_populates User.posts) and comments (oldest first, back_populates Comment.post), both lazy="raise"
    # STUB: # (no author or comments yet)
    author: Mapped[User] = relationship(back_populates="posts", lazy="raise")
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="post", order_by="Comment.id", lazy="raise"
    )
    # END SOLUTION


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    # BEGIN SOLUTION post (back_populates Post.comments) and author (the commenter), both lazy="raise"
    # STUB: # (no post or author yet)
    post: Mapped[Post] = relationship(back_populates="comments", lazy="raise")
    author: Mapped[User] = relationship(lazy="raise")
    # END SOLUTION
