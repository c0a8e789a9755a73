"""The models, given: users and their posts. Nothing to write in this file.

No relationship() attributes on purpose: the routes of this kata query with select() and
session.get(), so nothing is ever lazy-loaded (in async code a lazy load raises MissingGreenlet;
loading related objects asynchronously is a later kata).
"""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))
