"""Fixtures for async checks (`async def` tests run by pytest-asyncio, one event loop per check):

  async_db_url   the check's fresh database as an async URL (aiosqlite, or asyncpg on Postgres)
  async_engine   an AsyncEngine on it, disposed after the check
  async_session  an AsyncSession on it (expire_on_commit=False, as an async app would use)

They share the check's database with `db_url`/`engine`, so a check can seed rows one way and read
them the other. Statements sent through them are captured like any other (see capture.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from checker.workbook.urls import to_async_url


@pytest.fixture
def async_db_url(db_url: str) -> str:
    """This check's fresh database, as an async URL."""
    return to_async_url(db_url)


@pytest_asyncio.fixture
async def async_engine(async_db_url: str) -> AsyncIterator[AsyncEngine]:
    created = create_async_engine(async_db_url)
    yield created
    await created.dispose()


@pytest_asyncio.fixture
async def async_session(async_engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with AsyncSession(async_engine, expire_on_commit=False) as opened:
        yield opened
