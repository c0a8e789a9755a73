"""Editions of the workbook: the full one, with `solutions/` and the maintainers' material, and the
class edition (`checker edition --class OUT`), which leaves out everything that gives answers away
so a class can be handed the workbook while the instructor's autograder keeps the solutions.

This module says which edition a workbook is and what only the full one can do. It stays light
(no catalog, no kinds beyond their tree names): `find_root` asks it on every command. Building the
class edition is `checker.release.class_edition`.
"""

from __future__ import annotations

from pathlib import Path

from checker.errors import CheckerError
from checker.release import VERSION, manifest
from checker.release.manifest import CLASS, FULL, MANIFESTS_IN_WORKBOOK
from checker.workbook.kinds import SOLUTION_TREE

# Left out of the class edition whole, with why (the counts `checker edition` prints use the keys).
LEFT_OUT_TREES = {
    f"{SOLUTION_TREE}/": "the reference solutions",
    "tests/": "the project's own tests (tests/alternatives/ holds right answers)",
    "bench/": "benchmarks (they grade the solutions)",
    ".ci/": "CI (it verifies the solutions)",
}


def _recorded_edition(root: Path) -> str | None:
    """The edition the workbook's own manifest records: this release's, else any it has."""
    folder = root / MANIFESTS_IN_WORKBOOK
    recorded = manifest.load(VERSION, folder)
    if recorded is None and folder.is_dir():
        for path in sorted(folder.glob("*.json"), reverse=True):
            recorded = manifest.load(path.stem, folder)
            if recorded is not None:
                break
    return recorded.edition if recorded is not None else None


def edition_of(root: Path) -> str:
    """`"class"` for a class edition (no solutions/, and its manifest says so), else `"full"`."""
    if (root / SOLUTION_TREE).is_dir():
        return FULL
    return CLASS if _recorded_edition(root) == CLASS else FULL


def is_class_edition(root: Path) -> bool:
    return edition_of(root) == CLASS


def require_full_edition(root: Path, command: str) -> None:
    """Refuse, in one paragraph, a maintainer command that needs the solutions."""
    if is_class_edition(root):
        raise CheckerError(
            f"`checker {command}` needs the full edition of the workbook, the one with "
            f"{SOLUTION_TREE}/: this is the class edition, which leaves the reference solutions "
            "out (they are with your instructor's autograder). Run it in the full workbook."
        )


def solutions_elsewhere(kata_id: str) -> str:
    """What `checker solution` says in the class edition."""
    return (
        f"This is the class edition of the workbook: it has no reference solutions, so there is "
        f"none to show for kata {kata_id}. The solutions are with your instructor's autograder, "
        f"which regrades your katas/ — ask your mentor to go through kata {kata_id} with you. "
        f"Meanwhile `checker hint {kata_id}` gives the next hint and `checker kata {kata_id}` "
        "shows what still fails."
    )
