"""What `checker class` was given, sorted out: report files, folders of them, and learners' clones
(a folder with katas/), or a folder of clones. A learner's name is the report file's stem or the
clone folder's name. What is neither becomes a note, and the rest is still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checker.classroom.clones import has_kata_files, is_clone
from checker.classroom.reports import Note
from checker.workbook.catalog import Catalog


@dataclass
class Inputs:
    reports: list[tuple[str, Path]] = field(default_factory=list)
    clones: list[tuple[str, Path]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def _add_clone(catalog: Catalog, folder: Path, found: Inputs) -> None:
    if has_kata_files(catalog, folder):
        found.clones.append((folder.resolve().name, folder))
    else:
        found.notes.append(
            Note(
                folder.name,
                f"{folder} has a katas/ folder but none of the workbook's kata files in it, so "
                "there is nothing of this learner's to grade: check that it is their clone of "
                "the workbook (or their unpacked submission) and that they committed their work.",
            )
        )


def _add_folder(catalog: Catalog, folder: Path, found: Inputs) -> None:
    if is_clone(folder):
        _add_clone(catalog, folder, found)
        return
    reports = sorted(p for p in folder.iterdir() if p.suffix == ".json" and p.is_file())
    clones = sorted(p for p in folder.iterdir() if p.is_dir() and is_clone(p))
    found.reports.extend((p.stem, p) for p in reports)
    for clone in clones:
        _add_clone(catalog, clone, found)
    others = sorted(
        p for p in folder.iterdir() if p.is_dir() and not is_clone(p) and not p.name.startswith(".")
    )
    if not reports and not clones:
        found.notes.append(
            Note(
                folder.name,
                f"{folder} holds no reports (*.json) and no kata files (a katas/ folder), so "
                "there is nothing of a learner's in it: give report files, a folder of them, or "
                "learners' clones of the workbook.",
            )
        )
        return
    for other in others:
        if not any(other.glob("*.json")):
            found.notes.append(
                Note(
                    other.name,
                    f"{other} holds no kata files (no katas/ folder) and no reports, so this "
                    "learner could not be graded: check that the folder is their clone of the "
                    "workbook or their unpacked submission.",
                )
            )
        else:
            found.reports.extend((p.stem, p) for p in sorted(other.glob("*.json")))


def sort_inputs(catalog: Catalog, given: list[str]) -> Inputs:
    found = Inputs()
    for raw in given:
        path = Path(raw).expanduser()
        if path.is_dir():
            _add_folder(catalog, path, found)
        elif path.is_file():
            found.reports.append((path.stem, path))
        else:
            found.notes.append(
                Note(raw, f"{raw} does not exist: give report files, folders, or clones.")
            )
    return found
