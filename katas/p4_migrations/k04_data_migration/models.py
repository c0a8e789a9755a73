"""The models at the head of this kata's migrations (revision 0003).

Revision 0001 made user_account with full_name and email. Since then the application gained a
username (the email's local part, lowercased, unique) and stores a name in two parts. The
migrations carry the rows already in the database across both changes.
"""

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("username", name="uq_user_account_username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200))
    username: Mapped[str] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
