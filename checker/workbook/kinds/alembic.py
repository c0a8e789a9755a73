"""The `alembic` kind: a kata is an Alembic project the learner edits, `pN_slug/kMM_slug/`, with
`alembic.ini`, `env.py`, the models module the migrations target and `versions/`. The catalog
lists its files; markers work in every Python file (`env.py`, the models, each revision), and
`alembic.ini` is handed to the learner as it is. Checks drive it through Alembic's Python API
(the `migrations` fixture, `checker.plugin.alembic_fixtures`) on the check's own database."""

from __future__ import annotations

from pathlib import PurePosixPath

from checker.workbook.kinds.package import PackageKind

REQUIRED = ("__init__.py", "alembic.ini", "env.py")
SUFFIXES = (".py", ".ini", ".mako")


class AlembicKind(PackageKind):
    name = "alembic"

    def check_listed_files(self, files: tuple[str, ...]) -> str | None:
        missing = [name for name in REQUIRED if name not in files]
        if missing:
            return (
                f"should include {', '.join(missing)} (an Alembic project: alembic.ini and env.py,"
                " and __init__.py, whose docstring is the kata's instructions)"
            )
        for name in files:
            path = PurePosixPath(name)
            if path.is_absolute() or ".." in path.parts or path.suffix not in SUFFIXES:
                return f"should list the project's .py, .ini and .mako files, not {name!r}"
        return None
