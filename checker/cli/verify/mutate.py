"""`checker verify --mutate`: which generated mutants each kata gets, and how they are scored.

The mutants come from `checker.workbook.generated` (small `ast` operators over the code inside a
solution's markers). A mutant the catalog marks equivalent on this database is not graded; a
catalog mark that matches no generated mutant any more is reported, so marks never rot silently.
Every other mutant must be caught by a check: a survivor is listed with its file, function,
operator and before → after text, and each kata and phase gets a mutation score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.results import KATA_PASSED, KataResult
from checker.workbook.catalog import Equivalent, Kata
from checker.workbook.generated import GeneratedMutant, fold, generate
from checker.workbook.kinds import SOLUTION_TREE, files_of


@dataclass(frozen=True)
class PlannedMutant:
    mutant: GeneratedMutant  # its `file` is relative to the kata (as the catalog names files)
    tree_file: str  # the same file relative to a tree, where it is written

    @property
    def key(self) -> str:
        """Its identity as one string (the killer cache's key)."""
        return "generated:" + "|".join(str(part) for part in self.mutant.key)

    @property
    def line(self) -> int:
        return self.mutant.line


@dataclass(frozen=True)
class KataMutants:
    """One kata's generated mutants on one database."""

    kata: Kata
    graded: tuple[PlannedMutant, ...]
    equivalent: tuple[PlannedMutant, ...]
    stale: tuple[Equivalent, ...]  # catalog marks that match no generated mutant


def _matches(mark: Equivalent, mutant: GeneratedMutant, only_file: str | None) -> bool:
    file = mark.file if mark.file is not None else only_file
    return (file, mark.function, mark.operator, fold(mark.before), fold(mark.after)) == (
        mutant.file,
        mutant.function,
        mutant.operator,
        fold(mutant.before),
        fold(mutant.after),
    ) and mark.occurrence == mutant.occurrence


def plan_kata(root: Path, kata: Kata, db: str) -> KataMutants:
    files = files_of(kata)
    texts = files.read(root / SOLUTION_TREE)
    only_file = files.name_of(files.relative[0]) if len(files.relative) == 1 else None
    marks = [mark for mark in kata.equivalents if mark.applies_to(db)]
    used: set[int] = set()
    graded, equivalent = [], []
    for tree_file, text in texts.items():
        for mutant in generate(files.name_of(tree_file), text):
            planned = PlannedMutant(mutant, tree_file)
            hit = next(
                (i for i, mark in enumerate(marks) if _matches(mark, mutant, only_file)), None
            )
            if hit is None:
                graded.append(planned)
            else:
                used.add(hit)
                equivalent.append(planned)
    stale = tuple(mark for i, mark in enumerate(marks) if i not in used)
    return KataMutants(kata, tuple(graded), tuple(equivalent), stale)


def mutated_texts(root: Path, kata: Kata, planned: PlannedMutant) -> dict[str, str]:
    """Every solution file of the kata, with one generated mutant applied."""
    texts = files_of(kata).read(root / SOLUTION_TREE)
    texts[planned.tree_file] = planned.mutant.apply(texts[planned.tree_file])
    return texts


@dataclass(frozen=True)
class Survivor:
    file: str
    function: str
    operator: str
    before: str
    after: str
    occurrence: int

    @classmethod
    def of(cls, mutant: GeneratedMutant) -> Survivor:
        return cls(
            mutant.file,
            mutant.function,
            mutant.operator,
            fold(mutant.before),
            fold(mutant.after),
            mutant.occurrence,
        )

    def describe(self) -> str:
        nth = f" (occurrence {self.occurrence})" if self.occurrence > 1 else ""
        return (
            f"{self.file} {self.function} [{self.operator}] {self.before!r} → {self.after!r}{nth}"
        )


@dataclass(frozen=True)
class MutationScore:
    """How a kata's checks fared against its generated mutants."""

    kata_id: str
    phase: int
    generated: int  # all generated on this database, equivalent ones included
    equivalent: int
    killed: int
    survivors: tuple[Survivor, ...] = ()
    stale_marks: tuple[str, ...] = field(default_factory=tuple)

    @property
    def graded(self) -> int:
        return self.generated - self.equivalent

    @property
    def score(self) -> float:
        return self.killed / self.graded if self.graded else 1.0

    @property
    def ok(self) -> bool:
        return not self.survivors and not self.stale_marks

    def to_json(self) -> dict[str, Any]:
        return {
            "kata_id": self.kata_id,
            "phase": self.phase,
            "generated": self.generated,
            "equivalent": self.equivalent,
            "killed": self.killed,
            "score": round(self.score, 4),
            "survivors": [vars(s) for s in self.survivors],
            "stale_marks": list(self.stale_marks),
        }


def score_kata(plan: KataMutants, results: list[KataResult | None]) -> MutationScore:
    """`results[i]` is how the checks fared on `plan.graded[i]`: any status but a pass kills it
    (a failing check, an error the learner would see, a time-out)."""
    survivors = [
        Survivor.of(planned.mutant)
        for planned, result in zip(plan.graded, results, strict=True)
        if result is not None and result.status == KATA_PASSED
    ]
    missing = sum(1 for result in results if result is None)
    stale = [
        f"the equivalent mark {m.function} [{m.operator}] {fold(m.before)!r} → {fold(m.after)!r}"
        " matches no generated mutant: the code changed, so check the mark and remove it"
        for m in plan.stale
    ]
    if missing:
        stale.append(f"{missing} generated mutant(s) got no result from the grader")
    return MutationScore(
        plan.kata.id,
        plan.kata.phase,
        generated=len(plan.graded) + len(plan.equivalent),
        equivalent=len(plan.equivalent),
        killed=len(plan.graded) - len(survivors) - missing,
        survivors=tuple(survivors),
        stale_marks=tuple(stale),
    )


def phase_scores(scores: list[MutationScore]) -> list[dict[str, Any]]:
    """Per phase: generated, equivalent, killed, survivors and the score."""
    phases: dict[int, list[MutationScore]] = {}
    for score in scores:
        phases.setdefault(score.phase, []).append(score)
    rows = []
    for number, members in sorted(phases.items()):
        graded = sum(s.graded for s in members)
        killed = sum(s.killed for s in members)
        rows.append(
            {
                "phase": number,
                "generated": sum(s.generated for s in members),
                "equivalent": sum(s.equivalent for s in members),
                "killed": killed,
                "survivors": sum(len(s.survivors) for s in members),
                "score": round(killed / graded if graded else 1.0, 4),
            }
        )
    return rows
