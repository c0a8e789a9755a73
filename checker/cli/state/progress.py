"""The learner's progress in .checker/state.json: last result per kata and hints revealed.

A pass is remembered with a fingerprint of the kata's file, so an edit after passing shows as
"edited" until the kata is checked again. The file is written atomically; a damaged one is set
aside (never silently thrown away) and progress starts over.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checker.cli.state.atomic import write_json_atomic
from checker.results import KATA_NOT_RUN, KATA_PASSED, RunResult
from checker.workbook.catalog import Kata
from checker.workbook.paths import state_dir

EDITED = "edited"  # passed once, changed since: unknown until checked again
_NOTE = "Written by `checker`; do not edit. Delete it to start your progress over."


def fingerprint(path: Path) -> str | None:
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    digest = hashlib.sha256()
    try:
        for file in files:
            digest.update(file.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()[:16]


@dataclass
class Progress:
    root: Path
    katas: dict[str, dict[str, Any]] = field(default_factory=dict)
    hints: dict[str, int] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return state_dir(self.root) / "state.json"

    @classmethod
    def load(cls, root: Path) -> Progress:
        progress = cls(root)
        try:
            data = json.loads(progress.path.read_text(encoding="utf-8"))
            progress.katas = dict(data.get("katas", {}))
            progress.hints = {k: int(v) for k, v in data.get("hints", {}).items()}
        except FileNotFoundError:
            pass
        except (ValueError, AttributeError, TypeError):
            damaged = progress.path.with_suffix(".damaged.json")
            progress.path.replace(damaged)
            progress.katas, progress.hints = {}, {}
        return progress

    def save(self) -> None:
        write_json_atomic(
            self.path, {"note": _NOTE, "version": 1, "katas": self.katas, "hints": self.hints}
        )

    def kata_file(self, kata: Kata) -> Path:
        package = self.root / "katas" / kata.phase_dir / kata.stem
        return package if package.is_dir() else self.root / "katas" / kata.rel_path

    def status(self, kata: Kata) -> str:
        entry = self.katas.get(kata.id)
        if not entry:
            return KATA_NOT_RUN
        if entry["status"] == KATA_PASSED and entry.get("file") != fingerprint(
            self.kata_file(kata)
        ):
            return EDITED
        return entry["status"]

    def record(self, run: RunResult, katas: dict[str, Kata]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for result in run.katas:
            if result.status == KATA_NOT_RUN:
                continue
            self.katas[result.kata_id] = {
                "status": result.status,
                "file": fingerprint(self.kata_file(katas[result.kata_id])),
                "checks_passed": result.passed_count,
                "checks_total": len(result.checks),
                "database": run.database,
                "at": now,
            }
        self.save()

    def reveal_hint(self, kata: Kata) -> int:
        """Reveal one more hint (if any are left); returns how many are revealed now."""
        shown = min(self.hints.get(kata.id, 0) + 1, len(kata.hints))
        self.hints[kata.id] = shown
        self.save()
        return shown
