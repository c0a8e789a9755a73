"""Writing stubs over the learner's files (reset, `checker stubs`): every file that would change
is backed up first, in one backup per kata, and each is written atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from checker.cli.state.atomic import write_text_atomic
from checker.cli.state.backups import Backup, backup
from checker.workbook.catalog import Kata
from checker.workbook.kinds import LEARNER_TREE, files_of


@dataclass(frozen=True)
class StubChange:
    kata: Kata
    files: tuple[str, ...]  # the learner's files that differ from the stub, relative to the root
    texts: dict[str, str]  # their stub texts, by the same names


@dataclass(frozen=True)
class Written:
    kata: Kata
    files: tuple[str, ...]
    backup: Backup | None  # the learner's versions, when there were any


def stale_stubs(root: Path, katas: list[Kata]) -> list[StubChange]:
    """The katas whose files in katas/ are not their stubs (missing ones included)."""
    changes = []
    for kata in katas:
        files = files_of(kata)
        current = files.read(root / LEARNER_TREE)
        stubs = {
            f"{LEARNER_TREE}/{name}": text
            for name, text in files.stubs(root).items()
            if current.get(name) != text
        }
        if stubs:
            changes.append(StubChange(kata, tuple(sorted(stubs)), stubs))
    return changes


def write_stubs(root: Path, change: StubChange) -> Written:
    existing = [root / name for name in change.files if (root / name).exists()]
    saved = backup(root, existing) if existing else None
    for name, text in change.texts.items():
        write_text_atomic(root / name, text)
    return Written(change.kata, change.files, saved)
