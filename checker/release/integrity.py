"""Whether the grader's files are the release's: the checker package that runs, and the check
files and catalogs in `phases/` of the workbook it grades (with any extra file pytest would load
there, such as a `conftest.py`). A workbook that is not the one this checker was installed from
(CHECKER_ROOT elsewhere, a test's copy) has the release's phases compared and its own left
out. An edit is reported with the katas it touches, and those katas cannot pass in that run
(`checker.cli.commands.grade.with_integrity`).

This catches naive edits only: whoever edits a check can also recompute its hash. The grade that
counts is the instructor's regrade in a clean copy (`checker grade --pristine`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from checker.release import VERSION
from checker.release.manifest import PACKAGE, Manifest, file_hash, listed, load
from checker.workbook.catalog import Kata
from checker.workbook.kinds import CHECKS_TREE, files_of

GRADER_TREES = ("checker/", f"{CHECKS_TREE}/")


@dataclass(frozen=True)
class Integrity:
    version: str
    edited: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    unchecked: str | None = None  # why some or all of the grader's files were not checked

    @property
    def intact(self) -> bool:
        return not (self.edited or self.missing or self.extra)

    def changes(self) -> list[str]:
        """Every difference, one line each: `phases/p1_core/test_k01_x.py (edited)`."""
        return (
            [f"{path} (edited)" for path in self.edited]
            + [f"{path} (missing)" for path in self.missing]
            + [f"{path} (added)" for path in self.extra]
        )

    def affecting(self, kata: Kata) -> list[str]:
        """The differences that change how `kata` is graded."""
        return [
            line
            for line, path in zip(
                self.changes(), (*self.edited, *self.missing, *self.extra), strict=True
            )
            if _affects(path, kata)
        ]

    def to_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "intact": self.intact,
            "changes": self.changes(),
            "unchecked": self.unchecked,
        }


def _affects(path: str, kata: Kata) -> bool:
    """A check file touches its kata, a catalog its phase's katas; any other code (the checker,
    a conftest.py, a helper module beside the checks) touches every kata."""
    posix = PurePosixPath(path)
    if posix.parts[0] == CHECKS_TREE and posix.name.startswith("test_") and posix.suffix == ".py":
        return path == files_of(kata).checks
    if posix.parts[0] == CHECKS_TREE and posix.name == "phase.toml":
        return posix.parent.name == kata.phase_dir
    return True


def _relevant(path: str) -> bool:
    """Lessons and notes change no grade: an annotated README is not tampering."""
    return listed(path) and not path.endswith((".md", ".txt"))


def _files_under(root: Path, folder: str) -> dict[str, Path]:
    found = {}
    for directory, subdirs, names in os.walk(root / folder):
        subdirs[:] = [d for d in subdirs if d != "__pycache__" and not d.startswith(".draft_")]
        for name in names:
            path = Path(directory, name)
            relative = path.relative_to(root).as_posix()
            if _relevant(relative):
                found[relative] = path
    return found


def _compare(manifest: Manifest, prefix: str, on_disk: dict[str, Path]) -> Integrity:
    expected = {p: h for p, h in manifest.under(prefix).items() if _relevant(p)}
    edited = [p for p, h in expected.items() if p in on_disk and file_hash(on_disk[p]) != h]
    missing = [p for p in expected if p not in on_disk]
    extra = [p for p in on_disk if p not in expected]
    return Integrity(
        manifest.version, tuple(sorted(edited)), tuple(sorted(missing)), tuple(sorted(extra))
    )


def _root_conftests(root: Path) -> list[str]:
    """A conftest.py at the top of the workbook is loaded with every check."""
    return ["conftest.py"] if (root / "conftest.py").is_file() else []


def check(root: Path) -> Integrity:
    """Compare the running checker, and `root`'s phases/ when `root` is the workbook this checker
    was installed from, with the release's manifest."""
    manifest = load()
    if manifest is None:
        return Integrity(
            VERSION,
            unchecked=f"this checker has no manifest for release {VERSION}, so its files and "
            "the checks could not be compared with the release's",
        )
    package = _compare(manifest, "checker/", _files_under(PACKAGE.parent, "checker"))
    on_disk = _files_under(root, CHECKS_TREE)
    unchecked = None
    if root.resolve() != PACKAGE.parent:
        # Another copy (CHECKER_ROOT, a test's workbook): its phases the release ships are
        # compared; a phase of its own (and its curriculum) is not the release's to judge.
        known = {_phase_dir(path) for path in manifest.under(f"{CHECKS_TREE}/")} - {None}
        on_disk = {path: file for path, file in on_disk.items() if _phase_dir(path) in known}
        manifest = Manifest(
            manifest.version,
            {path: h for path, h in manifest.files.items() if _phase_dir(path) in known},
        )
        if any(_phase_dir(p) not in known for p in _files_under(root, CHECKS_TREE)):
            unchecked = f"{root} has phases the release does not ship; they were not compared"
    phases = _compare(manifest, f"{CHECKS_TREE}/", on_disk)
    return Integrity(
        manifest.version,
        package.edited + phases.edited,
        package.missing + phases.missing,
        package.extra + phases.extra + tuple(_root_conftests(root)),
        unchecked,
    )


def _phase_dir(path: str) -> str | None:
    """`phases/p1_core/test_k01_x.py` -> `p1_core`; a file at the top of phases/ -> None."""
    parts = PurePosixPath(path).parts
    return parts[1] if len(parts) > 2 and parts[0] == CHECKS_TREE else None
