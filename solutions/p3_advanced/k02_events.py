"""Kata 3.2 — Events: reject bad values on assignment, derive columns on flush.

Some rules belong to the model itself, so that every piece of code that touches a Post obeys them
without having to remember: a title must make sense, and a post's URL slug always matches its
title. SQLAlchemy lets the model hook into its own life cycle to enforce them.

- `@validates("title")` runs a method of yours every time the attribute is assigned, in the
  constructor too (`Post(title=...)`), BEFORE the value is stored on the object. Return the value
  to store (cleaned up, if you like), or raise to refuse it: the object keeps its old value, so a
  refused value can never reach the database. Raise `ValueError` with a message that says what was
  wrong; an API turns it into a 422 for the user.
- Mapper events (`before_insert`, `before_update`) run during the flush, for each object right
  before its INSERT or UPDATE is sent, with the object as `target`: the place to compute columns
  from other columns. A Session event (`before_flush`) runs once per flush, before any SQL, and
  sees `session.new` and `session.dirty`: it works too. Register either with
  `@event.listens_for(...)` at module level, so it is in place as soon as the model is imported.

The model and `slugify()` are given. A slug is derived, never chosen: whatever `post.slug` was set
to, every INSERT and every UPDATE of a post writes `slugify(post.title)`.

Build:
1. A validator for `Post.title` (`@validates("title")`): strip surrounding whitespace and store the
   stripped title. Refuse, with a `ValueError` whose message names the title, a title whose slug
   would be empty (no letter or digit: "", "   ", "?!") and a title longer than MAX_TITLE
   characters once stripped.
2. An event that sets `post.slug = slugify(post.title)` on every flush that inserts or updates a
   post: mapper events (`before_insert` and `before_update` on Post) or a Session `before_flush`
   listener. A title changed later must change the slug in the database too.

Run it: `checker kata 3.2`. The lesson: phases/p3_advanced/README.md, "Events".
"""

import re

from sqlalchemy import String, Text, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, validates

MAX_TITLE = 200


def slugify(text: str) -> str:
    """'Hello, World!' -> 'hello-world': lower case, each run of other characters one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    slug: Mapped[str] = mapped_column(String(MAX_TITLE), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")

    # BEGIN SOLUTION add a @validates("title") method: strip the title; raise ValueError (naming the title) if its slug is empty or it is over MAX_TITLE characters
    # STUB: # (no validator yet)

    @validates("title")
    def _check_title(self, key: str, title: str) -> str:
        cleaned = title.strip()
        if not slugify(cleaned):
            raise ValueError(f"A post's title needs a letter or a digit; got title={title!r}.")
        if len(cleaned) > MAX_TITLE:
            raise ValueError(
                f"A post's title is at most {MAX_TITLE} characters; this title has {len(cleaned)}."
            )
        return cleaned  # what the validator returns is what gets stored

    # END SOLUTION


# BEGIN SOLUTION listen for Post's before_insert and before_update (or Session's before_flush) and set target.slug = slugify(target.title)
# STUB: # (nothing listens to Post's flushes yet)
@event.listens_for(Post, "before_insert")
@event.listens_for(Post, "before_update")
def _derive_slug(mapper: Mapper[Post], connection: Connection, target: Post) -> None:
    # runs inside the flush, right before this post's INSERT or UPDATE is sent
    target.slug = slugify(target.title)


# END SOLUTION
