"""Kata 2.1 — One-to-many and many-to-one: a user's posts.

A user writes many posts; each post has one author. In the database that is a single foreign
key on the "many" side: `post.author_id` points at `user_account.id`. In Python you want to
navigate it both ways, `user.posts` (a list) and `post.author` (one User), and `relationship()`
gives you those attributes. The pattern, on the SQLAlchemy docs' Parent and Child:

    class Parent(Base):                       # the "one" side: a collection
        children: Mapped[list["Child"]] = relationship(back_populates="parent")

    class Child(Base):                        # the "many" side: the foreign key, one object
        parent_id: Mapped[int] = mapped_column(ForeignKey("parent.id"))
        parent: Mapped["Parent"] = relationship(back_populates="children")

The annotation says what the attribute holds (`list[...]` for a collection, the class for a
single object), and SQLAlchemy works out the join from the ForeignKey. `back_populates` names
the attribute on the other class that describes the same link, so that the two stay in step in
memory: `user.posts.append(post)` sets `post.author` at once, and `post.author = user` adds the
post to `user.posts`, before anything is flushed. Leave it off one side and that side only
catches up after a flush and a reload, which is the source of baffling bugs.

A relationship gives you navigation, not a join: loading a User does not load its posts. The
first time you touch `user.posts`, SQLAlchemy sends a second SELECT (a "lazy load").

Build:
1. `User.posts` — the user's posts, a list of Post, linked to `Post.author` with back_populates.
2. `Post.author_id` — a required (NOT NULL) integer column, a foreign key to `user_account.id`,
   and `Post.author` — the post's User, linked to `User.posts` with back_populates.
3. `write_post(session, user, title)` — a new Post titled `title`, written by `user`, added to the
   session (do not commit), and returned. Link it through the relationship
   (`user.posts.append(post)` or `Post(..., author=user)`), not by setting `author_id`: the user
   may not have an id yet, and the flush fills in `author_id` for you. Careful: since
   SQLAlchemy 2.0, `Post(author=user)` does not put the post into the session for you.
4. `move_post(post, new_author)` — give the post to another user. One assignment does it; both
   users' `posts` lists follow in memory.
5. `titles_by(session, username)` — the titles of that user's posts, alphabetically, found by
   navigating `user.posts`; an empty list for a user without posts or a username nobody has.

Run it: `checker kata 2.1`. The lesson: phases/p2_relationships/README.md, "One-to-many and
many-to-one".
"""

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # BEGIN SOLUTION add `posts`: a list of Post, linked to Post.author with back_populates
    # STUB: username: Mapped[str] = mapped_column(String(50), unique=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    posts: Mapped[list["Post"]] = relationship(back_populates="author")
    # END SOLUTION


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    # BEGIN SOLUTION add author_id (required, ForeignKey to user_account.id) and `author`, linked to User.posts
    # STUB: title: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    author: Mapped["User"] = relationship(back_populates="posts")
    # END SOLUTION


def write_post(session: Session, user: User, title: str) -> Post:
    """A new Post by `user`, linked through the relationship and added to the session."""
    # BEGIN SOLUTION make the Post, append it to user.posts (or pass author=user), session.add it
    post = Post(title=title)
    user.posts.append(post)
    session.add(post)
    return post
    # END SOLUTION


def move_post(post: Post, new_author: User) -> None:
    """Give `post` to `new_author`; both authors' `posts` lists follow in memory."""
    # BEGIN SOLUTION assign the many-to-one side: post.author = new_author
    post.author = new_author
    # END SOLUTION


def titles_by(session: Session, username: str) -> list[str]:
    """The titles of the posts by `username`, alphabetically; [] if none (or no such user)."""
    # BEGIN SOLUTION load the User by username (one_or_none), navigate user.posts, sort the titles
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        return []
    return sorted(post.title for post in user.posts)
    # END SOLUTION
