"""Copies of learners' files, taken before anything overwrites them, and putting them back."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from checker.workbook.paths import state_dir


@dataclass(frozen=True)
class Backup:
    stamp: str  # when it was taken, e.g. 20261123T151700123456Z
    original: str  # the file it is a copy of, relative to the workbook
    path: Path  # the copy

    @property
    def taken(self) -> str:
        moment = datetime.strptime(self.stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _folder(root: Path) -> Path:
    return state_dir(root) / "backups"


def backup(root: Path, path: Path) -> Path:
    """Copy `path` (inside the workbook) under .checker/backups/<time>/, keeping its relative path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = _folder(root) / stamp / path.resolve().relative_to(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        shutil.copytree(path, target)
    else:
        shutil.copy2(path, target)
    return target


def list_backups(root: Path) -> list[Backup]:
    """Every backup, newest first."""
    found = []
    folder = _folder(root)
    if not folder.is_dir():
        return []
    for stamp_dir in folder.iterdir():
        if not stamp_dir.is_dir():
            continue
        for copy in stamp_dir.rglob("*.py"):
            found.append(Backup(stamp_dir.name, copy.relative_to(stamp_dir).as_posix(), copy))
    return sorted(found, key=lambda b: (b.stamp, b.original), reverse=True)


def restore(root: Path, chosen: Backup) -> Path | None:
    """Put a backup back. The file it replaces is backed up first (unless identical), so a restore
    can itself be undone. Returns that new backup, if one was taken."""
    target = root / chosen.original
    saved = None
    if target.exists() and target.read_bytes() != chosen.path.read_bytes():
        saved = backup(root, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(chosen.path, target)
    return saved
