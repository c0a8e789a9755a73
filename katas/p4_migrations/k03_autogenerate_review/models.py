"""The models as a colleague left them, after the change that revision 0002 must migrate:

- user_account.name is now display_name (a rename: the same people, the same names);
- user_account.email may be longer (String(320), the longest address the standard allows);
- post.status is new: every post has one, 'draft' unless told otherwise, and only 'draft' or
  'published' are allowed (the CHECK constraint ck_post_status).
"""

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(320))


class Post(Base):
    __tablename__ = "post"
    __table_args__ = (CheckConstraint("status IN ('draft', 'published')", name="ck_post_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")
