"""`checker verify`: can the workbook be trusted before class?

Static (a second or two): every catalog entry complete, files present, markers balanced, stubs in
sync with solutions, mutants applicable, every curriculum topic of a phase taught.
Dynamic: in one child process per round, run on both cores: all solutions (must pass), all stubs
generated afresh (must fail, for the right reason), and mutant round j (the j-th mutant of every
kata; each must be caught).
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from checker import results as r
from checker.cli.databases import DatabaseTarget
from checker.cli.runner.launch import subprocess_launch
from checker.cli.runner.run import run_checks
from checker.cli.runner.warm import WarmRunner
from checker.workbook.catalog import Catalog, Kata, Phase
from checker.workbook.markers import MarkerError, count_regions, make_stub
from checker.workbook.mutants import MutantError, apply_mutant

MIN_HINTS, MIN_TALKING_POINTS, MIN_MUTANTS = 2, 1, 2


@dataclass(frozen=True)
class Problem:
    where: str
    what: str


@dataclass(frozen=True)
class KataVerdict:
    kata_id: str
    title: str
    problems: tuple[str, ...] = ()
    checks: int = 0
    stub_failing: int = 0
    mutants_caught: int = 0
    mutants_total: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class VerifyResult:
    database: str
    static_only: bool
    verdicts: tuple[KataVerdict, ...]
    phase_problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.phase_problems and all(v.ok for v in self.verdicts)

    @property
    def summary(self) -> str:
        checks = sum(v.checks for v in self.verdicts)
        caught = sum(v.mutants_caught for v in self.verdicts)
        total = sum(v.mutants_total for v in self.verdicts)
        failing = sum(1 for v in self.verdicts if not v.ok) + len(self.phase_problems)
        verdict = "all good" if self.ok else f"{failing} problem(s)"
        if self.static_only:
            return f"katas: {len(self.verdicts)}, static checks only, database: none — {verdict}"
        return (
            f"katas: {len(self.verdicts)}, checks: {checks}, mutants caught: {caught}/{total}, "
            f"database: {self.database} — {verdict}"
        )

    def to_json(self) -> dict:
        return {
            "database": self.database,
            "static_only": self.static_only,
            "ok": self.ok,
            "summary": self.summary,
            "phase_problems": [p.__dict__ for p in self.phase_problems],
            "katas": [v.__dict__ | {"ok": v.ok} for v in self.verdicts],
        }


def static_problems(catalog: Catalog, kata: Kata) -> list[str]:
    root = catalog.root
    problems: list[str] = []
    solution_path = root / "solutions" / kata.rel_path
    stub_path = root / "katas" / kata.rel_path
    for label, path in (
        ("solution", solution_path),
        ("checks", root / kata.test_path),
        ("stub", stub_path),
    ):
        if not path.exists():
            problems.append(f"its {label} file {path.relative_to(root)} is missing")
    if len(kata.hints) < MIN_HINTS:
        problems.append(f"has {len(kata.hints)} hint(s); needs at least {MIN_HINTS}")
    if len(kata.talking_points) < MIN_TALKING_POINTS:
        problems.append("has no mentoring talking points")
    if len(kata.mutants) < MIN_MUTANTS:
        problems.append(f"has {len(kata.mutants)} mutant(s); needs at least {MIN_MUTANTS}")
    names = [m.name for m in kata.mutants]
    if len(set(names)) != len(names):
        problems.append("has two mutants with the same name")
    phase = catalog.phase(kata.phase)
    unknown = [t for t in kata.topics if phase and t not in phase.topics + phase.lesson_topics]
    if unknown:
        problems.append(
            f"names topics {unknown} that phase {kata.phase} does not list in phases/curriculum.toml"
        )
    if not solution_path.exists():
        return problems
    solution = solution_path.read_text(encoding="utf-8")
    if not solution.lstrip().startswith(('"""', "'''")):
        problems.append("its solution has no docstring (the docstring is the kata's instructions)")
    try:
        stub = make_stub(solution)
    except MarkerError as exc:
        return problems + [f"solution markers: {exc}"]
    if count_regions(solution) == 0:
        problems.append(
            "its solution has no BEGIN SOLUTION region, so the stub would be the answer"
        )
    if stub_path.exists() and stub_path.read_text(encoding="utf-8") != stub:
        problems.append(
            f"{stub_path.relative_to(root)} is out of sync with its solution (run `checker stubs`)"
        )
    for mutant in kata.mutants:
        try:
            apply_mutant(solution, mutant)
        except MutantError as exc:
            problems.append(str(exc))
    return problems


def phase_problems(catalog: Catalog, phase: Phase) -> list[Problem]:
    problems = []
    taught = {topic for kata in phase.katas for topic in kata.topics}
    missing = [t for t in phase.topics if t not in taught]
    if missing:
        problems.append(Problem(f"phase {phase.number}", f"no kata teaches the topics {missing}"))
    numbers = [kata.number for kata in phase.katas]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(
            Problem(
                f"phase {phase.number}",
                f"kata numbers should run 1..{len(numbers)} without gaps, not {numbers}",
            )
        )
    if not (catalog.root / phase.lesson_path).exists():
        problems.append(
            Problem(f"phase {phase.number}", f"the lesson {phase.lesson_path} is missing")
        )
    return problems


def _write_round(folder: Path, files: dict[Kata, str]) -> dict[str, Path]:
    overrides = {}
    for kata, text in files.items():
        path = folder / kata.rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        overrides[kata.id] = path
    return overrides


def verify(
    catalog: Catalog, phases: list[Phase], target: DatabaseTarget, static_only: bool
) -> VerifyResult:
    katas = [k for p in phases for k in p.katas]
    statics = {k.id: static_problems(catalog, k) for k in katas}
    by_phase = [p for phase in phases for p in phase_problems(catalog, phase)]
    runnable = [k for k in katas if not statics[k.id] and k.runs_on(target.kind)]
    if static_only or not runnable:
        verdicts = [
            KataVerdict(k.id, k.title, tuple(statics[k.id]), mutants_total=len(k.mutants))
            for k in katas
        ]
        return VerifyResult(target.label, True, tuple(verdicts), tuple(by_phase))

    solutions = {
        k: (catalog.root / "solutions" / k.rel_path).read_text(encoding="utf-8") for k in runnable
    }
    with tempfile.TemporaryDirectory(prefix="checker-verify-") as folder:
        rounds: dict[str, dict[str, Path] | None] = {"solution": None}
        rounds["stub"] = _write_round(
            Path(folder) / "stubs", {k: make_stub(s) for k, s in solutions.items()}
        )
        deepest = max(len(k.mutants) for k in runnable)
        for j in range(deepest):
            mutated = {
                k: apply_mutant(s, k.mutants[j]) for k, s in solutions.items() if j < len(k.mutants)
            }
            rounds[f"mutant{j}"] = _write_round(Path(folder) / f"mutant{j}", mutated)

        cores = max(1, min(len(rounds), os.cpu_count() or 1))
        warm = WarmRunner(cores) if WarmRunner.available() else None
        launch = warm.launch if warm else subprocess_launch

        def grade(name: str) -> tuple[str, r.RunResult]:
            overrides = rounds[name]
            if overrides is None:
                solutions_root = catalog.root / "solutions"
                return name, run_checks(
                    catalog.root, runnable, target, kata_root=solutions_root, launch=launch
                )
            graded = [k for k in runnable if k.id in overrides]
            # A mutant is caught by its first failing check; the stub's checks all run, to count them.
            return name, run_checks(
                catalog.root,
                graded,
                target,
                overrides=overrides,
                launch=launch,
                first_failure=name != "stub",
            )

        try:
            with ThreadPoolExecutor(max_workers=cores) as pool:
                outcome = dict(pool.map(grade, rounds))
        finally:
            if warm:
                warm.close()

    verdicts = []
    for kata in katas:
        problems = list(statics[kata.id])
        if kata not in runnable:
            if not problems:
                problems.append(f"not run: needs {kata.db}")
            verdicts.append(
                KataVerdict(kata.id, kata.title, tuple(problems), mutants_total=len(kata.mutants))
            )
            continue
        solved = _find(outcome["solution"], kata.id)
        if solved.status != r.KATA_PASSED:
            detail = solved.problem or "; ".join(
                f"{c.name}: {c.message.splitlines()[0] if c.message else c.outcome}"
                for c in solved.failures
            )
            problems.append(f"the solution does not pass ({solved.status}): {detail}")
        stub = _find(outcome["stub"], kata.id)
        stub_failing = len(stub.failures)
        if stub.status == r.KATA_BROKEN:
            problems.append(f"the stub is broken, not merely unsolved: {stub.problem}")
        elif stub.status != r.KATA_FAILED:
            problems.append(f"the stub does not fail its checks (status: {stub.status})")
        caught = 0
        for j, mutant in enumerate(kata.mutants):
            graded = _find(outcome[f"mutant{j}"], kata.id)
            if graded.status == r.KATA_BROKEN:
                problems.append(
                    f"mutant {mutant.name!r} breaks the file instead of making a mistake: {graded.problem}"
                )
            elif graded.status == r.KATA_PASSED:
                problems.append(f"mutant {mutant.name!r} is not caught: every check passes on it")
            else:
                caught += 1
        verdicts.append(
            KataVerdict(
                kata.id,
                kata.title,
                tuple(problems),
                checks=len(solved.checks),
                stub_failing=stub_failing,
                mutants_caught=caught,
                mutants_total=len(kata.mutants),
            )
        )
    return VerifyResult(target.label, False, tuple(verdicts), tuple(by_phase))


def _find(run: r.RunResult, kata_id: str) -> r.KataResult:
    return next(k for k in run.katas if k.kata_id == kata_id)
