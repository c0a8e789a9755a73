"""Database URLs, as both sides need them: the async form of a sync URL."""

from __future__ import annotations

from sqlalchemy.engine import make_url

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def to_async_url(url: str) -> str:
    """The same database, through the async driver the workbook teaches for it."""
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS[parsed.get_backend_name()]
    return parsed.set(drivername=driver).render_as_string(hide_password=False)
