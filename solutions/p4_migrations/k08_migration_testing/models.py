"""The blog's models: authors, and their posts with a status."""

import enum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class PostStatus(enum.Enum):
    draft = "draft"
    published = "published"


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Post(Base):
    __tablename__ = "post"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[PostStatus] = mapped_column(
        Enum(PostStatus, name="post_status"), server_default="draft"
    )
