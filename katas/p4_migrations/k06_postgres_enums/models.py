"""The blog's post as it stands after the last revision (0003): its status is a native Postgres
enum type, post_status, with three values in this order."""

import sqlalchemy as sa
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

POST_STATUS = sa.Enum("draft", "published", "archived", name="post_status")


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(POST_STATUS, server_default="draft")
