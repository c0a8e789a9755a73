"""Copies of learners' files, taken before anything overwrites them."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

from checker.paths import state_dir


def backup(root: Path, path: Path) -> Path:
    """Copy `path` (inside the workbook) under .checker/backups/<time>/, keeping its relative path."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = state_dir(root) / "backups" / stamp / path.resolve().relative_to(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        shutil.copytree(path, target)
    else:
        shutil.copy2(path, target)
    return target
