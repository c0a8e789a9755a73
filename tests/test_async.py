"""Async checks: `async def` checks and the async database fixtures, isolated per check, with the
learner's statements captured through SQLAlchemy's greenlets."""

from __future__ import annotations

from tests.test_plugin import checks_by_name, demo  # noqa: F401 (a fixture)

ASYNC_KATA = '''
"""Kata 1.1 — async demo."""
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]


async def add_note(session: AsyncSession, body: str) -> Note:
    note = Note(body=body)
    session.add(note)
    await session.commit()
    return note


async def count(session: AsyncSession) -> int:
    return len((await session.scalars(select(Note))).all())
'''

ASYNC = ("-p", "pytest_asyncio.plugin", "-o", "asyncio_mode=auto")


def test_async_checks_run_on_their_own_database_with_the_learners_sql_captured(demo):  # noqa: F811
    checks = """
        import pytest

        @pytest.fixture
        async def tables(kata, async_engine):
            async with async_engine.begin() as connection:
                await connection.run_sync(kata.Base.metadata.create_all)

        async def test_add(kata, tables, async_session):
            await kata.add_note(async_session, "hello")
            assert await kata.count(async_session) == 1, "one note"

        async def test_isolated(kata, tables, async_session, async_db_url):
            assert await kata.count(async_session) == 0, "a fresh database: no notes"
            assert "+aiosqlite" in async_db_url or "+asyncpg" in async_db_url, async_db_url
    """
    result, report = demo(checks, *ASYNC, kata=ASYNC_KATA)
    result.assert_outcomes(passed=2)
    added = checks_by_name(report)["test_add"]
    origins = {(s["origin"], s["sql"].split()[0]) for s in added["statements"]}
    assert ("learner", "INSERT") in origins, origins
    assert ("learner", "COMMIT") in origins, "transaction control is the learner's too"
    assert ("learner", "SELECT") in origins
    assert ("fixture", "CREATE") in origins, "create_all in the check's fixture is not"
