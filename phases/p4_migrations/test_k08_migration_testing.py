"""Checks for kata 4.8 — testing migrations.

The learner's check functions (migration_checks.py) run on the kata's own project, which is
correct (they must pass), and on broken copies of it that each check makes in tmp_path (each
function must raise AssertionError on the copies it is meant to catch). A copy is driven with
its own Config, on the check's database, from inside its folder (env.py imports its models
through `prepend_sys_path = .`).
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from checker.plugin.alembic_fixtures import Migrations, in_folder
from checker.plugin.migration_checks import (
    assert_leaves_no_trace,
    assert_single_head,
)

# The breakages: (what the copy has wrong, {file: (find, replace)}) — the text of the kata's own,
# correct project, so a learner never edits it.
FORGETS_A_TABLE = (
    "0001's downgrade forgets to drop the author table",
    {"versions/0001_create_author_and_post.py": ('    op.drop_table("author")\n', "")},
)
FORGETS_AN_INDEX = (
    "0002's downgrade forgets to drop the index ix_post_title",
    {
        "versions/0002_add_post_status.py": (
            '    op.drop_index("ix_post_title", table_name="post")\n',
            "",
        )
    },
)
FORGETS_THE_ENUM = (
    "0002's downgrade forgets to drop the enum type post_status",
    {
        "versions/0002_add_post_status.py": (
            "    post_status.drop(op.get_bind(), checkfirst=True)\n",
            "",
        )
    },
)
NULLABLE_AGAIN = (
    "0003's downgrade brings post.slug back nullable (it was NOT NULL before 0003)",
    {
        "versions/0003_drop_post_slug.py": (
            '        batch.alter_column("slug", existing_type=sa.String(200), nullable=False)\n',
            "        pass\n",
        )
    },
)
TWO_HEADS = (
    "a second revision on top of 0002 (versions/0003b_add_author_email.py): two heads",
    {
        "versions/0003b_add_author_email.py": (
            "",
            '"""add author.email"""\n\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
            'revision = "0003b"\ndown_revision = "0002"\n\n\n'
            "def upgrade() -> None:\n"
            '    op.add_column("author", sa.Column("email", sa.String(200), nullable=True))\n\n\n'
            "def downgrade() -> None:\n"
            '    with op.batch_alter_table("author") as batch:\n'
            '        batch.drop_column("email")\n',
        )
    },
)
MODEL_AHEAD = (
    "models.py has a column no revision adds (Author.email)",
    {
        "models.py": (
            "    name: Mapped[str] = mapped_column(String(100))\n",
            "    name: Mapped[str] = mapped_column(String(100))\n"
            "    email: Mapped[str | None] = mapped_column(String(200))\n",
        )
    },
)
Breakage = tuple[str, dict[str, tuple[str, str]]]


class Project:
    """An Alembic project folder (the graded one, or a broken copy) on the check's database."""

    def __init__(self, folder: Path, url: str) -> None:
        self.folder = folder
        self.url = url

    def config(self) -> Any:
        from alembic.config import Config

        config = Config(str(self.folder / "alembic.ini"))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return config

    def script(self) -> Any:
        from alembic.script import ScriptDirectory

        with in_folder(self.folder):
            return ScriptDirectory.from_config(self.config())

    def metadata(self) -> Any:
        spec = importlib.util.spec_from_file_location(
            f"_k08_models_{abs(hash(self.folder))}", self.folder / "models.py"
        )
        assert spec is not None and spec.loader is not None, f"no models.py in {self.folder}"
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.Base.metadata


def broken_copy(migrations: Migrations, tmp_path: Path, breakage: Breakage) -> Project:
    """A copy of the graded project in tmp_path with one mistake written into it."""
    copy = tmp_path / "broken_project"
    shutil.copytree(migrations.project, copy, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    for file, (find, replace) in breakage[1].items():
        path = copy / file
        if not find:
            path.write_text(replace)
            continue
        text = path.read_text()
        assert text.count(find) == 1, (
            f"The check could not break {file}: it expects the kata's own text there ({find!r}). "
            "This kata's project files (models.py, versions/) are not yours to edit: `checker "
            "reset` restores them, keeping migration_checks.py."
        )
        path.write_text(text.replace(find, replace))
    return Project(copy, migrations.url)


def learner(migrations: Migrations, name: str) -> Callable[..., Any]:
    function: Callable[..., Any] = getattr(migrations.module("migration_checks"), name)
    return function


def run(project: Project, function: Callable[..., Any], *args: Any) -> Any:
    with in_folder(project.folder):
        return function(*args)


def expect_assertion(
    migrations: Migrations, name: str, project: Project, breakage: Breakage, *args: Any
) -> None:
    """Call the learner's check `name` on a broken copy: it must raise AssertionError."""
    function = learner(migrations, name)
    call = (
        f"{name}({', '.join(('config', 'engine', 'metadata', 'script')[i] for i in _roles(args))})"
    )
    try:
        run(project, function, *args)
    except AssertionError:
        return
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's check crashed instead of failing
        pytest.fail(
            f"On a copy of the project where {breakage[0]}, {call} raised "
            f"{type(error).__name__}: {error}\nexpected an AssertionError with a message: a CI "
            "check should fail saying what is wrong (compare before you go on).",
            pytrace=False,
        )
    pytest.fail(
        f"On a copy of the project where {breakage[0]}, {call} returned without raising; "
        "expected an AssertionError. A check that cannot fail protects nothing.",
        pytrace=False,
    )


def _roles(args: tuple[Any, ...]) -> list[int]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Engine, MetaData

    kinds = (Config, Engine, MetaData, ScriptDirectory)
    return [next(i for i, kind in enumerate(kinds) if isinstance(a, kind)) for a in args]


def expect_pass(migrations: Migrations, name: str, *args: Any) -> None:
    """Call the learner's check `name` on the correct project: it must not raise."""
    function = learner(migrations, name)
    project = Project(migrations.project, migrations.url)
    try:
        run(project, function, *args)
    except AssertionError as error:
        pytest.fail(
            f"On the kata's own project, whose migrations are correct, {name}(...) raised "
            f"AssertionError: {error}\nexpected it to pass: a check that fails on correct "
            "migrations is too strict (every CI run would be red).",
            pytrace=False,
        )


@pytest.fixture
def project(migrations: Migrations) -> Project:
    return Project(migrations.project, migrations.url)


def test_the_project_is_sound(migrations):
    """The kata's own migrations (not yours) pass the workbook's single-head and no-trace checks."""
    assert_single_head(migrations)
    assert_leaves_no_trace(migrations)


def test_single_head_passes_on_the_project(migrations, project):
    """single_head(script) returns quietly on the project (one head)."""
    expect_pass(migrations, "single_head", project.script())


def test_single_head_catches_two_heads(migrations, tmp_path):
    """single_head(script) raises AssertionError when two revisions share a parent."""
    broken = broken_copy(migrations, tmp_path, TWO_HEADS)
    expect_assertion(migrations, "single_head", broken, TWO_HEADS, broken.script())


def test_no_trace_passes_on_the_project(migrations, project, engine):
    """upgrade_downgrade_leaves_no_trace returns quietly on the project, leaving it at base."""
    expect_pass(migrations, "upgrade_downgrade_leaves_no_trace", project.config(), engine)
    current = migrations.current()
    assert current == (), (
        f"After upgrade_downgrade_leaves_no_trace(config, engine) alembic_version says "
        f"{current}; expected () (it ends with `downgrade base`)."
    )


def test_no_trace_catches_a_forgotten_table(migrations, tmp_path, engine):
    """upgrade_downgrade_leaves_no_trace raises when a downgrade forgets a table."""
    broken = broken_copy(migrations, tmp_path, FORGETS_A_TABLE)
    expect_assertion(
        migrations,
        "upgrade_downgrade_leaves_no_trace",
        broken,
        FORGETS_A_TABLE,
        broken.config(),
        engine,
    )


@pytest.mark.postgres_only
def test_no_trace_catches_a_forgotten_enum_type(migrations, tmp_path, engine):
    """upgrade_downgrade_leaves_no_trace raises when a downgrade leaves an enum type behind."""
    broken = broken_copy(migrations, tmp_path, FORGETS_THE_ENUM)
    expect_assertion(
        migrations,
        "upgrade_downgrade_leaves_no_trace",
        broken,
        FORGETS_THE_ENUM,
        broken.config(),
        engine,
    )


def test_round_trips_pass_on_the_project(migrations, project, engine):
    """each_revision_round_trips returns quietly on the project, and leaves it at head."""
    expect_pass(migrations, "each_revision_round_trips", project.config(), engine)
    current = migrations.current()
    assert current == ("0003",), (
        f"After each_revision_round_trips(config, engine) alembic_version says {current}; "
        "expected ('0003',): it walks every revision up to head."
    )


def test_round_trips_catch_a_forgotten_index(migrations, tmp_path, engine):
    """each_revision_round_trips raises when a downgrade leaves an index behind."""
    broken = broken_copy(migrations, tmp_path, FORGETS_AN_INDEX)
    expect_assertion(
        migrations, "each_revision_round_trips", broken, FORGETS_AN_INDEX, broken.config(), engine
    )


def test_round_trips_catch_a_column_back_as_nullable(migrations, tmp_path, engine):
    """each_revision_round_trips raises when a downgrade restores a NOT NULL column as nullable."""
    broken = broken_copy(migrations, tmp_path, NULLABLE_AGAIN)
    expect_assertion(
        migrations, "each_revision_round_trips", broken, NULLABLE_AGAIN, broken.config(), engine
    )


def test_round_trips_catch_a_forgotten_table(migrations, tmp_path, engine):
    """each_revision_round_trips raises when a downgrade forgets a table."""
    broken = broken_copy(migrations, tmp_path, FORGETS_A_TABLE)
    expect_assertion(
        migrations, "each_revision_round_trips", broken, FORGETS_A_TABLE, broken.config(), engine
    )


def test_models_match_passes_on_the_project(migrations, project, engine):
    """models_match returns quietly on the project (models and migrations agree)."""
    expect_pass(migrations, "models_match", project.config(), engine, project.metadata())


def test_models_match_catches_a_model_ahead_of_the_migrations(migrations, tmp_path, engine):
    """models_match raises when models.py has a column no revision adds."""
    broken = broken_copy(migrations, tmp_path, MODEL_AHEAD)
    expect_assertion(
        migrations, "models_match", broken, MODEL_AHEAD, broken.config(), engine, broken.metadata()
    )
