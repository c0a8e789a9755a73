"""Legacy SQLAlchemy 1.x APIs: the learner's code is nudged to the 2.0 form when it uses one
that still works, a removed one is explained when it fails a check, and the workbook's own
solutions and checks may use none (`checker verify --static`)."""

from __future__ import annotations

import asyncio
import gc
import json
import textwrap
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
    text,
)
from sqlalchemy.ext.asyncio import (
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    relationship,
)

from checker.workbook.legacy import ASYNC, NUDGES, REMOVED, explain, label, nudges_in, scan
from tests.conftest import postgres_url
from tests.factory import KataSpec, write_workbook
from tests.schema import validate_output


def rules(source: str) -> list[str]:
    return [hit.rule.name for hit in scan(textwrap.dedent(source))]


# --- The scanner ---------------------------------------------------------------------------------

POSITIVE = [
    (
        "session-query",
        """
        def names(session):
            return [u.name for u in session.query(User).filter_by(name="ann").all()]
        """,
    ),
    (
        "session-query",
        """
        def count(self):
            return self.db.query(func.count(User.id)).scalar()
        """,
    ),
    ("query-get", "user = session.query(User).get(5)"),
    ("declarative-base", "from sqlalchemy.orm import declarative_base\nBase = declarative_base()"),
    (
        "declarative-base",
        "from sqlalchemy.ext.declarative import declarative_base as make\nBase = make()",
    ),
    ("declarative-base", "import sqlalchemy as sa\nBase = sa.orm.declarative_base()"),
    (
        "column-attribute",
        """
        from sqlalchemy import Column, Integer
        class User(Base):
            __tablename__ = "user_account"
            id = Column(Integer, primary_key=True)
        """,
    ),
    (
        "column-attribute",
        """
        import sqlalchemy as sa
        class User(Base):
            name: Mapped[str] = sa.Column(sa.String(50))
        """,
    ),
    (
        "backref",
        """
        from sqlalchemy.orm import relationship
        class User(Base):
            posts = relationship("Post", backref="author")
        """,
    ),
    (
        "backref",
        """
        from sqlalchemy.orm import backref, relationship as rel
        class Post(Base):
            author = rel("User", backref=backref("posts", cascade="all"))
        """,
    ),
    (
        "lazy-dynamic",
        """
        from sqlalchemy import orm
        class User(Base):
            posts: Mapped[list["Post"]] = orm.relationship(lazy="dynamic")
        """,
    ),
    ("select-list", "from sqlalchemy import select\nstmt = select([user_table.c.id])"),
]


@pytest.mark.parametrize(("rule", "source"), POSITIVE)
def test_each_legacy_api_is_found(rule, source):
    assert rules(source) == [rule], f"scan() of {source!r} found {rules(source)}; expected {rule}"


def test_every_rule_has_a_positive_case():
    assert {rule for rule, _ in POSITIVE} == {rule.name for rule in NUDGES}


NEGATIVE = {
    "`query` as a variable name": """
        from sqlalchemy import select
        def run(session):
            query = select(User).where(User.name == "ann")
            return session.scalars(query).all()
    """,
    "a function named query": """
        def query(model):
            return model
        users = query(User)
    """,
    "session.query in a comment and in strings": '''
        def names(session):
            """Not session.query(User).all(): a select()."""
            # session.query(User).get(5) is the 1.x way
            hint = "session.query(User)"
            return session.scalars(select(User.name)).all()
    ''',
    "Column inside Table() (Core)": """
        from sqlalchemy import Column, Integer, MetaData, Table
        metadata = MetaData()
        user_table = Table("user_account", metadata, Column("id", Integer, primary_key=True))
    """,
    "Column in a function, not a class body": """
        from sqlalchemy import Column, Integer
        def make_column():
            column = Column("id", Integer)
            return column
    """,
    "2.0 models": """
        from sqlalchemy import ForeignKey
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
        class Base(DeclarativeBase):
            pass
        class User(Base):
            __tablename__ = "user_account"
            id: Mapped[int] = mapped_column(primary_key=True)
            posts: Mapped[list["Post"]] = relationship(back_populates="author", lazy="selectin")
    """,
    "select() with columns as arguments": """
        from sqlalchemy import select
        stmt = select(user_table.c.id, user_table.c.name)
        also = select(*[user_table.c.id])
    """,
    "select and declarative_base that are not SQLAlchemy's": """
        from myproject.helpers import declarative_base, select
        Base = declarative_base()
        rows = select([1, 2])
        other = db.select([1])
    """,
    "session.get and a dict's get": """
        user = session.get(User, 5)
        value = options.get("query")
    """,
    "a file that does not parse": "def broken(:\n    session.query(User)\n",
}


@pytest.mark.parametrize("source", NEGATIVE.values(), ids=NEGATIVE.keys())
def test_2_0_code_and_lookalikes_are_not_nudged(source):
    assert rules(source) == [], f"scan() of {source!r} found {rules(source)}; expected none"


def test_query_get_is_one_nudge_not_two():
    assert rules("user = session.query(User).get(5)\nothers = session.query(User).all()") == [
        "query-get",
        "session-query",
    ]


def test_nudges_are_one_per_api_with_every_place_and_the_code_as_written():
    texts = {
        "main.py": "a = session.query(User)\nb = session.query(Post).all()\n",
        "db.py": "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n",
        "more.py": "c = db.query(Tag)\n",
    }
    nudges = nudges_in(texts, "katas/p1_demo/k02_app")
    assert [n.rule for n in nudges] == ["session-query", "declarative-base"], "in NUDGES order"
    query = nudges[0]
    assert query.found == "session.query(User)"
    assert query.where == (
        "katas/p1_demo/k02_app/main.py:1",
        "katas/p1_demo/k02_app/main.py:2",
        "katas/p1_demo/k02_app/more.py:1",
    )
    assert "select(" in query.advice
    long = nudges_in({"m.py": f"x = session.query({' + '.join(['User.name'] * 20)})"})[0]
    assert len(long.found) <= 60 and long.found.endswith("…"), long.found


def test_every_advice_names_the_2_0_form_on_one_line():
    for rule in NUDGES:
        assert "\n" not in rule.advice and len(rule.advice) < 240, rule.name
    forms = {
        "query-get": "session.get(",
        "session-query": "session.scalars(select(",
        "declarative-base": "DeclarativeBase",
        "column-attribute": "mapped_column(",
        "backref": "back_populates",
        "lazy-dynamic": "WriteOnlyMapped",
        "select-list": "select(user_table.c.id, user_table.c.name)",
    }
    for rule in NUDGES:
        assert forms[rule.name] in rule.advice, (rule.name, rule.advice)


# --- Removed APIs, explained from the exception they raise ---------------------------------------


@pytest.fixture(scope="module")
def engine():
    engine = create_engine("sqlite://")
    users = Table("user_account", MetaData(), Column("id", Integer), Column("name", String))
    users.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _first_row(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 AS id, 'ann' AS name")).first()


def _in_connection(engine, action: Callable) -> None:
    with engine.connect() as conn:
        action(conn)


USERS = Table("user_account", MetaData(), Column("id", Integer), Column("name", String))

REMOVED_CASES = {
    "Engine.execute": (lambda e: e.execute(text("SELECT 1")), "engine.connect()"),
    "AsyncEngine.execute": (
        lambda e: create_async_engine("sqlite+aiosqlite://").execute(text("SELECT 1")),
        "async with engine.connect() as conn:",
    ),
    "Engine.has_table": (lambda e: e.has_table("user_account"), "inspect(engine).has_table"),
    "a statement that runs itself": (lambda e: select(USERS).execute(), "conn.execute(stmt)"),
    "a string to Connection.execute": (
        lambda e: _in_connection(e, lambda c: c.execute("SELECT 1")),
        "text(",
    ),
    "a string to Session.execute": (lambda e: Session(e).execute("SELECT 1"), "text("),
    "parameters as keywords": (
        lambda e: _in_connection(e, lambda c: c.execute(text("SELECT :x"), x=1)),
        '{"name": name}',
    ),
    "a string key on a Row": (lambda e: _first_row(e)["name"], 'row._mapping["name"]'),
    "Row.keys()": (lambda e: _first_row(e).keys(), "row._mapping.keys()"),
    "select() of a list": (lambda e: select([USERS.c.id, USERS.c.name]), "select(user_table.c.id"),
    "bound MetaData": (lambda e: MetaData(bind=e), "metadata.create_all(engine)"),
    "autoload=True": (
        lambda e: Table("user_account", MetaData(), autoload=True, autoload_with=e),
        "autoload_with=engine",
    ),
    "Session(autocommit=True)": (lambda e: Session(e, autocommit=True), "session.begin()"),
    "AsyncSession.query": (
        lambda e: AsyncSession(create_async_engine("sqlite+aiosqlite://")).query(object),
        "await session.scalars(select(",
    ),
    "joinedload of a collection without unique()": (
        lambda e: _joined_collection_without_unique(),
        "session.scalars(stmt).unique().all()",
    ),
}


def _raised(action: Callable, engine) -> BaseException:
    try:
        action(engine)
    except Exception as exc:
        return exc
    raise AssertionError(f"{action} raised nothing: SQLAlchemy has brought the API back")


@pytest.mark.parametrize(("action", "form"), REMOVED_CASES.values(), ids=REMOVED_CASES.keys())
def test_a_removed_api_is_explained_with_its_2_0_form(engine, action, form):
    exc = _raised(action, engine)
    advice = explain(exc)
    assert advice and form in advice, f"explain({exc!r}) gave {advice!r}; expected {form!r}"


def test_every_removed_api_entry_is_exercised(engine):
    explained = {explain(_raised(action, engine)) for action, _ in REMOVED_CASES.values()}
    assert explained >= {entry.advice for entry in REMOVED}


def test_other_errors_get_no_paragraph():
    def index_a_plain_tuple():
        row: tuple = ("ann",)
        return row["name"]  # a TypeError with the same words as a Row's, raised outside it

    for action in (index_a_plain_tuple, lambda: {}["x"], lambda: object().execute()):
        try:
            action()
        except Exception as exc:
            assert explain(exc) is None, f"explain({exc!r}) gave {explain(exc)!r}; expected None"


# --- Async pitfalls: IO where nothing awaits it, explained from the exception --------------------


class _Base(DeclarativeBase):  # no AsyncAttrs: awaitable_attrs is missing on purpose
    pass


class _Author(_Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    books: Mapped[list[_Book]] = relationship(back_populates="author")


class _Book(_Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[_Author] = relationship(back_populates="books", lazy="raise")


def _joined_collection_without_unique() -> None:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(_Author(name="ann", books=[_Book(), _Book()]))
        session.commit()
        session.scalars(select(_Author).options(joinedload(_Author.books))).all()


async def _in_async_session(read: Callable, expire_on_commit: bool = False) -> BaseException:
    """The exception `read(session, author)` raises on an author just loaded (or committed)."""
    engine = create_async_engine("sqlite+aiosqlite://")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_Base.metadata.create_all)
        maker = async_sessionmaker(engine, expire_on_commit=expire_on_commit)
        async with maker() as session:
            session.add(_Author(name="ann", books=[_Book()]))
            await session.commit()
        async with maker() as session:
            author = await session.get(_Author, 1)
            if expire_on_commit:
                await session.commit()
            try:
                result = read(session, author)
                if asyncio.iscoroutine(result):
                    await result
            except Exception as exc:
                return exc
    finally:
        await engine.dispose()
    raise AssertionError(f"{read} raised nothing")


def _sync_engine_on_an_async_driver() -> BaseException:
    with warnings.catch_warnings():  # the driver's coroutine, never awaited, warns
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            with create_engine("sqlite+aiosqlite://").connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            return exc
    raise AssertionError("a sync engine on aiosqlite worked")


def _lazy_load() -> BaseException:
    return asyncio.run(_in_async_session(lambda session, author: author.books))


def _expired_after_commit() -> BaseException:
    return asyncio.run(_in_async_session(lambda s, author: author.name, expire_on_commit=True))


def _lazy_raise() -> BaseException:
    async def book_author(session: AsyncSession, author: _Author) -> None:
        book = (await session.scalars(select(_Book))).one()
        book.author  # noqa: B018 - the read is the point

    return asyncio.run(_in_async_session(book_author))


def _no_async_attrs() -> BaseException:
    return asyncio.run(_in_async_session(lambda session, author: author.awaitable_attrs.books))


ASYNC_CASES = {
    "a lazy relationship read in an AsyncSession": (_lazy_load, ASYNC[0], "StatementError"),
    "a column expired by commit": (_expired_after_commit, ASYNC[0], "StatementError"),
    "a sync Engine on an async driver": (_sync_engine_on_an_async_driver, ASYNC[1], None),
    "lazy='raise'": (_lazy_raise, ASYNC[2], "InvalidRequestError"),
    "awaitable_attrs without AsyncAttrs": (_no_async_attrs, ASYNC[3], "AttributeError"),
}


# The failed IO leaves the driver's coroutine unawaited; it warns when collected.
@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
@pytest.mark.parametrize(("make", "entry", "raised"), ASYNC_CASES.values(), ids=ASYNC_CASES)
def test_an_async_pitfall_is_explained(make, entry, raised):
    exc = make()
    if raised:
        assert type(exc).__name__ == raised, f"{exc!r}: SQLAlchemy raises something else now"
    assert explain(exc) == entry.advice, f"explain({exc!r}) gave {explain(exc)!r}"
    assert label(entry.advice) == "async"
    del exc
    gc.collect()  # here, under the filter, not in a later test


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
def test_missing_greenlet_says_why_and_what_to_do():
    """The paragraph a learner reads after a lazy load in async code names the error, says why
    it happens and what to write instead."""
    advice = explain(_lazy_load())
    assert advice is not None
    for words in (
        "MissingGreenlet",
        "an attribute access cannot be awaited",
        "selectinload(",
        "awaitable_attrs",
        "expire_on_commit=False",
    ):
        assert words in advice, f"{words!r} missing from: {advice}"
    assert "\n" not in advice, "one paragraph: the renderer indents a single line"
    gc.collect()


def test_every_async_entry_is_exercised_and_removed_apis_keep_their_label():
    assert {entry.advice for _, entry, _ in ASYNC_CASES.values()} == {e.advice for e in ASYNC}
    assert {label(entry.advice) for entry in REMOVED} == {"2.0"}


# --- Through the CLI, on a workbook of the tests' own -------------------------------------------

MODELS = '''
    """Kata 1.{number} — {title}.

    Build: 1. {task}
    """

    from sqlalchemy import String, select, text
    from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


    class Base(DeclarativeBase):
        pass


    class User(Base):
        __tablename__ = "user_account"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(50))
'''

NAMES = MODELS.format(number=1, title="Names", task="`names(session)`: every name, in order.")
NAMES_SOLUTION = (
    NAMES
    + """

    def names(session: Session) -> list[str]:
        # BEGIN SOLUTION select the names in order
        return list(session.scalars(select(User.name).order_by(User.name)))
        # END SOLUTION
"""
)
NAMES_LEARNER = (
    NAMES
    + """

    def names(session: Session) -> list[str]:
        # session.query(User) would be the 1.x way; this comment is never nudged
        query = session.query(User).order_by(User.name)
        return [user.name for user in query]
"""
)
NAMES_CHECKS = """
    def test_names(kata, engine, session):
        \"\"\"names() lists every name in order.\"\"\"
        kata.Base.metadata.create_all(engine)
        session.add_all([kata.User(name="bob"), kata.User(name="ann")])
        session.commit()
        got = kata.names(session)
        assert got == ["ann", "bob"], f"names(session) returned {got!r}; expected ['ann', 'bob']."
"""

ROWS = MODELS.format(number=2, title="Rows", task="`count(engine)` and `first_name(engine)`.")
ROWS_SOLUTION = (
    ROWS
    + """

    def count(engine) -> int:
        # BEGIN SOLUTION count the users on a connection
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM user_account")).scalar_one()
        # END SOLUTION


    def first_name(engine) -> str:
        # BEGIN SOLUTION read the name of the first row
        with engine.connect() as conn:
            return conn.execute(text("SELECT name FROM user_account ORDER BY id")).first().name
        # END SOLUTION
"""
)
ROWS_LEARNER = (
    ROWS
    + """

    def count(engine) -> int:
        return engine.execute("SELECT count(*) FROM user_account").scalar()


    def first_name(engine) -> str:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT name FROM user_account ORDER BY id")).first()
            return row["name"]
"""
)
ROWS_CHECKS = """
    def _seed(kata, engine):
        kata.Base.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(kata.User.__table__.insert(), [{"name": "ann"}, {"name": "bob"}])


    def test_count(kata, engine):
        \"\"\"count() counts the users.\"\"\"
        _seed(kata, engine)
        got = kata.count(engine)
        assert got == 2, f"count(engine) returned {got!r}; expected 2."


    def test_first_name(kata, engine):
        \"\"\"first_name() reads the first row's name.\"\"\"
        _seed(kata, engine)
        got = kata.first_name(engine)
        assert got == "ann", f"first_name(engine) returned {got!r}; expected 'ann'."
"""

BROKEN = MODELS.format(number=3, title="Statement", task="`STATEMENT` selects the names.")
BROKEN_SOLUTION = (
    BROKEN
    + """
    # BEGIN SOLUTION select User.name
    # STUB: STATEMENT = None
    STATEMENT = select(User.name)
    # END SOLUTION
"""
)
BROKEN_LEARNER = BROKEN + "\n    STATEMENT = select([User.name])\n"
BROKEN_CHECKS = """
    def test_statement(kata):
        \"\"\"STATEMENT selects the names.\"\"\"
        got = str(kata.STATEMENT)
        assert "user_account.name" in got, f"STATEMENT is {got!r}; expected a select of names."
"""


@pytest.fixture
def legacy_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Kata 1.1 solved with session.query (it passes), 1.2 with APIs 2.0 removed (it fails),
    1.3 with select([...]) at import (it is broken)."""
    katas = [
        KataSpec(1, "names", {"k01_names.py": NAMES_SOLUTION}, NAMES_CHECKS),
        KataSpec(2, "rows", {"k02_rows.py": ROWS_SOLUTION}, ROWS_CHECKS),
        KataSpec(3, "statement", {"k03_statement.py": BROKEN_SOLUTION}, BROKEN_CHECKS),
    ]
    katas[0].stubs = {"k01_names.py": NAMES_LEARNER}
    katas[1].stubs = {"k02_rows.py": ROWS_LEARNER}
    katas[2].stubs = {"k03_statement.py": BROKEN_LEARNER}
    root = write_workbook(tmp_path / "legacy", katas)
    monkeypatch.setenv("CHECKER_ROOT", str(root))
    monkeypatch.chdir(root)
    return root


def line_of(text: str, code: str) -> int:
    """The line of `code` in a file the factory writes (dedented, leading newline dropped)."""
    lines = textwrap.dedent(text).lstrip("\n").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if code in line)


def _db() -> list[str]:
    return ["--db", "postgres", "--db-url", url] if (url := postgres_url()) else []


def test_a_passing_kata_is_nudged_in_text_and_json(legacy_book, cli):
    result = cli("kata", "1.1", *_db())
    assert result.code == 0, result
    assert "Kata 1.1 passes" in result.out
    nudge = [line for line in result.out.splitlines() if "2.0 STYLE" in line]
    assert len(nudge) == 1, result.out
    where = f"katas/p1_demo/k01_names.py:{line_of(NAMES_LEARNER, 'query = session.query')}"
    assert f"{where}: session.query(User) — " in nudge[0], nudge
    assert "session.scalars(select(" in nudge[0]
    data = json.loads(cli("kata", "1.1", "--json", *_db()).out)
    validate_output(data, "run")
    assert data["katas"][0]["nudges"] == [
        {
            "rule": "session-query",
            "found": "session.query(User)",
            "where": [where],
            "advice": next(rule.advice for rule in NUDGES if rule.name == "session-query"),
        }
    ]


def test_a_removed_api_that_fails_a_check_is_explained(legacy_book, cli):
    result = cli("kata", "1.2", *_db())
    assert result.code == 1, result
    assert "Your code raised AttributeError: 'Engine' object has no attribute 'execute'" in (
        result.out
    )
    assert "2.0: SQLAlchemy 2.0 removed Engine.execute()" in result.out, result.out
    assert '2.0: A Row is a named tuple since SQLAlchemy 2.0, so row["name"]' in result.out
    data = json.loads(cli("kata", "1.2", "--json", *_db()).out)
    validate_output(data, "run")
    checks = {check["name"]: check for check in data["katas"][0]["checks"]}
    assert "engine.connect()" in checks["test_count"]["advice"]
    assert 'row._mapping["name"]' in checks["test_first_name"]["advice"]
    assert data["katas"][0]["nudges"] == [], "nothing legacy that still works"


def test_a_removed_api_at_import_is_explained_under_the_import_error(legacy_book, cli):
    result = cli("kata", "1.3", *_db())
    assert result.code == 1, result
    line = line_of(BROKEN_LEARNER, "STATEMENT =")
    assert f"katas/p1_demo/k03_statement.py:{line}: ArgumentError" in result.out, result.out
    assert "select() takes its columns as separate arguments" in result.out


def test_a_phase_names_the_kata_of_each_nudge(legacy_book, cli):
    result = cli("phase", "1", *_db())
    assert result.code == 1, result
    line = line_of(NAMES_LEARNER, "query = session.query")
    assert f"2.0 STYLE kata 1.1 katas/p1_demo/k01_names.py:{line}: session.query(" in result.out
    assert result.out.count("2.0 STYLE") == 2, "1.1's session.query and 1.3's select([...])"


MUTANTS = """
    [[kata.mutants]]
    name = "unordered"
    find = ".order_by(User.name)"
    replace = ""

    [[kata.mutants]]
    name = "reversed"
    find = ".order_by(User.name)"
    replace = ".order_by(User.name.desc())"
"""


def test_solutions_stubs_and_checks_must_be_2_0_style(tmp_path, monkeypatch, cli):
    """`verify --static` finds a legacy API in a solution, in a `# STUB:` line (a comment in the
    solution, code in the stub) and in the checks."""
    spec = KataSpec(1, "names", {"k01_names.py": NAMES_SOLUTION}, NAMES_CHECKS, extra=MUTANTS)
    root = write_workbook(tmp_path / "static", [spec])
    monkeypatch.setenv("CHECKER_ROOT", str(root))
    monkeypatch.chdir(root)
    assert cli("stubs").code == 0
    assert cli("verify", "--static").code == 0, "the 2.0 solution and checks are clean"
    solution = root / "solutions/p1_demo/k01_names.py"
    solution.write_text(
        solution.read_text().replace(
            "# BEGIN SOLUTION select the names in order",
            "# BEGIN SOLUTION select the names in order\n        # STUB: session.query(User)",
        )
        + "\nfrom sqlalchemy.orm import relationship\nUser.posts = relationship('Post', "
        "backref='author')\n"
    )
    checks = root / "phases/p1_demo/test_k01_names.py"
    checks.write_text(checks.read_text() + "\n\ndef _old(session):\n    return session.query(1)\n")
    assert cli("stubs").code == 0
    result = cli("verify", "--static", "--json")
    data = json.loads(result.out)
    validate_output(data, "verify")
    assert result.code == 1, result
    problems = data["katas"][0]["problems"]
    expected = [
        ("solutions/p1_demo/k01_names.py:", "relationship('Post', backref='author')"),
        ("katas/p1_demo/k01_names.py:", "session.query(User)"),
        ("phases/p1_demo/test_k01_names.py:", "session.query(1)"),
    ]
    for where, found in expected:
        assert any(p.startswith(where) and f"`{found}` is 1.x style" in p for p in problems), (
            f"no problem at {where} for {found}: {problems}"
        )
    assert len(problems) == 3, problems


def test_watch_mode_shows_the_nudge(legacy_book, capsys):
    from checker.cli import render
    from checker.cli.commands.watch import WatchSession
    from checker.cli.databases import DatabaseTarget
    from checker.cli.runner.launch import subprocess_launch
    from checker.workbook.catalog import load_catalog

    catalog = load_catalog(legacy_book)
    target = (
        DatabaseTarget("postgres", url) if (url := postgres_url()) else DatabaseTarget("sqlite")
    )
    session = WatchSession(catalog, catalog.kata("1.1"), target, 5.0, subprocess_launch)
    result = session.run()
    assert result.status == "passed" and [n.rule for n in result.nudges] == ["session-query"]
    render.render_watch(result, catalog.kata("1.1"), legacy_book, 0, None)
    out = capsys.readouterr().out
    assert "2.0 STYLE katas/p1_demo/k01_names.py:" in out and "session.scalars(select(" in out
