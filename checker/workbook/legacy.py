"""SQLAlchemy 1.x APIs in a learner's code, and the 2.0 form to write instead. Two tables:

- `NUDGES`: legacy APIs that still work in 2.x (`session.query`, `declarative_base()`,
  `backref=`, `lazy="dynamic"`, `Column()` in a mapped class), so no check fails and no warning
  shows. `scan()` finds them in the source with `ast` — never in comments or strings — and the CLI
  shows one line per API when the learner grades a kata, whether its checks pass or not.
  (`select([...])` is here too: it parses, so the line can point at it, though it fails.)
- `REMOVED`: APIs that 2.0 removed, recognised by the exception they raise; `explain()` gives
  the paragraph the learner reads under the failed check (or the import error).
- `ASYNC`: errors of async code whose message hides the cause (`MissingGreenlet`: IO where
  nothing can await it), recognised and explained the same way; `label()` tells the two apart.

`checker verify --static` runs `scan()` on the solutions, their stubs and the checks: the
workbook itself is written in 2.0 style. Nothing here imports SQLAlchemy: the exceptions are
recognised by class name, so this runs in the CLI's process as well as the grader's.
"""

from __future__ import annotations

import ast
import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from checker.results import Nudge

# --- Legacy APIs that still work: found in the source -------------------------------------------


class _Source:
    """What a rule needs to know about the file: where each node sits, and which local names
    are SQLAlchemy's (`from sqlalchemy.orm import relationship as rel`, `import sqlalchemy as sa`).
    """

    def __init__(self, tree: ast.Module) -> None:
        self.parents: dict[ast.AST, ast.AST] = {
            child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)
        }
        self.names: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "sqlalchemy":
                        local = alias.asname or alias.name.split(".")[0]
                        self.names[local] = alias.name if alias.asname else "sqlalchemy"
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                if node.module.split(".")[0] == "sqlalchemy":
                    for alias in node.names:
                        self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def qualified(self, node: ast.AST) -> str | None:
        """`sqlalchemy.orm.relationship` for `rel` or `sa.orm.relationship`; None when the name
        is not SQLAlchemy's (a local function that happens to be called `select`)."""
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def calls(self, node: ast.AST, name: str) -> bool:
        """Whether `node` is a call of SQLAlchemy's `name` (`relationship`, `select`, ...)."""
        if not isinstance(node, ast.Call):
            return False
        qualified = self.qualified(node.func)
        return qualified is not None and qualified.rsplit(".", 1)[-1] == name


def _method_call(node: ast.AST, method: str) -> ast.expr | None:
    """The receiver, when `node` is a call `<receiver>.method(<at least one argument>)`."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and node.args
    ):
        return node.func.value
    return None


def _query_get(node: ast.AST, source: _Source) -> bool:
    receiver = _method_call(node, "get")
    return receiver is not None and _method_call(receiver, "query") is not None


def _query(node: ast.AST, source: _Source) -> bool:
    receiver = _method_call(node, "query")
    if receiver is None or source.qualified(receiver) is not None:  # a SQLAlchemy module's
        return False
    # `session.query(User).get(5)` is the Query.get rule's: one nudge per call site.
    attribute = source.parents.get(node)
    call = source.parents.get(attribute) if attribute is not None else None
    return call is None or not _query_get(call, source)


def _relationship_keyword(node: ast.AST, source: _Source, name: str) -> ast.expr | None:
    """The value of keyword `name` in a call of SQLAlchemy's relationship()."""
    if not isinstance(node, ast.Call) or not source.calls(node, "relationship"):
        return None
    return next((k.value for k in node.keywords if k.arg == name), None)


def _backref(node: ast.AST, source: _Source) -> bool:
    return _relationship_keyword(node, source, "backref") is not None


def _dynamic(node: ast.AST, source: _Source) -> bool:
    lazy = _relationship_keyword(node, source, "lazy")
    return isinstance(lazy, ast.Constant) and lazy.value == "dynamic"


def _declarative_base(node: ast.AST, source: _Source) -> bool:
    return source.calls(node, "declarative_base")


def _column_attribute(node: ast.AST, source: _Source) -> bool:
    """`name = Column(...)` in a class body: a mapped class (or a mixin for one). A Column
    inside Table(...) is Core, and 2.0 style."""
    if not source.calls(node, "Column"):
        return False
    statement = source.parents.get(node)
    if not isinstance(statement, ast.Assign | ast.AnnAssign) or statement.value is not node:
        return False
    return isinstance(source.parents.get(statement), ast.ClassDef)


def _select_list(node: ast.AST, source: _Source) -> bool:
    return (
        isinstance(node, ast.Call)
        and source.calls(node, "select")
        and bool(node.args)
        and isinstance(node.args[0], ast.List)
    )


@dataclass(frozen=True)
class Rule:
    name: str  # short and stable: it is in the --json output
    advice: str  # one line: the 2.0 form, and why
    matches: Callable[[ast.AST, _Source], bool]


NUDGES: tuple[Rule, ...] = (
    Rule(
        "query-get",
        "Query.get() is legacy: write session.get(User, user_id), which looks in the identity "
        "map before it sends a query.",
        _query_get,
    ),
    Rule(
        "session-query",
        "session.query() is the legacy 1.x Query API: build a select() and run it, "
        "session.scalars(select(User).where(User.name == name)).all() "
        "(session.execute(stmt) for rows of several columns).",
        _query,
    ),
    Rule(
        "declarative-base",
        "declarative_base() is the 1.x form: write `class Base(DeclarativeBase): pass`, a real "
        "class type checkers understand, and map columns with Mapped[...] and mapped_column().",
        _declarative_base,
    ),
    Rule(
        "column-attribute",
        "Column() in a mapped class is the 1.x form: write `name: Mapped[str] = "
        "mapped_column(String(50))`; the annotation gives the Python type and nullability "
        "(`Mapped[str | None]` is nullable).",
        _column_attribute,
    ),
    Rule(
        "backref",
        "backref= is legacy: declare both sides, each `relationship(back_populates=...)` with a "
        "Mapped[...] annotation, so both attributes are in the code and type checkers see them.",
        _backref,
    ),
    Rule(
        "lazy-dynamic",
        'lazy="dynamic" is legacy (it hands back a Query): for a collection too big to load, '
        "annotate it WriteOnlyMapped[list[Post]] and read it with "
        "session.scalars(user.posts.select()); otherwise use a plain Mapped[list[Post]].",
        _dynamic,
    ),
    Rule(
        "select-list",
        "select([...]) is the 1.x form and fails in 2.0: pass the columns as separate arguments, "
        "select(user_table.c.id, user_table.c.name), or select(*columns).",
        _select_list,
    ),
)


@dataclass(frozen=True)
class Hit:
    rule: Rule
    line: int
    found: str  # the code, shortened to one line


def _shown(source_text: str, node: ast.AST, limit: int = 60) -> str:
    text = ast.get_source_segment(source_text, node) or ast.unparse(node)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scan(source_text: str) -> list[Hit]:
    """Every use of a legacy API in `source_text`, in file order; a file that does not parse has
    none (the grader reports its syntax error)."""
    try:
        tree = ast.parse(source_text)
    except SyntaxError:
        return []
    source = _Source(tree)
    hits = []
    for node in ast.walk(tree):
        for rule in NUDGES:
            if rule.matches(node, source):
                line = getattr(node, "lineno", 0)
                hits.append(Hit(rule, line, _shown(source_text, node)))
                break
    return sorted(hits, key=lambda hit: hit.line)


# --- Removed APIs: recognised by the exception they raise ---------------------------------------


@dataclass(frozen=True)
class Removed:
    exception: str  # the class name (or a base class's) of the exception raised
    message: str  # a regular expression searched in str(exception)
    advice: str  # a short paragraph: what was removed, why, and the 2.0 form
    raised_in: str | None = None  # a regular expression the innermost frame's file must match
    passed_through: str | None = None  # a regular expression some frame's file must match


_TEXT = (
    "SQLAlchemy 2.0 runs statement objects, not plain strings: wrap the SQL in text() and pass "
    'values as bound parameters, conn.execute(text("SELECT * FROM user_account WHERE name = '
    ':name"), {"name": name}). The driver then sends the values apart from the SQL, so quotes in '
    "them cannot change the statement."
)

REMOVED: tuple[Removed, ...] = (
    Removed(
        "AttributeError",
        r"'(Async)?Engine' object has no attribute '(has_table|table_names)'",
        "SQLAlchemy 2.0 removed Engine.has_table() and Engine.table_names(): ask the inspector, "
        'inspect(engine).has_table("user_account") and inspect(engine).get_table_names().',
    ),
    Removed(
        "AttributeError",
        r"'Engine' object has no attribute '(execute|scalar)'",
        'SQLAlchemy 2.0 removed Engine.execute() ("connectionless" execution): statements run '
        "on a connection you open, so where the transaction begins and ends is in your code. "
        "Write `with engine.connect() as conn:` then conn.execute(stmt) and conn.commit(), or "
        "`with engine.begin() as conn:` to commit when the block ends.",
    ),
    Removed(
        "AttributeError",
        r"'AsyncEngine' object has no attribute '(execute|scalar)'",
        "An AsyncEngine runs nothing itself (SQLAlchemy 2.0 removed Engine.execute()): open a "
        "connection, `async with engine.connect() as conn:` then await conn.execute(stmt) and "
        "await conn.commit(), or `async with engine.begin() as conn:` to commit when the block "
        "ends.",
    ),
    Removed(
        "AttributeError",
        r"'(Select|Insert|Update|Delete|TextClause|Table|\w+Select)' object has no attribute "
        r"'(execute|scalar)'",
        "SQLAlchemy 2.0 removed implicit execution: a statement no longer runs itself (and "
        "MetaData is no longer bound to an engine). Pass it to a connection or a session: "
        "conn.execute(stmt), session.execute(stmt), session.scalars(stmt).",
    ),
    Removed(
        "AttributeError",
        r"'AsyncSession' object has no attribute 'query'",
        "AsyncSession has no query(): the legacy Query API was never made async. Build a "
        "select() and await it: await session.scalars(select(User).where(...)), or "
        "await session.get(User, user_id).",
    ),
    Removed("ObjectNotExecutableError", r"Not an executable object: '", _TEXT),
    Removed("ArgumentError", r"Textual SQL expression .* should be explicitly declared", _TEXT),
    Removed(
        "TypeError",
        r"\bexecute\(\) got an unexpected keyword argument",
        "Since SQLAlchemy 2.0, parameters go in one dictionary (a list of them for many rows), "
        'not as keyword arguments: conn.execute(text("... WHERE name = :name"), {"name": name}).',
    ),
    Removed(
        "TypeError",
        r"indices must be integers or slices, not str",
        'A Row is a named tuple since SQLAlchemy 2.0, so row["name"] no longer works: write '
        'row.name, or row._mapping["name"] when the key is in a variable; result.mappings() gives '
        "dictionary-like rows.",
        raised_in=r"sqlalchemy[/\\]engine[/\\]\w*row",
    ),
    Removed(
        "AttributeError",
        r"Could not locate column in row for column '(keys|values|items|get|has_key)'",
        "A Row is a named tuple since SQLAlchemy 2.0, not a dictionary: its dictionary view is "
        "row._mapping (row._mapping.keys(), dict(row._mapping)) and its column names are "
        "row._fields; result.mappings() gives dictionary-like rows.",
    ),
    Removed(
        "ArgumentError",
        r"Column expression, FROM clause, or other columns clause element expected, got \[",
        "select() takes its columns as separate arguments since SQLAlchemy 2.0, not a list: "
        "select(user_table.c.id, user_table.c.name), or select(*columns) when they are in a list.",
    ),
    Removed(
        "TypeError",
        r"MetaData.__init__\(\) got an unexpected keyword argument 'bind'",
        "SQLAlchemy 2.0 removed bound MetaData: create MetaData() and pass the engine where it is "
        "used, metadata.create_all(engine), conn.execute(stmt).",
    ),
    Removed(
        "TypeError",
        r"got 'autoload'",
        "SQLAlchemy 2.0 removed autoload=True: reflect a table with "
        'Table("user_account", metadata, autoload_with=engine).',
    ),
    Removed(
        "ArgumentError",
        r"autocommit=True is no longer supported",
        "SQLAlchemy 2.0 removed Session(autocommit=True): a Session always works in a "
        "transaction. Call session.commit(), or frame the work in "
        "`with Session(engine) as session, session.begin():`, which commits when the block ends "
        "and rolls back on an exception.",
    ),
    Removed(
        "InvalidRequestError",
        r"The unique\(\) method must be invoked on this Result",
        "joinedload() of a collection repeats each parent row once per child, and since "
        "SQLAlchemy 2.0 the result no longer drops the repeats for you (the 1.x Query did): call "
        ".unique() before taking the objects, session.scalars(stmt).unique().all(), or load the "
        "collection with selectinload(), which needs no unique().",
    ),
)

# --- Async code: errors whose message hides the cause -------------------------------------------

# An attribute read reaches the database through the ORM's attribute machinery: a lazy
# relationship (orm/strategies.py) or an expired column (orm/loading.py), both under
# orm/attributes.py. A sync Engine on an async driver fails without passing there.
_ATTRIBUTE_ACCESS = r"sqlalchemy[/\\]orm[/\\]attributes\.py"

ASYNC: tuple[Removed, ...] = (
    Removed(
        "SQLAlchemyError",  # MissingGreenlet itself, or the StatementError that wraps it
        r"greenlet_spawn has not been called",
        "MissingGreenlet: reading an attribute needed the database, a relationship nobody loaded "
        "or a column that commit() expired, so SQLAlchemy tried to send a SELECT from inside the "
        "attribute access. Under asyncio every IO must be awaited, and an attribute access "
        "cannot be awaited, so the load fails instead. Load what you will read in the awaited "
        "query that loads the object: select(Post).options(selectinload(Post.comments), "
        "joinedload(Post.author)), or session.get(Post, id, options=[...]). For an object "
        "already in hand: await obj.awaitable_attrs.comments (the base mixes in AsyncAttrs) or "
        "await session.refresh(obj, ['comments']). Make sessions with "
        "async_sessionmaker(engine, expire_on_commit=False) so that commit() expires nothing, "
        "and mark relationships lazy='raise' so that a forgotten load names itself.",
        passed_through=_ATTRIBUTE_ACCESS,
    ),
    Removed(
        "SQLAlchemyError",
        r"greenlet_spawn has not been called",
        "MissingGreenlet: sync SQLAlchemy code ran on an async driver (aiosqlite, asyncpg), so "
        "the driver's coroutine had nothing to await it. Make the engine with "
        "create_async_engine() and sessions with async_sessionmaker(), await their methods "
        "(await session.execute(stmt)), and run sync-only code such as metadata.create_all "
        "through await conn.run_sync(...).",
    ),
    Removed(
        "InvalidRequestError",
        r"is not available due to lazy='raise",
        "The relationship is declared lazy='raise' (or the query applied raiseload()), so "
        "reading it before it was loaded is refused rather than sending a SELECT behind your "
        "back, which async code could not await anyway (MissingGreenlet). Load it in the query "
        "that loads its parent: .options(selectinload(Post.comments)) for a collection, "
        "joinedload(Post.author) for a single object, chained for the next level: "
        "selectinload(Post.comments).joinedload(Comment.author).",
    ),
    Removed(
        "AttributeError",
        r"object has no attribute 'awaitable_attrs'",
        "awaitable_attrs comes from the AsyncAttrs mixin: declare the base as "
        "class Base(AsyncAttrs, DeclarativeBase), and `await obj.awaitable_attrs.posts` loads "
        "the attribute inside an await.",
    ),
)


def _files(exc: BaseException) -> list[str]:
    """The file of each frame of `exc`'s traceback, outermost first."""
    return [frame.f_code.co_filename for frame, _ in traceback.walk_tb(exc.__traceback__)]


def explain(exc: BaseException) -> str | None:
    """The paragraph for an exception raised by an API SQLAlchemy 2.0 removed, or by async code
    doing IO where nothing awaits it; None for any other exception."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    text = str(exc)
    for entry in (*REMOVED, *ASYNC):
        if entry.exception not in names or not re.search(entry.message, text):
            continue
        files = _files(exc)
        if entry.raised_in and not (files and re.search(entry.raised_in, files[-1])):
            continue
        if entry.passed_through and not any(re.search(entry.passed_through, f) for f in files):
            continue
        return entry.advice
    return None


def label(advice: str) -> str:
    """What a paragraph from explain() is about, for the line that shows it: "async" for an
    async pitfall, "2.0" for a removed API."""
    return "async" if any(advice == entry.advice for entry in ASYNC) else "2.0"


def nudges_in(texts: Mapping[str, str], tree_name: str = "") -> tuple[Nudge, ...]:
    """One nudge per legacy API used in `texts` (files by name relative to `tree_name`, as
    `KataFiles.read` gives them), in `NUDGES` order, each with every place it is used."""
    prefix = f"{tree_name}/" if tree_name else ""
    found: dict[str, list[tuple[str, Hit]]] = {}
    for name, text in texts.items():
        for hit in scan(text):
            found.setdefault(hit.rule.name, []).append((f"{prefix}{name}:{hit.line}", hit))
    return tuple(
        Nudge(rule.name, uses[0][1].found, tuple(where for where, _ in uses), rule.advice)
        for rule in NUDGES
        if (uses := found.get(rule.name))
    )
