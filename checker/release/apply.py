"""Carrying out an update plan (`checker.release.update`): back up, write, record.

Everything the update will overwrite or delete that is someone's work (a file that differs from
the old release) goes into one backup first, so `checker restore ID` undoes it. Files are written
atomically with the release's file mode (`.ci/run` stays executable). The move from one release
to the next is recorded in `.checker/updates/log.json`. Progress (`.checker/state.json`) is left
alone: a kata whose stub changed under the learner shows as edited and unsolved by itself.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from checker.cli.state.atomic import write_bytes_atomic, write_json_atomic
from checker.cli.state.backups import Backup, backup
from checker.release.update import SET_ASIDE_FOLDER, Action, Plan

LOG = f"{SET_ASIDE_FOLDER}/log.json"


@dataclass(frozen=True)
class Applied:
    plan: Plan
    backup: Backup | None  # the learner's (or edited grader) files the update replaced or removed
    log: Path


def apply(plan: Plan, source_spec: str) -> Applied:
    root, source = plan.root.root, plan.source.root
    precious = [root / step.path for step in plan.backed_up if (root / step.path).is_file()]
    saved = backup(root, precious) if precious else None
    for step in plan.steps:
        if step.action in (Action.ADD, Action.REPLACE):
            _copy(source / step.path, root / step.path)
        elif step.action is Action.SET_ASIDE:
            _copy(source / step.path, root / plan.set_aside_path(step))
        elif step.action is Action.REMOVE:
            _remove(root, step.path)
    log = root / LOG
    _record(log, plan, source_spec, saved)
    return Applied(plan, saved, log)


def _copy(original: Path, target: Path) -> None:
    write_bytes_atomic(target, original.read_bytes(), stat.S_IMODE(original.stat().st_mode))


def _remove(root: Path, path: str) -> None:
    """Delete the file, and the folders it leaves empty (a kata package gone from the release)."""
    target = root / path
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _record(log: Path, plan: Plan, source_spec: str, saved: Backup | None) -> None:
    try:
        entries = json.loads(log.read_text("utf-8"))
        entries = entries if isinstance(entries, list) else []
    except (OSError, ValueError):
        entries = []
    entries.append(
        {
            "from": plan.from_version,
            "to": plan.to_version,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": source_spec,
            "taken": [s.path for s in plan.having(Action.ADD, Action.REPLACE)],
            "kept": [s.path for s in plan.having(Action.KEEP)],
            "set_aside": [plan.set_aside_path(s) for s in plan.having(Action.SET_ASIDE)],
            "removed": [s.path for s in plan.having(Action.REMOVE)],
            "backup": saved.stamp if saved else None,
        }
    )
    write_json_atomic(log, entries)
