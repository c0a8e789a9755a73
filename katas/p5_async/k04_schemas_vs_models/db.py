"""The model, given: a user of the blog, with the hash of their password. Nothing to write here.

This is the database's shape, and only the database's: `password_hash` is a column, so the ORM
object has it, and anything that turns the whole object into JSON sends it along. What the API
accepts and answers is decided by the schemas in schemas.py, not here.
"""

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    bio: Mapped[str | None] = mapped_column(String(500))
    # An Argon2 hash is about 100 characters ("$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>").
    password_hash: Mapped[str] = mapped_column(String(255))
