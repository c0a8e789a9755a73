"""The models, given: users with the hash of their password, and their posts. Nothing to write.

`password_hash` holds what pwdlib makes of a password (about 100 characters of Argon2id:
"$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>"), never the password itself. A post belongs to
its author through `author_id`: that column is what decides who may change it.
"""

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
