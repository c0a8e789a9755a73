"""Kata 1.7 — CRUD with the ORM: create, read, update, delete a Post.

With the ORM you rarely write INSERT, UPDATE or DELETE yourself. You change Python objects and
the Session turns the changes into SQL when it flushes:

- create: `session.add(obj)`; the INSERT is sent at the next flush, and the id is filled in then;
- read by primary key: `session.get(Model, id)` returns the object or None. It looks in the
  session's identity map first, so an object the session already holds costs no SQL at all;
- update: set attributes on a loaded object; the session notices and sends an UPDATE;
- delete: `session.delete(obj)`; the DELETE is sent at the next flush.

Who commits? Decide once and say so. In this kata every function is a complete unit of work: it
receives a Session from its caller, does its change, and COMMITS before returning, so that what
it reports (an id, True) is true in the database. (In a web app the request usually owns the
transaction instead, and helpers only flush; that is phase 5.)

The `Post` model below is given: `title`, `body` and `published` (False until published).

Build (each function commits its change before it returns):
1. `create_post(session, title, body)` — add a new, unpublished Post, commit, and return it
   (its `id` is set).
2. `get_post(session, post_id)` — the Post with that id, or None if there is none. Use
   `session.get`: a post the session already holds must come back without any SQL.
3. `publish_post(session, post_id)` — set the post's `published` to True and commit; return True,
   or False (changing nothing, raising nothing) when there is no such post. Publishing a post
   that is already published leaves it published.
4. `delete_post(session, post_id)` — delete the post with `session.delete()` (an ORM delete, so
   the ORM's cascades and events run for it) and commit; return True, or False when there is no
   such post (deleting something that is not there is not an error here).

Run it: `checker kata 1.7`. The lesson: phases/p1_core/README.md, "CRUD with the ORM".
"""

from sqlalchemy import String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(default=False)


def create_post(session: Session, title: str, body: str) -> Post:
    """Add a new unpublished Post, commit, and return it with its id set."""
    # BEGIN SOLUTION add the Post to the session, commit, return it
    post = Post(title=title, body=body)
    session.add(post)
    session.commit()
    return post
    # END SOLUTION


def get_post(session: Session, post_id: int) -> Post | None:
    """The Post with this id, or None; no SQL when the session already holds it."""
    # BEGIN SOLUTION look it up by primary key with session.get
    return session.get(Post, post_id)
    # END SOLUTION


def publish_post(session: Session, post_id: int) -> bool:
    """Mark the post published and commit; False if there is no such post."""
    # BEGIN SOLUTION load it, return False if missing, else set published, commit, return True
    post = session.get(Post, post_id)
    if post is None:
        return False
    post.published = True
    session.commit()
    return True
    # END SOLUTION


def delete_post(session: Session, post_id: int) -> bool:
    """Delete the post and commit; False if there is no such post."""
    # BEGIN SOLUTION load it, return False if missing, else session.delete it, commit, return True
    post = session.get(Post, post_id)
    if post is None:
        return False
    session.delete(post)
    session.commit()
    return True
    # END SOLUTION
