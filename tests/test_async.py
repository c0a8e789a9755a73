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


def test_several_databases_in_one_check_and_failures_on_purpose(demo):  # noqa: F811
    checks = """
        import pytest
        from sqlalchemy import create_engine, inspect, text
        from sqlalchemy.exc import OperationalError

        def test_two_databases(make_db_url):
            first, second = make_db_url(), make_db_url()
            assert first != second, "two URLs"
            with create_engine(first).begin() as connection:
                connection.execute(text("CREATE TABLE only_here (id int)"))
            assert inspect(create_engine(second)).get_table_names() == [], "nothing shared"

        def test_refused_then_back(db_url, db_faults):
            engine = create_engine(db_url)
            db_faults.refuse_connections(2)
            for _ in range(2):
                with pytest.raises(OperationalError, match="injected"):
                    engine.connect()
            with engine.connect() as connection:
                assert connection.execute(text("SELECT 1")).scalar() == 1, "back up"
            assert db_faults.refused == 2, "two refusals"
            db_faults.refuse_for(0.3)
            engine.dispose()  # pooled connections stay up: only new ones are refused
            with pytest.raises(OperationalError, match="injected"):
                engine.connect()
            import time
            time.sleep(0.35)
            with engine.connect() as connection:
                assert connection.execute(text("SELECT 1")).scalar() == 1, "back after a while"

        def test_dropped_connections(db_url, db_faults):
            engine = create_engine(db_url, pool_pre_ping=True)
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            assert db_faults.drop_connections() >= 1, "the pooled connection was dropped"
            with engine.connect() as connection:  # pre-ping notices, and reconnects
                assert connection.execute(text("SELECT 2")).scalar() == 2, "reconnected"
    """
    result, report = demo(checks, *ASYNC)
    result.assert_outcomes(passed=3)


def test_statements_failed_on_purpose_and_the_transactions_recorded(demo):  # noqa: F811
    checks = """
        import pytest
        from sqlalchemy import text
        from sqlalchemy.exc import IntegrityError, OperationalError

        @pytest.fixture
        async def tables(kata, async_engine):
            async with async_engine.begin() as connection:
                await connection.run_sync(kata.Base.metadata.create_all)

        async def test_fail_statements(kata, tables, async_session, db_faults, queries):
            db_faults.fail_statements(r"^INSERT INTO note", value="boom")
            await kata.add_note(async_session, "fine")
            with pytest.raises(OperationalError, match="injected") as raised:
                await kata.add_note(async_session, "boom")
            assert not isinstance(raised.value, IntegrityError), "not a constraint"
            assert db_faults.failed == 1, "one failed"
            await async_session.rollback()
            await async_session.execute(text("SELECT 1"))
            await async_session.commit()  # the check's own transaction: not listed
            learners = ["BEGIN", "COMMIT", "BEGIN", "ROLLBACK"]  # the failed flush rolled back
            assert queries.transactions == learners, queries.transactions
            db_faults.fail_statements(r"^INSERT INTO note", after=1)  # the first one goes through
            await kata.add_note(async_session, "second")
            with pytest.raises(OperationalError):
                await kata.add_note(async_session, "third")
            assert db_faults.failed == 2, "the one after"
    """
    result, report = demo(checks, *ASYNC, kata=ASYNC_KATA)
    result.assert_outcomes(passed=1)
