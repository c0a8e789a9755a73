"""The model, given: a post of the blog, with the id of the request that created it.

Nothing to write here. `request_id` shows what the middleware's context variable is for: code far
from the HTTP layer (here, the route that builds the row) reads the current request's id without
anyone passing it down, and a support ticket quoting an `X-Request-ID` leads to the row and to the
log lines of the request that wrote it.
"""

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str] = mapped_column(String(64))
