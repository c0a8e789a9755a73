"""The `package` kind: a kata is a folder, `pN_slug/kMM_slug/`, such as an app with `main.py`,
`db.py`, `deps.py` and `schemas.py`. The catalog lists its files (`files = [...]`); markers work
in every one of them, and a file without markers is handed to the learner as it is."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from checker.workbook.kinds import Kind

if TYPE_CHECKING:
    from checker.workbook.catalog import Kata


class PackageKind(Kind):
    name = "package"
    lists_files = True

    def files(self, kata: Kata) -> tuple[str, ...]:
        return tuple(f"{self.entry(kata)}/{name}" for name in kata.files)

    def entry(self, kata: Kata) -> str:
        return f"{kata.phase_dir}/{kata.stem}"

    def instructions_file(self, kata: Kata) -> str:
        return f"{self.entry(kata)}/__init__.py"

    def check_listed_files(self, files: tuple[str, ...]) -> str | None:
        if "__init__.py" not in files:
            return "should include __init__.py (its docstring is the kata's instructions)"
        for name in files:
            path = PurePosixPath(name)
            if path.is_absolute() or ".." in path.parts or path.suffix != ".py":
                return f"should list .py files inside the package folder, not {name!r}"
        return None
