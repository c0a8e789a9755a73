"""Where the workbook lives on disk, and the names of a kata's files."""

from __future__ import annotations

import os
from pathlib import Path

from checker.errors import CheckerError

_MARKERS = ("phases", "katas", "solutions")
_NEEDS = "phases/, katas/ and solutions/ (or, in the class edition, phases/ and katas/)"


def _is_workbook(folder: Path) -> bool:
    """phases/ and katas/, with solutions/ or as the class edition (which has none)."""
    if not all((folder / name).is_dir() for name in _MARKERS[:2]):
        return False
    if (folder / _MARKERS[2]).is_dir():
        return True
    from checker.release.edition import is_class_edition  # reads the edition's manifest

    return is_class_edition(folder)


def find_root() -> Path:
    """The workbook folder: $CHECKER_ROOT, else the nearest folder above the current one, else
    the checkout this package was installed from (an editable install)."""
    if env := os.environ.get("CHECKER_ROOT"):
        root = Path(env).resolve()
        if not _is_workbook(root):
            raise CheckerError(
                f"CHECKER_ROOT is set to {root}, which is not a workbook (it needs the folders "
                f"{_NEEDS}). Unset it or point it at your clone."
            )
        return root
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if _is_workbook(folder):
            return folder
    installed_from = Path(__file__).resolve().parent.parent
    if _is_workbook(installed_from):
        return installed_from
    raise CheckerError(
        "Could not find the workbook: run `checker` inside your clone of it (the folder with "
        f"{_NEEDS}), or set CHECKER_ROOT to that folder."
    )


def state_dir(root: Path) -> Path:
    return root / ".checker"
