"""The learner's progress in .checker/state.json: last result per kata and hints revealed.

A pass is remembered with a fingerprint of the kata's file, so an edit after passing shows as
"edited" until the kata is checked again. The file is written atomically; a damaged one is set
aside (never silently thrown away) and progress starts over.

Each result carries a seal: an HMAC of the entry under a random key kept beside it
(`.checker/key`). An entry written or changed by hand has no valid seal and shows as
"tampered" until the kata is graded again. Whoever reads the checker's code can forge a seal;
the seal only makes a naive edit visible (the instructor's regrade is what counts).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checker.cli.state.atomic import write_json_atomic, write_text_atomic
from checker.results import KATA_NOT_RUN, KATA_PASSED, KATA_TAMPERED, RunResult, status_words
from checker.workbook.catalog import Catalog, Kata
from checker.workbook.kinds import LEARNER_TREE, files_of
from checker.workbook.paths import state_dir

EDITED = "edited"  # passed once, changed since: unknown until checked again
FORGED = "the checker did not write this result (.checker/state.json was edited by hand)"
_NOTE = "Written by `checker`; do not edit. Delete it to start your progress over."


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

    @functools.cached_property
    def _key(self) -> bytes:
        """The seal's key: read once (status seals and checks every kata), made on first use."""
        path = state_dir(self.root) / "key"
        try:
            return bytes.fromhex(path.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            key = secrets.token_bytes(32)
            write_text_atomic(path, key.hex() + "\n")
            return key

    def _seal(self, kata_id: str, entry: dict[str, Any]) -> str:
        content = {k: v for k, v in entry.items() if k != "seal"}
        message = json.dumps([kata_id, content], sort_keys=True).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def forged(self, kata: Kata) -> bool:
        """Whether the kata's recorded result lacks the checker's seal."""
        entry = self.katas.get(kata.id)
        if not entry:
            return False
        return not hmac.compare_digest(str(entry.get("seal", "")), self._seal(kata.id, entry))

    def save(self) -> None:
        write_json_atomic(
            self.path, {"note": _NOTE, "version": 1, "katas": self.katas, "hints": self.hints}
        )

    def fingerprint(self, kata: Kata) -> str | None:
        return files_of(kata).fingerprint(self.root / LEARNER_TREE)

    def status(self, kata: Kata) -> str:
        entry = self.katas.get(kata.id)
        if not entry:
            return KATA_NOT_RUN
        if self.forged(kata):
            return KATA_TAMPERED
        if entry["status"] == KATA_PASSED and entry.get("file") != self.fingerprint(kata):
            return EDITED
        return str(entry["status"])

    def headline(self, kata: Kata) -> str:
        """The last status in words: the same words `checker kata` showed for that run."""
        status = self.status(kata)
        if status == KATA_TAMPERED and self.forged(kata):
            return f"tampered: {FORGED}; grade it again"
        needs_postgres = int(self.katas.get(kata.id, {}).get("needs_postgres", 0))
        return status_words(status, needs_postgres)

    def record(self, run: RunResult, katas: dict[str, Kata]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for result in run.katas:
            if result.status == KATA_NOT_RUN:
                continue
            entry = {
                "status": result.status,
                "file": self.fingerprint(katas[result.kata_id]),
                "needs_postgres": result.needs_postgres,
                "checks_passed": result.passed_count,
                "checks_total": len(result.checks),
                "database": run.database,
                "at": now,
            }
            entry["seal"] = self._seal(result.kata_id, entry)
            self.katas[result.kata_id] = entry
        self.save()

    def first_unsolved(self, catalog: Catalog) -> Kata | None:
        return next((k for k in catalog.katas if self.status(k) != KATA_PASSED), None)

    def reveal_hint(self, kata: Kata) -> int:
        """Reveal one more hint (if any are left); returns how many are revealed now."""
        shown = min(self.hints.get(kata.id, 0) + 1, len(kata.hints))
        self.hints[kata.id] = shown
        self.save()
        return shown
