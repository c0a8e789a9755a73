"""Kata 2.5 — Cascades: save-update, delete, delete-orphan, and ON DELETE CASCADE.

A comment belongs to its post: it is created with the post, it dies with the post, and a comment
taken off a post has no reason to exist. Two layers can carry out those rules, and a sound model
uses both:

- ORM cascades, on the parent's `relationship(cascade=...)`, act on objects in the Session:
  * `save-update` (on by default): adding the post to the session adds the comments in its
    `comments` collection too;
  * `delete`: `session.delete(post)` deletes its comments as well;
  * `delete-orphan`: a comment removed from `post.comments` is deleted, instead of being left
    with its `post_id` set to NULL.
  `cascade="all, delete-orphan"` is the usual setting for children owned by their parent ("all"
  is save-update, merge, refresh-expire, expunge and delete).
- The database's `ON DELETE CASCADE`, on the foreign key: `ForeignKey("post.id",
  ondelete="CASCADE")`. It works for every DELETE, also one that never loaded any object: a
  bulk `delete(Post)` statement, psql, another application.

To delete a post and its comments, the ORM on its own first SELECTs the comments and deletes them
one by one. `passive_deletes=True` on the relationship tells it to trust the database instead:
it deletes the post only, and ON DELETE CASCADE removes the comments in the same statement.

Post (`title`, `is_draft`) and Comment (`body`) are given, without their relationships. Every
function commits before it returns.

Build:
1. `Comment.post_id` — a required foreign key to post.id with `ondelete="CASCADE"`, and
   `Comment.post`, the comment's Post, with `back_populates="comments"`.
2. `Post.comments` — the post's Comments, with `back_populates="post"`,
   `cascade="all, delete-orphan"` and `passive_deletes=True`.
3. `create_post(session, title, bodies)` — a new Post whose comments have those bodies (in that
   order); add only the post to the session (the save-update cascade adds the comments), commit,
   and return the post.
4. `remove_comment(session, post, comment)` — take the comment off `post.comments` and commit:
   delete-orphan deletes its row. (No `session.delete()` here: the point is that removing it is
   enough.)
5. `delete_post(session, post_id)` — delete the post with that id, and with it its comments;
   commit; return True, or False when there is no such post. Load the post, not its comments:
   the database deletes them.
6. `purge_drafts(session)` — delete every draft post in ONE `delete(Post)` statement, commit, and
   return how many posts it deleted (the result's `rowcount`). No post objects are loaded, so no
   ORM cascade runs: their comments go only thanks to ON DELETE CASCADE.

Run it: `checker kata 2.5`. The lesson: phases/p2_relationships/README.md, "Cascades".
"""

from sqlalchemy import ForeignKey, String, Text, delete
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = "post"

    # BEGIN SOLUTION add `comments`: back_populates="post", cascade="all, delete-orphan", passive_deletes=True
    # STUB: id: Mapped[int] = mapped_column(primary_key=True)
    # STUB: title: Mapped[str] = mapped_column(String(200))
    # STUB: is_draft: Mapped[bool] = mapped_column(default=False)
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    is_draft: Mapped[bool] = mapped_column(default=False)

    comments: Mapped[list["Comment"]] = relationship(
        back_populates="post", cascade="all, delete-orphan", passive_deletes=True
    )
    # END SOLUTION


class Comment(Base):
    __tablename__ = "comment"

    # BEGIN SOLUTION give post_id's ForeignKey ondelete="CASCADE"; add `post` with back_populates="comments"
    # STUB: id: Mapped[int] = mapped_column(primary_key=True)
    # STUB: body: Mapped[str] = mapped_column(Text)
    # STUB: post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))

    post: Mapped["Post"] = relationship(back_populates="comments")
    # END SOLUTION


def create_post(session: Session, title: str, bodies: list[str]) -> Post:
    """A new Post with one Comment per body; only the post is added; commit; return it."""
    # BEGIN SOLUTION Post(title=..., comments=[Comment(body=b) ...]); session.add(post) only; commit
    post = Post(title=title, comments=[Comment(body=body) for body in bodies])
    session.add(post)
    session.commit()
    return post
    # END SOLUTION


def remove_comment(session: Session, post: Post, comment: Comment) -> None:
    """Take `comment` off `post.comments` and commit; delete-orphan deletes it."""
    # BEGIN SOLUTION post.comments.remove(comment), then commit
    post.comments.remove(comment)
    session.commit()
    # END SOLUTION


def delete_post(session: Session, post_id: int) -> bool:
    """Delete the post and (through the cascades) its comments; commit; False if there is none."""
    # BEGIN SOLUTION session.get the post (None: return False), session.delete(post), commit, return True
    post = session.get(Post, post_id)
    if post is None:
        return False
    session.delete(post)
    session.commit()
    return True
    # END SOLUTION


def purge_drafts(session: Session) -> int:
    """Delete every draft post in one DELETE statement; commit; return how many were deleted."""
    # BEGIN SOLUTION session.execute(delete(Post).where(Post.is_draft)); commit; return the result's rowcount
    result = session.execute(delete(Post).where(Post.is_draft))
    session.commit()
    return result.rowcount
    # END SOLUTION
