"""Which mutants a learner's code behaves like: the same set of failing checks.

Each named mutant of the kata (and, when asked, each generated one) is graded once and remembered
by the names of the checks it fails: its signature. A learner whose failing checks are exactly a
mutant's (and not none) most likely made that mistake. Signatures depend only on the solution,
the checks, the catalog's mutants, the database kind and the checker, so they are cached in
`.checker/review-cache/<kata>-<hash>.json` and a second review of the same kata grades no mutant.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from checker import __version__
from checker.cli.state.atomic import write_json_atomic
from checker.cli.verify.mutate import mutated_texts, plan_kata
from checker.results import NEEDS_POSTGRES, PASSED, KataResult
from checker.workbook.catalog import Kata
from checker.workbook.kinds import SOLUTION_TREE, files_of
from checker.workbook.mutants import MutantError
from checker.workbook.paths import state_dir

CACHE_FOLDER = "review-cache"
# Grades several versions of the kata's files (each a {relative name: text}), one result each.
GradeMany = Callable[[list[dict[str, str]]], list[KataResult]]


def failing_checks(result: KataResult) -> frozenset[str]:
    """The names of the checks that did not pass (a check needing Postgres on SQLite is not a
    failure: it did not run for anyone)."""
    return frozenset(c.name for c in result.checks if c.outcome not in (PASSED, NEEDS_POSTGRES))


@dataclass(frozen=True)
class MutantSignature:
    key: str  # "named:<name>", or a generated mutant's identity
    name: str  # what the mentor reads
    generated: bool
    failing: frozenset[str]

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "generated": self.generated,
            "failing": sorted(self.failing),
        }


def _cache_path(root: Path, kata: Kata, db: str) -> Path:
    files = files_of(kata)
    digest = hashlib.sha256(f"{__version__}\0{db}\0".encode())
    for name, text in sorted(files.read(root / SOLUTION_TREE).items()):
        digest.update(f"{name}\0{text}\0".encode())
    try:
        digest.update((root / files.checks).read_bytes())
    except OSError:
        pass
    digest.update(repr(kata.mutants).encode() + repr(kata.equivalents).encode())
    return state_dir(root) / CACHE_FOLDER / f"{kata.id}-{digest.hexdigest()[:16]}.json"


def _load(path: Path) -> dict[str, MutantSignature]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            key: MutantSignature(key, str(v["name"]), bool(v["generated"]), frozenset(v["failing"]))
            for key, v in data["mutants"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # none yet, or damaged: it is only a cache


def _save(path: Path, known: dict[str, MutantSignature]) -> None:
    write_json_atomic(path, {"mutants": {key: s.to_json() for key, s in known.items()}})


def _wanted(root: Path, kata: Kata, db: str, generated: bool) -> tuple[dict, list[str]]:
    """key -> (name, generated?, texts) for every mutant to know, and notes on those that
    could not be built."""
    files = files_of(kata)
    wanted: dict[str, tuple[str, bool, dict[str, str]]] = {}
    notes = []
    for mutant in kata.mutants:
        try:
            wanted[f"named:{mutant.name}"] = (mutant.name, False, files.mutated(root, mutant))
        except MutantError as exc:
            notes.append(f"named mutant skipped: {exc}")
    if generated:
        for planned in plan_kata(root, kata, db).graded:
            texts = mutated_texts(root, kata, planned)
            wanted[planned.key] = (planned.mutant.describe(), True, texts)
    return wanted, notes


def signatures(
    root: Path, kata: Kata, db: str, grade_many: GradeMany, generated: bool = False
) -> tuple[list[MutantSignature], list[str]]:
    """Every named (and with `generated`, generated) mutant's signature: from the cache, the
    rest graded now and added to it."""
    path = _cache_path(root, kata, db)
    known = _load(path)
    wanted, notes = _wanted(root, kata, db, generated)
    missing = [key for key in wanted if key not in known]
    if missing:
        results = grade_many([wanted[key][2] for key in missing])
        for key, result in zip(missing, results, strict=True):
            name, is_generated, _ = wanted[key]
            known[key] = MutantSignature(key, name, is_generated, failing_checks(result))
        _save(path, known)
    return [known[key] for key in wanted], notes


def behaves_like(failing: frozenset[str], mutants: list[MutantSignature]) -> list[MutantSignature]:
    """The mutants whose failing checks are exactly `failing` (never for code that passes)."""
    if not failing:
        return []
    return [m for m in mutants if m.failing == failing]
