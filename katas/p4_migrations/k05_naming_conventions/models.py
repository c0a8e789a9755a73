"""The blog's models as they stand after the last revision (0002): `author`, and `post` (which
0001 created as `article`). Every constraint and index gets its name from the naming convention
on Base's MetaData, so a migration can compute the name of what it drops."""

from sqlalchemy import CheckConstraint, ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# TODO: the naming convention from the SQLAlchemy docs: ix, uq, ck, fk and pk
NAMING_CONVENTION: dict[str, str] = {}  # keys "ix", "uq", "ck", "fk", "pk"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Author(Base):
    __tablename__ = "author"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)  # uq_author_email


class Post(Base):
    __tablename__ = "post"
    __table_args__ = (CheckConstraint("views >= 0", name="views_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # pk_post
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))  # 0001 called it headline
    slug: Mapped[str] = mapped_column(String(200))  # unique no more (uq_article_slug dropped)
    views: Mapped[int] = mapped_column(server_default="0")
