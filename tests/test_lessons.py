"""Every ```python block of every lesson (phases/*/README.md) runs, and what it claims is checked.

The convention (phases/AUTHORING.md, "Lessons", says the same for authors):

- A README's ```python blocks run in order, in one shared namespace: a module of its own, like a
  notebook, so a block may use what an earlier block defined. A fresh module per README.
- They run on SQLite. A block makes its own engine (`sqlite://` in memory, or
  `sqlite+aiosqlite://`); the working directory is a temporary folder, so a file database
  (`sqlite:///blog.db`) lands there and is thrown away. The environment is restored afterwards.
- ```python postgres blocks show what only Postgres does. They run only when the suite runs on
  Postgres (CHECKER_DATABASE_URL set: the Postgres CI pass), in an empty schema of the README's
  own, reached through a login role made for the run as the grader makes one per check (session
  time zone Asia/Kathmandu) and dropped after. While such a block runs, the environment variable
  DATABASE_URL holds that role's URL (psycopg2; a block that needs asyncpg changes the driver).
  Plain blocks run in both passes and must not depend on postgres blocks.
- A block with top-level `await` runs as a coroutine on one event loop shared by all the README's
  blocks (an asyncio.Runner), as `python -m asyncio` or a Jupyter notebook runs it; so an async
  engine made in one block still works in the next. A block without `await` runs as plain code.
- A block never raises: a block that shows a mistake catches the exception and prints it.
  SQLAlchemy's warnings, and deprecation warnings caused by the lesson's own code, are errors too,
  so a block that shows a warning catches it (`warnings.catch_warnings(record=True)`).
- What a block says it returns or prints is checked: assert it in the block, or give it an
  ```output fence (after it, before the next ```python block) holding exactly what it prints
  (`...` stands for any text, as in doctest's ELLIPSIS; trailing spaces and blank lines at either
  end are ignored). Prose may stand between the two.
- Other fences (```sh, ```text, a bare ``` diagram) are not run.

A failing block fails its README's test with the README's path, the block's line number, the line
that raised, the exception, and what the block printed. Engines the namespace still holds at the
end are disposed. The blocks of one README must run in well under LIMIT_SECONDS.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import io
import itertools
import logging
import os
import re
import secrets
import sys
import time
import traceback
import types
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, exc, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from checker.plugin import pg_roles

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(ROOT.glob("phases/*/README.md"))

PYTHON, OUTPUT = "python", "output"
OPTIONS = {"postgres"}  # words allowed after `python` in a fence's info string
LIMIT_SECONDS = 10.0  # per README, all blocks together: a lesson's examples are small
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass
class Block:
    readme: Path
    line: int  # of the opening fence, 1-based
    language: str
    options: tuple[str, ...]
    source: str
    output: str | None = None  # the ```output fence right after it, if any

    @property
    def where(self) -> str:
        return f"{self.readme.relative_to(ROOT)}:{self.line}"

    @property
    def postgres(self) -> bool:
        return "postgres" in self.options


def fences(readme: Path) -> list[Block]:
    """Every fenced block of a Markdown file, with its info string and its content (dedented by
    the fence's own indentation, so a block inside a list item runs too)."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i].rstrip())
        if not opening:
            i += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        words = opening["info"].split()
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            closing = FENCE.match(lines[j].rstrip())
            if closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence):
                if not closing["info"].strip():
                    break
            line = lines[j]
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))) :])
            j += 1
        language = words[0] if words else ""
        source = "\n".join(body) + "\n"
        blocks.append(Block(readme, i + 1, language, tuple(words[1:]), source))
        i = j + 1
    return blocks


def python_blocks(readme: Path) -> list[Block]:
    """The README's ```python blocks, each with the ```output fence that follows it (before the
    next ```python block), if any."""
    blocks: list[Block] = []
    for block in fences(readme):
        if block.language == OUTPUT:
            if not blocks or blocks[-1].output is not None:
                raise AssertionError(
                    f"{block.where}: an ```output fence belongs to the ```python block before it, "
                    "and that block has none or already has its output"
                )
            blocks[-1].output = block.source
        elif block.language == PYTHON:
            unknown = set(block.options) - OPTIONS
            if unknown:
                raise AssertionError(
                    f"{block.where}: unknown option(s) {sorted(unknown)} after ```python "
                    f"(known: {sorted(OPTIONS)})"
                )
            blocks.append(block)
    return blocks


# --- printed output ---------------------------------------------------------------------------


class Switchboard(io.TextIOBase):
    """sys.stdout while a README runs: writes go to the current block's buffer. A stream handler
    made in one block (an engine's `echo=True`) keeps writing to whichever block is running."""

    def __init__(self) -> None:
        self.buffer_: io.StringIO = io.StringIO()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return self.buffer_.write(text)

    @contextlib.contextmanager
    def block(self) -> Iterator[io.StringIO]:
        self.buffer_ = io.StringIO()
        yield self.buffer_


def _normalized(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines()).strip("\n")


def output_matches(expected: str, got: str) -> bool:
    """`...` in the expected output stands for any text (several lines too)."""
    pattern = ".*?".join(re.escape(part) for part in _normalized(expected).split("..."))
    return re.fullmatch(pattern, _normalized(got), re.DOTALL) is not None


# --- Postgres: a role and schema per README ------------------------------------------------------


def _postgres_server() -> str | None:
    from tests.conftest import postgres_url

    return postgres_url()


_NUMBERS = itertools.count(1)
NAME_PREFIX = "lesson"


def _sweep(admin: Connection) -> None:
    """Drop the roles (and schemas) of this host's test runs that died before dropping them."""
    pattern = re.compile(rf"{NAME_PREFIX}_{pg_roles.host_tag()}_(\d+)_\d+")
    for name in admin.scalars(text("SELECT rolname FROM pg_roles")).all():
        match = pattern.fullmatch(name)
        if match and not pg_roles.pid_alive(int(match[1])):
            pg_roles.execute(admin, pg_roles.drop_role_sql(name))


@contextlib.contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """For one README: a login role owning a schema of the same name, set up as the grader sets
    up a check's (session zone Asia/Kathmandu among others), so the role's URL reaches an empty
    schema with any driver; dropped when the block ends."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"{NAME_PREFIX}_{pg_roles.host_tag()}_{os.getpid()}_{next(_NUMBERS)}"
    password = secrets.token_urlsafe(18)
    try:
        with admin.connect() as connection:
            superuser = connection.scalar(
                text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            )
            _sweep(connection)
            verifier = pg_roles.scram_verifier(password)
            pg_roles.execute(connection, pg_roles.create_role_sql(name, verifier, not superuser))
        try:
            url = make_url(server).set(username=name, password=password)
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                pg_roles.execute(connection, pg_roles.drop_role_sql(name))
    finally:
        admin.dispose()


# --- running a README ---------------------------------------------------------------------------


@dataclass
class Run:
    readme: Path
    module: types.ModuleType
    timings: list[tuple[Block, float]] = field(default_factory=list)
    runner: asyncio.Runner | None = None

    def run_block(self, block: Block, stdout: Switchboard) -> str:
        """Run one block in the README's namespace and return what it printed; fail the test,
        naming the block, if it raises or prints something other than its ```output fence."""
        padded = "\n" * block.line + block.source  # so tracebacks give the README's line numbers
        invalid = ""
        try:
            code = compile(
                padded,
                str(self.readme),
                "exec",
                flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                dont_inherit=True,
            )
        except SyntaxError as error:
            code, invalid = None, f"{block.where}: the ```python block is not valid Python: {error}"
        if code is None:
            pytest.fail(invalid, pytrace=False)
        started = time.perf_counter()
        failure = None
        with stdout.block() as printed, warnings.catch_warnings():
            warnings.simplefilter("error", exc.SAWarning)
            warnings.filterwarnings(
                "error", category=DeprecationWarning, module=re.escape(self.module.__name__)
            )
            try:
                if code.co_flags & inspect.CO_COROUTINE:
                    if self.runner is None:
                        self.runner = asyncio.Runner()
                    self.runner.run(eval(code, self.module.__dict__))
                else:
                    exec(code, self.module.__dict__)
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # SystemExit too: a block must not end the process
                failure = self._failure(block, error, printed.getvalue())
        if failure:  # outside the except clause, so the report is not chained to the error
            pytest.fail(failure, pytrace=False)
        self.timings.append((block, time.perf_counter() - started))
        if block.output is not None and not output_matches(block.output, printed.getvalue()):
            pytest.fail(
                f"{block.where}: the block printed\n{_indent(printed.getvalue())}\n"
                f"but its ```output fence says\n{_indent(block.output)}",
                pytrace=False,
            )
        return printed.getvalue()

    def _failure(self, block: Block, error: BaseException, printed: str) -> str:
        site = [
            frame
            for frame in traceback.extract_tb(error.__traceback__)
            if frame.filename == str(self.readme)
        ]
        at = f" at line {site[-1].lineno}: {site[-1].line}" if site else ""
        message = (
            f"{block.where}: the ```python block starting here raised{at}\n"
            f"{type(error).__module__}.{type(error).__qualname__}: {error}"
        )
        cause = error.__cause__ or error.__context__
        if cause is not None and str(cause) not in str(error):
            message += f"\n(from {type(cause).__qualname__}: {cause})"
        if printed.strip():
            message += f"\n--- what the block printed\n{_indent(printed)}"
        return message

    def close(self) -> None:
        """Dispose of the engines the lesson left in its namespace, then close its event loop."""
        for value in list(self.module.__dict__.values()):
            with contextlib.suppress(Exception):
                if isinstance(value, AsyncEngine):
                    if self.runner is not None:
                        self.runner.run(value.dispose())
                elif isinstance(value, Engine):
                    value.dispose()
        if self.runner is not None:
            self.runner.close()


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").splitlines()) or "    (nothing)"


def _loggers() -> list[logging.Logger]:
    named = logging.root.manager.loggerDict.values()
    return [logging.root] + [logger for logger in named if isinstance(logger, logging.Logger)]


@contextlib.contextmanager
def _logging_kept() -> Iterator[None]:
    """Undo what a lesson does to logging: `echo=True` adds a handler writing to the block's
    stdout, uvicorn configures its own loggers."""
    kept = {
        logger: (list(logger.handlers), logger.level, logger.propagate, logger.disabled)
        for logger in _loggers()
    }
    try:
        yield
    finally:
        for logger in _loggers():
            fresh = ([], logging.NOTSET, True, False)  # a logger the lesson created
            handlers, level, propagate, disabled = kept.get(logger, fresh)
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate, logger.disabled = propagate, disabled


@contextlib.contextmanager
def _isolated(tmp_path: Path, module: types.ModuleType) -> Iterator[Switchboard]:
    """The process as a learner's fresh interpreter would have it, restored afterwards: a
    temporary working directory, the environment, sys.path, the module registered (dataclasses and
    typing look classes' modules up there), stdout switched per block, logging as it was."""
    environ, path, cwd, stdout = dict(os.environ), list(sys.path), os.getcwd(), sys.stdout
    switchboard = Switchboard()
    sys.modules[module.__name__] = module
    os.chdir(tmp_path)
    sys.stdout = switchboard
    try:
        with _logging_kept():
            yield switchboard
    finally:
        sys.stdout = stdout
        os.chdir(cwd)
        sys.modules.pop(module.__name__, None)
        sys.path[:] = path
        os.environ.clear()
        os.environ.update(environ)


def run_lesson(readme: Path, tmp_path: Path, postgres_url: str | None) -> Run:
    """Run the README's blocks in order (its postgres blocks only when `postgres_url` is given)."""
    module = types.ModuleType(f"lesson_{readme.parent.name}")
    module.__file__ = str(readme)
    run = Run(readme, module)
    with _isolated(tmp_path, module) as stdout:
        try:
            for block in python_blocks(readme):
                if block.postgres and postgres_url is None:
                    continue
                if not block.postgres:
                    run.run_block(block, stdout)
                    continue
                before = os.environ.get("DATABASE_URL")
                os.environ["DATABASE_URL"] = str(postgres_url)
                try:
                    run.run_block(block, stdout)
                finally:  # the lesson's own DATABASE_URL, if it set one, comes back
                    if before is None:
                        os.environ.pop("DATABASE_URL", None)
                    else:
                        os.environ["DATABASE_URL"] = before
        finally:
            run.close()
    return run


# --- the tests ----------------------------------------------------------------------------------


def _lesson_id(readme: Path) -> str:
    return readme.parent.name


# A lesson showing MissingGreenlet leaves the driver's coroutine unawaited, by design.
@pytest.mark.filterwarnings("ignore:coroutine 'Connection.cursor' was never awaited")
@pytest.mark.parametrize("readme", LESSONS, ids=_lesson_id)
def test_lesson_blocks_run(readme: Path, tmp_path: Path) -> None:
    """The README's ```python blocks run in order in one namespace, on SQLite (and its postgres
    blocks on Postgres when the suite runs there), and print what their ```output fences say."""
    blocks = python_blocks(readme)
    server = _postgres_server()
    needs_postgres = server is not None and any(b.postgres for b in blocks)
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_database(server)) if needs_postgres and server else None
        started = time.perf_counter()
        run = run_lesson(readme, tmp_path, url)
        total = time.perf_counter() - started
    slowest = sorted(run.timings, key=lambda timing: -timing[1])[:3]
    assert total < LIMIT_SECONDS, (
        f"the blocks of {readme.relative_to(ROOT)} took {total:.1f} s together; a lesson's "
        f"examples should take well under {LIMIT_SECONDS:.0f} s. Slowest: "
        + ", ".join(f"{block.where} {seconds:.2f} s" for block, seconds in slowest)
    )


def test_every_lesson_has_python_blocks() -> None:
    """Each phase's lesson shows runnable code (so the test above checks something)."""
    for readme in LESSONS:
        assert python_blocks(readme), f"{readme.relative_to(ROOT)} has no ```python block"


# The project's learners never see where its material came from: no lesson, hint, message, kata,
# solution, check or grader output names the study notes it was written from.
SOURCE_NOTES = re.compile(r"seed[\s-]*notes?|seeds?[\s-]*0\d\d", re.IGNORECASE)
LEARNER_FACING = ("phases", "katas", "solutions", "checker", "README.md")


def test_learners_never_see_the_source_notes() -> None:
    """No file a learner reads or runs mentions the source notes by name or number."""
    found = []
    for top in LEARNER_FACING:
        path = ROOT / top
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" in file.parts or file.suffix not in {".md", ".py", ".toml", ".txt"}:
                continue
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if SOURCE_NOTES.search(line):
                    found.append(f"{file.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "learner-facing text names the source notes:\n" + "\n".join(found)


# --- the harness itself -------------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    readme = tmp_path / "README.md"
    readme.write_text(text, encoding="utf-8")
    return readme


def _run_alone(readme: Path, tmp_path: Path) -> Run:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return run_lesson(readme, work, None)


def test_blocks_share_a_namespace_and_await_runs_on_one_loop(tmp_path: Path, monkeypatch) -> None:
    """Blocks see earlier blocks' names; awaiting blocks share an event loop; indented fences run;
    ```python postgres blocks are left out without a Postgres database; the environment and the
    working directory come back as they were."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    readme = _write(
        tmp_path,
        "# Lesson\n\n```python\nimport asyncio, os\nx = 2\nos.environ['LESSON_X'] = '1'\n```\n\n"
        "- a list item\n\n  ```python\n  async def twice():\n      return x * 2\n\n\n"
        "  y = 3\n  ```\n\n"
        "```python\nfirst = asyncio.get_running_loop()\nassert await twice() == 4\n```\n\n"
        "```python postgres\nraise RuntimeError('runs only on Postgres')\n```\n\n"
        "```python\nawait asyncio.sleep(0)\nassert asyncio.get_running_loop() is first\n"
        "print('x is', x, 'y is', y)\n```\n\n"
        "```output\nx is 2 y is 3\n```\n\n```sh\nnot python\n```\n",
    )
    cwd = os.getcwd()
    run = _run_alone(readme, tmp_path)
    assert [b.line for b, _ in run.timings] == [3, 11, 19, 28], run.timings
    assert "LESSON_X" not in os.environ, "a lesson's environment changes are undone"
    assert os.getcwd() == cwd and "lesson_" + tmp_path.name not in sys.modules


def test_a_failing_block_is_named_with_its_line_and_exception(tmp_path: Path, monkeypatch) -> None:
    """The failure names the README, the block's line, the line that raised and the exception,
    with what the block printed."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    readme = _write(tmp_path, "# L\n\n```python\nprint('before')\n{}['missing']\n```\n")
    with pytest.raises(pytest.fail.Exception) as failed:
        _run_alone(readme, tmp_path)
    message = str(failed.value)
    assert "README.md:3: the ```python block starting here raised at line 5:" in message, message
    assert "KeyError: 'missing'" in message and "before" in message, message


def test_output_fences_and_warnings_are_checked(tmp_path: Path, monkeypatch) -> None:
    """An ```output fence that differs from the printed text fails (`...` matches anything); a
    SQLAlchemy warning the block does not catch fails; an unknown fence option fails."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    wrong = _write(tmp_path, "```python\nprint('a\\nb\\nc')\n```\n```output\na\nc\n```\n")
    with pytest.raises(pytest.fail.Exception, match="but its ```output fence says"):
        _run_alone(wrong, tmp_path)
    fine = _write(tmp_path, "```python\nprint('a\\nb\\nc')\n```\n\n```output\na\n...\nc\n```\n")
    _run_alone(fine, tmp_path)
    warns = _write(
        tmp_path,
        "```python\nimport warnings\nfrom sqlalchemy.exc import SAWarning\n"
        "warnings.warn('careful', SAWarning)\n```\n",
    )
    with pytest.raises(pytest.fail.Exception, match="SAWarning: careful"):
        _run_alone(warns, tmp_path)
    typo = _write(tmp_path, "```python postgress\npass\n```\n")
    with pytest.raises(AssertionError, match="unknown option"):
        _run_alone(typo, tmp_path)


def test_output_matching() -> None:
    """`...` matches any text, trailing spaces and outer blank lines do not count."""
    assert output_matches("a ... c\n", "a b b c  \n\n")
    assert output_matches("x\n...\nz", "x\ny1\ny2\nz")
    assert not output_matches("a c", "a b c")
