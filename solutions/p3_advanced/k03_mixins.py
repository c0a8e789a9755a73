"""Kata 3.3 — Mixins and declared_attr: columns every model shares, written once.

Real schemas repeat themselves: every table has an `id`, most have `created_at` and `updated_at`,
and everything a user writes has an `author_id`. Copying those lines into each model means they
drift apart (one table forgets the time zone, another the server default). Declarative lets you
write them once, on the base class or on a MIXIN (a plain class that mapped classes also
inherit from), and copies them into every model's own table:

- A `mapped_column()` on a mixin is copied into each subclass's table: each table gets its own
  column, constraints included (a ForeignKey too).
- `@declared_attr` turns a method into an attribute that SQLAlchemy computes once PER SUBCLASS, with
  the subclass as `cls`. A `relationship()` must be made this way on a mixin (each class needs a
  relationship of its own), and so must anything that depends on the class, like a table name.
  `@declared_attr.directive` is the same for declarative's own settings (`__tablename__`,
  `__table_args__`).

The models are given; they only name their mixins: Author(TimestampMixin, Base),
BlogPost(TimestampMixin, AuthoredMixin, Base), PostComment(TimestampMixin, AuthoredMixin, Base).
`Base` already gives every model its `id`.

Build:
1. `Base.__tablename__` — a `@declared_attr.directive` that derives each table's name from its
   class, CamelCase to snake_case: Author -> "author", BlogPost -> "blog_post",
   PostComment -> "post_comment".
2. `TimestampMixin` — `created_at` and `updated_at`, both required (NOT NULL), timezone-aware
   (`DateTime(timezone=True)`), with a default the DATABASE applies (`server_default=func.now()`),
   so that rows inserted by any means get them. `updated_at` also moves to the current time
   whenever SQLAlchemy updates the row (`onupdate=func.now()`).
3. `AuthoredMixin` — `author_id`: a required foreign key to `author.id`, indexed, that deletes the
   row with its author (`ondelete="CASCADE"`, enforced by the database); and `author`: a
   relationship to Author, made with `@declared_attr` so that each model gets its own.

Run it: `checker kata 3.3`. The lesson: phases/p3_advanced/README.md, "Mixins".
"""

import re
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship


class Base(DeclarativeBase):
    id: Mapped[int] = mapped_column(primary_key=True)

    # BEGIN SOLUTION make __tablename__ a @declared_attr.directive: the class name in snake_case (BlogPost -> blog_post)
    # STUB: @declared_attr.directive
    # STUB: def __tablename__(cls) -> str:
    # STUB:     return cls.__name__  # not snake_case yet
    @declared_attr.directive
    def __tablename__(cls) -> str:
        # an underscore before every capital but the first, then all in lower case
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()

    # END SOLUTION


class TimestampMixin:
    """created_at and updated_at for every model that inherits this."""

    # BEGIN SOLUTION add created_at and updated_at: NOT NULL, DateTime(timezone=True), server_default=func.now(); updated_at with onupdate=func.now()
    # STUB: pass
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    # END SOLUTION


class AuthoredMixin:
    """author_id and author for every model written by an Author."""

    # BEGIN SOLUTION add author_id (NOT NULL, ForeignKey("author.id", ondelete="CASCADE"), index=True) and a @declared_attr author relationship
    # STUB: pass
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def author(cls) -> Mapped["Author"]:
        # a relationship() object belongs to one class: declared_attr makes one per subclass
        return relationship()

    # END SOLUTION


class Author(TimestampMixin, Base):
    name: Mapped[str] = mapped_column(String(50), unique=True)


class BlogPost(TimestampMixin, AuthoredMixin, Base):
    title: Mapped[str] = mapped_column(String(200))


class PostComment(TimestampMixin, AuthoredMixin, Base):
    post_id: Mapped[int] = mapped_column(ForeignKey("blog_post.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
