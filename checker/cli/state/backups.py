"""Copies of learners' files, taken before anything overwrites them, and putting them back.

A backup is one folder under .checker/backups/<time>/ holding the files saved together (every
file of a kata that a reset replaced, say), at their paths relative to the workbook.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from checker.workbook.paths import state_dir


@dataclass(frozen=True)
class Backup:
    stamp: str  # when it was taken, e.g. 20261123T151700123456Z; also its id
    files: tuple[str, ...]  # the files it holds copies of, relative to the workbook
    folder: Path

    @property
    def taken(self) -> str:
        moment = datetime.strptime(self.stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")

    def copy_of(self, original: str) -> Path:
        return self.folder / original


def _folder(root: Path) -> Path:
    return state_dir(root) / "backups"


def _new_stamp_folder(root: Path) -> Path:
    while True:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        folder = _folder(root) / stamp
        try:
            folder.mkdir(parents=True)
            return folder
        except FileExistsError:  # two backups in one microsecond: take the next
            continue


def backup(root: Path, paths: list[Path]) -> Backup:
    """Copy the files among `paths` that exist (all inside the workbook) into one new backup."""
    folder = _new_stamp_folder(root)
    saved = []
    for path in paths:
        if not path.is_file():
            continue
        relative = path.resolve().relative_to(root.resolve())
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, folder / relative)
        saved.append(relative.as_posix())
    return Backup(folder.name, tuple(sorted(saved)), folder)


def list_backups(root: Path) -> list[Backup]:
    """Every backup, newest first."""
    folder = _folder(root)
    if not folder.is_dir():
        return []
    found = []
    for stamp_dir in folder.iterdir():
        files = tuple(
            sorted(p.relative_to(stamp_dir).as_posix() for p in stamp_dir.rglob("*") if p.is_file())
        )
        if stamp_dir.is_dir() and files:
            found.append(Backup(stamp_dir.name, files, stamp_dir))
    return sorted(found, key=lambda b: b.stamp, reverse=True)


def restore(root: Path, chosen: Backup) -> Backup | None:
    """Put a backup's files back. The files it replaces are backed up first (those that differ),
    so a restore can itself be undone. Returns that new backup, if one was taken."""
    targets = [root / name for name in chosen.files]
    differing = [
        target
        for name, target in zip(chosen.files, targets, strict=True)
        if target.exists() and target.read_bytes() != chosen.copy_of(name).read_bytes()
    ]
    saved = backup(root, differing) if differing else None
    for name, target in zip(chosen.files, targets, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(chosen.copy_of(name), target)
    return saved
