"""The `migrations` fixture, for `alembic` katas: the graded Alembic project driven through
Alembic's Python API (`alembic.command`) on the check's own database.

    def test_round_trip(migrations):
        migrations.upgrade("head")
        assert "user_account" in migrations.schema().tables, migrations.describe()
        migrations.downgrade("base")

The URL is injected into the project's `Config` (`sqlalchemy.url`), as `env.py` should allow; the
project's own `alembic.ini` is read, so its `script_location` and `prepend_sys_path` are graded
too. Commands run with the project folder as the working directory, and whatever modules the
project imported (its models) are forgotten afterwards, so that two katas, or the learner's tree
and the reference, never share a `models` module. Every statement a command sends is recorded,
with its origin, like any other: `migrations.ddl` is what the last command sent.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.engine import Engine

from checker.plugin.fixtures import run_state
from checker.plugin.run_state import kata_of


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    default: str | None
    sqltype: Any = field(default=None, compare=False)  # the reflected type, for its kind


@dataclass
class Table:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)
    unique: list[dict[str, Any]] = field(default_factory=list)
    indexes: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Schema:
    """What a database holds, read back with `inspect()`: tables (with columns, keys, constraints
    and indexes, by name), and on Postgres its enum types and sequences."""

    tables: dict[str, Table] = field(default_factory=dict)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sequences: tuple[str, ...] = ()

    def describe(self, skip: tuple[str, ...] = ()) -> str:
        """The schema as text, a line a fact, in a stable order (so two can be diffed)."""
        lines = self.lines(skip)
        return "\n".join(lines) if lines else "(an empty database)"

    def lines(self, skip: tuple[str, ...] = ()) -> list[str]:
        """describe()'s lines; the tables named in `skip` (alembic_version, say) left out."""
        lines = []
        for table in self.tables.values():
            if table.name in skip:
                continue
            lines.append(f"table {table.name}")
            for column in table.columns.values():
                null = "NULL" if column.nullable else "NOT NULL"
                default = f" DEFAULT {column.default}" if column.default is not None else ""
                lines.append(f"  {column.name} {column.type} {null}{default}")
            if table.primary_key:
                lines.append(f"  PRIMARY KEY ({', '.join(table.primary_key)})")
            for fk in sorted(table.foreign_keys, key=_by_name):
                on_delete = (fk.get("options") or {}).get("ondelete")
                action = f" ON DELETE {on_delete}" if on_delete else ""
                lines.append(
                    f"  FOREIGN KEY {fk.get('name') or '(unnamed)'} "
                    f"({', '.join(fk['constrained_columns'])}) -> {fk['referred_table']}"
                    f"({', '.join(fk['referred_columns'])}){action}"
                )
            for unique in sorted(table.unique, key=_by_name):
                lines.append(
                    f"  UNIQUE {unique.get('name') or '(unnamed)'} "
                    f"({', '.join(unique['column_names'])})"
                )
            for index in sorted(table.indexes, key=_by_name):
                kind = "UNIQUE INDEX" if index.get("unique") else "INDEX"
                columns = ", ".join(str(c) for c in index["column_names"])
                lines.append(f"  {kind} {index.get('name')} ({columns})")
            for check in sorted(table.checks, key=_by_name):
                lines.append(f"  CHECK {check.get('name') or '(unnamed)'} ({check.get('sqltext')})")
        for name, values in self.enums.items():
            lines.append(f"type {name} AS ENUM ({', '.join(repr(v) for v in values)})")
        for name in self.sequences:
            lines.append(f"sequence {name}")
        return lines

    def difference(self, other: Schema, skip: tuple[str, ...] = ("alembic_version",)) -> str:
        """What `other` has that this schema has not (+) and the reverse (-), a line a fact;
        empty when the two are the same."""
        mine, theirs = _qualified(self.lines(skip)), _qualified(other.lines(skip))
        gone = [f"- {line}" for line in mine if line not in theirs]
        new = [f"+ {line}" for line in theirs if line not in mine]
        return "\n".join(gone + new)


def _qualified(lines: list[str]) -> list[str]:
    """describe()'s lines with each table's name in front of its columns and constraints, so a
    difference reads "comment: post_id INTEGER NOT NULL" out of context."""
    qualified, table = [], ""
    for line in lines:
        if line.startswith("  "):
            qualified.append(f"{table}: {line.strip()}")
        else:
            table = line.removeprefix("table ")
            qualified.append(line)
    return qualified


def _by_name(item: dict[str, Any]) -> str:
    return str(item.get("name") or "") + str(item.get("column_names") or "")


def read_schema(engine: Engine) -> Schema:
    """The schema as the database has it (alembic_version included: it is part of the truth)."""
    found = inspect(engine)
    schema = Schema()
    for name in sorted(found.get_table_names()):
        table = Table(name)
        for column in found.get_columns(name):
            default = column.get("default")
            table.columns[column["name"]] = Column(
                column["name"],
                str(column["type"]),
                bool(column["nullable"]),
                None if default is None else str(default),
                column["type"],
            )
        table.primary_key = tuple(found.get_pk_constraint(name).get("constrained_columns") or ())
        table.foreign_keys = [dict(fk) for fk in found.get_foreign_keys(name)]
        table.unique = [dict(u) for u in found.get_unique_constraints(name)]
        table.indexes = [dict(i) for i in found.get_indexes(name)]
        try:
            table.checks = [dict(c) for c in found.get_check_constraints(name)]
        except NotImplementedError:
            table.checks = []
        schema.tables[name] = table
    if engine.dialect.name == "postgresql":
        postgres: Any = found  # PGInspector: get_enums is its own
        enums = postgres.get_enums()
        schema.enums = {e["name"]: tuple(e["labels"]) for e in enums if e.get("visible", True)}
        schema.sequences = tuple(sorted(found.get_sequence_names()))
    return schema


# What Alembic and SQLAlchemy send to look, not to change: schema reflection (batch mode reads the
# table it copies, autogenerate reads everything), the driver's connect-time queries, and the
# read of alembic_version. Left out of `ddl`, so the learner sees what their migration did.
_LOOKING = re.compile(
    r"^\s*(PRAGMA\b|SHOW\b|SELECT\b.*\b(sqlite_master|sqlite_temp_master|pg_catalog|"
    r"information_schema|current_schema\(\)|version\(\))|"
    r"SELECT alembic_version\.version_num FROM alembic_version)",
    re.IGNORECASE | re.DOTALL,
)


def _bookkeeping(sql: str) -> bool:
    return bool(_LOOKING.match(sql))


@contextmanager
def in_folder(project: Path) -> Iterator[None]:
    """cwd = `project` while the block runs; afterwards sys.path is restored and the modules
    imported from `project` are forgotten. Python caches one finder per sys.path entry, and the
    finder for a relative entry (alembic.ini's `prepend_sys_path = .`) is bound to the folder
    that was current when it was made: those finders are dropped on the way in and out, or the
    next project's `import models` would find the first project's models."""
    # a module of the same name imported from elsewhere (another project's models) would
    # shadow the project's own: set aside while the block runs
    shadowed = {
        name: sys.modules.pop(name)
        for name in {file.stem for file in project.glob("*.py")}
        if name in sys.modules
    }
    before_modules = set(sys.modules)
    before_path = list(sys.path)
    cwd = os.getcwd()
    _forget_relative_finders()
    os.chdir(project)
    try:
        yield
    finally:
        os.chdir(cwd)
        sys.path[:] = before_path
        _forget_relative_finders()
        for name in set(sys.modules) - before_modules:
            module = sys.modules.get(name)
            file = getattr(module, "__file__", None) or ""
            if file and Path(file).resolve().is_relative_to(project.resolve()):
                del sys.modules[name]
        sys.modules.update(shadowed)


def _forget_relative_finders() -> None:
    for entry in [e for e in sys.path_importer_cache if not os.path.isabs(e)]:
        del sys.path_importer_cache[entry]


class Migrations:
    """The graded Alembic project on this check's database."""

    def __init__(self, project: Path, url: str, on_call: Any, capture: Any = None) -> None:
        self.project = project
        self.url = url
        self._on_call = on_call  # marks the learner's code as called: its errors are theirs
        self._capture = capture
        self.ddl: list[str] = []
        self.last_command = ""  # as a learner would type it: "alembic upgrade head"
        # what the Config says sqlalchemy.url is (the check's database unless a check changes
        # it, to see that env.py prefers $DATABASE_URL, say)
        self.config_url = url
        self._engine = create_engine(url)

    def config(self) -> Any:
        """A fresh `alembic.config.Config` from the project's alembic.ini, with this check's URL."""
        from alembic.config import Config

        config = Config(str(self.project / "alembic.ini"))
        config.set_main_option("sqlalchemy.url", self.config_url.replace("%", "%%"))
        return config

    @contextmanager
    def in_project(self) -> Iterator[None]:
        """Run inside the project folder, as the alembic command line does, and forget the
        modules it imported afterwards (its env.py's `models`), so no other project sees them."""
        with in_folder(self.project):
            yield

    def _run(self, command: str, *args: str, config: Any = None, **kwargs: Any) -> Any:
        """`alembic <command> <args>` on a fresh Config (or `config`), in the project folder."""
        from alembic import command as commands

        self._on_call()
        flags = " --sql" if kwargs.get("sql") else ""
        self.last_command = " ".join(["alembic", command, *(str(a) for a in args)]) + flags
        capture = self._capture
        start = len(capture.statements) if capture else 0
        with self.in_project():
            try:
                return getattr(commands, command)(config or self.config(), *args, **kwargs)
            finally:
                if capture:
                    sent = capture.statements[start:]
                    self.ddl = [s.sql for s in sent if s.type == "sql" and not _bookkeeping(s.sql)]

    def module(self, name: str = "models") -> ModuleType:
        """One of the project's modules (its models), loaded afresh from its file, as env.py
        imports it: `migrations.module().Base.metadata`."""
        self._on_call()
        path = self.project / f"{name.replace('.', '/')}.py"
        spec = importlib.util.spec_from_file_location(f"_graded_project_{name}", path)
        if spec is None or spec.loader is None:
            raise FileNotFoundError(f"the project has no module {name!r} ({path.name})")
        loaded = importlib.util.module_from_spec(spec)
        with self.in_project():
            sys.path.insert(0, str(self.project))
            spec.loader.exec_module(loaded)
        return loaded

    def upgrade(self, revision: str = "head") -> None:
        self._run("upgrade", revision)

    def offline_sql(self, revision: str = "head") -> str:
        """What `alembic upgrade <revision> --sql` prints: the SQL, through env.py's offline
        mode, without touching the database."""
        config = self.config()
        config.output_buffer = io.StringIO()
        self._run("upgrade", revision, config=config, sql=True)
        return str(config.output_buffer.getvalue())

    def downgrade(self, revision: str = "base") -> None:
        self._run("downgrade", revision)

    def stamp(self, revision: str) -> None:
        self._run("stamp", revision)

    def check(self) -> None:
        """`alembic check`: raises `alembic.util.exc.AutogenerateDiffsDetected` (listing them)
        when autogenerate, run through the project's env.py, would change the database to match
        the models; raises `alembic.util.CommandError` when env.py gives it no target_metadata."""
        self._run("check")

    def autogenerate(self, message: str = "autogenerated") -> str:
        """The text of the revision `alembic revision --autogenerate` would write now, through the
        project's env.py (its render_as_batch, compare_type, naming conventions). It is written
        in a copy of the project, so the graded folder never gains a file."""
        copy = Path(tempfile.mkdtemp(prefix="checker-autogenerate-"))
        try:
            shutil.copytree(
                self.project, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
            )
            twin = Migrations(copy, self.url, self._on_call, self._capture)
            before = set((copy / "versions").glob("*.py"))
            try:
                twin._run("revision", message=message, autogenerate=True, rev_id="autogenerated")
            finally:
                twin.close()
                self.last_command, self.ddl = "alembic revision --autogenerate", twin.ddl
            (written,) = set((copy / "versions").glob("*.py")) - before
            return written.read_text()
        finally:
            shutil.rmtree(copy, ignore_errors=True)

    def script(self) -> Any:
        """The project's revision graph (`alembic.script.ScriptDirectory`)."""
        from alembic.script import ScriptDirectory

        self._on_call()
        with self.in_project():
            return ScriptDirectory.from_config(self.config())

    def heads(self) -> list[str]:
        return list(self.script().get_heads())

    def revisions(self) -> list[str]:
        """Every revision id, from base to head."""
        return [r.revision for r in reversed(list(self.script().walk_revisions()))]

    def current(self) -> tuple[str, ...]:
        """The revisions the database is at (its alembic_version rows)."""
        from alembic.runtime.migration import MigrationContext

        with self._engine.connect() as connection:
            return tuple(MigrationContext.configure(connection).get_current_heads())

    def schema(self) -> Schema:
        self._engine.dispose()  # a fresh look: no cached reflection
        return read_schema(self._engine)

    def describe(self) -> str:
        return self.schema().describe()

    def compare(self, metadata: MetaData, server_defaults: bool = False) -> list[Any]:
        """What autogenerate would change to make the database match `metadata` (the models):
        an empty list when the migrations and the models agree. Server defaults are compared
        only when asked: they come back as the database's text (`'0'`, `false`, `now()`), so
        equal defaults written differently would differ; check them by behaviour instead."""
        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext

        with self._engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": server_defaults}
            )
            return list(compare_metadata(context, metadata))

    def execute(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Run SQL as the check (seed rows before an upgrade, read them after)."""
        with self._engine.begin() as connection:
            result = connection.execute(text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []

    def close(self) -> None:
        self._engine.dispose()


@pytest.fixture
def migrations(request: pytest.FixtureRequest, db_url: str) -> Iterator[Migrations]:
    """The graded Alembic project (learner's, reference or mutant) on this check's database."""
    state = run_state(request.config)
    kata, root = kata_of(request.path)
    project = state.learner_code(kata, root)
    runner = Migrations(project, db_url, state.mark_learner_called, state.capture)
    try:
        yield runner
    finally:
        runner.close()
