"""Kata 1.5 — Dataclass models: MappedAsDataclass.

A plain declarative model gets SQLAlchemy's default constructor, which takes keyword arguments
only (`Tag(name="python")`), and inherits object's repr and identity equality. Mix
`MappedAsDataclass` into the base and every model is turned into a real Python dataclass as it
is mapped: a typed `__init__` that takes positional arguments, a readable `__repr__`, and an
`__eq__` that compares field values. Your editor and type checker understand the constructor too.

`mapped_column()` then also takes the dataclass field options:
- `init=False` keeps a field out of `__init__` (a primary key the database assigns);
- `default=` / `default_factory=` give a field a default, a value or a function called once
  per new object (for "now", a list, a new uuid);
- `repr=False` keeps a field out of the repr (long text, secrets);
- `kw_only=True` makes a field keyword-only, so a bare `True` in a call can't be misread.
Dataclass rules hold: a field without a default can't follow one with a default in `__init__`.

Build:
1. `Base` — the declarative base that makes dataclasses: `MappedAsDataclass` first, then
   `DeclarativeBase`.
2. `Tag` — table "tag":
   - `id`: integer primary key, NOT an `__init__` argument;
   - `name`: a string of at most 50 characters, unique, the first (positional) argument;
   - `color`: a string of at most 20 characters, "gray" unless given;
   - `created_at`: a timezone-aware datetime filled in by the database on INSERT
     (`server_default=func.now()`), not an `__init__` argument.
   So `Tag("python")` and `Tag("sql", "blue")` both work, and `Tag("python") == Tag("python")`.
3. `Post` — table "post":
   - `id`: integer primary key, not an `__init__` argument;
   - `title`: a string of at most 200 characters, then `body`: Text, both positional;
     `body` is left out of the repr (a post body is long);
   - `draft`: a bool, True unless given, and keyword-only: `Post("Hi", "text", draft=False)`;
   - `created_at`: a timezone-aware datetime, keyword-only, set when the Post object is made
     to the current UTC time by a `default_factory` (each Post gets its own time).

Run it: `checker kata 1.5`. The lesson: phases/p1_core/README.md, "Dataclass models".
"""

from datetime import datetime, timezone

from sqlalchemy import DateTime, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


# BEGIN SOLUTION make Base produce dataclasses: mix MappedAsDataclass in before DeclarativeBase
# STUB: class Base(DeclarativeBase):
# STUB:     """A plain declarative base: its models get the keyword-only ORM constructor."""
class Base(MappedAsDataclass, DeclarativeBase):
    """Every model that subclasses Base is also a dataclass."""


# END SOLUTION


class Tag(Base):
    __tablename__ = "tag"

    # BEGIN SOLUTION give id init=False, give color its default, add created_at (server side, init=False)
    # STUB: id: Mapped[int] = mapped_column(primary_key=True)
    # STUB: name: Mapped[str] = mapped_column(String(50), unique=True)
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    color: Mapped[str] = mapped_column(String(20), default="gray")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), init=False
    )
    # END SOLUTION


class Post(Base):
    __tablename__ = "post"

    # BEGIN SOLUTION id out of __init__, body out of the repr, draft and created_at keyword-only
    # STUB: id: Mapped[int] = mapped_column(primary_key=True)
    # STUB: title: Mapped[str] = mapped_column(String(200))
    # STUB: body: Mapped[str] = mapped_column(Text)
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, repr=False)
    draft: Mapped[bool] = mapped_column(default=True, kw_only=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True),
        default_factory=lambda: datetime.now(timezone.utc),
        kw_only=True,
    )
    # END SOLUTION
