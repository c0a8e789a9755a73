"""`checker verify`: can the workbook be trusted before class?

Static checks (`checker.cli.verify.static`) first. Then, graded concurrently on every core, one
child process per round: all solutions (must pass), all stubs generated afresh (must fail, for
the right reason), and mutant round j (the j-th mutant of every kata; each must be caught).
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from checker.cli.databases import DatabaseTarget
from checker.cli.runner.launch import Launch, subprocess_launch
from checker.cli.runner.run import run_checks
from checker.cli.runner.warm import WarmRunner
from checker.cli.verify.killers import Killers, mutant_index, mutant_round
from checker.cli.verify.mutate import (
    KataMutants,
    MutationScore,
    mutated_texts,
    phase_scores,
    plan_kata,
    score_kata,
)
from checker.cli.verify.static import Problem, phase_problems, static_problems
from checker.results import (
    KATA_BROKEN,
    KATA_FAILED,
    KATA_PASSED,
    SCHEMA_VERSION,
    KataResult,
    RunResult,
)
from checker.workbook.catalog import Catalog, Kata, Phase
from checker.workbook.kinds import files_of

SOLUTION_ROUND, STUB_ROUND = "solution", "stub"

__all__ = [
    "KataVerdict",
    "Problem",
    "Round",
    "VerifyResult",
    "grade_rounds",
    "phase_problems",
    "static_problems",
    "verify",
]


@dataclass(frozen=True)
class KataVerdict:
    kata_id: str
    title: str
    problems: tuple[str, ...] = ()
    checks: int = 0
    stub_failing: int = 0
    mutants_caught: int = 0
    mutants_total: int = 0
    # not run on this database: the catalog says the kata needs another ("postgres")
    needs: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class VerifyResult:
    database: str
    static_only: bool
    verdicts: tuple[KataVerdict, ...]
    phase_problems: tuple[Problem, ...] = field(default_factory=tuple)
    mutation: tuple[MutationScore, ...] | None = None  # with --mutate: generated mutants, per kata

    @property
    def ok(self) -> bool:
        mutation_ok = all(score.ok for score in self.mutation or ())
        return not self.phase_problems and all(v.ok for v in self.verdicts) and mutation_ok

    @property
    def survivors(self) -> int:
        return sum(len(score.survivors) for score in self.mutation or ())

    @property
    def summary(self) -> str:
        checks = sum(v.checks for v in self.verdicts)
        caught = sum(v.mutants_caught for v in self.verdicts)
        total = sum(v.mutants_total for v in self.verdicts)
        failing = sum(1 for v in self.verdicts if not v.ok) + len(self.phase_problems)
        failing += sum(1 for score in self.mutation or () if not score.ok)
        verdict = "all good" if self.ok else f"{failing} problem(s)"
        if self.static_only:
            return f"katas: {len(self.verdicts)}, static checks only, database: none — {verdict}"
        generated = ""
        if self.mutation is not None:
            killed = sum(s.killed for s in self.mutation)
            graded = sum(s.graded for s in self.mutation)
            equivalent = sum(s.equivalent for s in self.mutation)
            generated = (
                f", generated mutants killed: {killed}/{graded} "
                f"({equivalent} marked equivalent, {self.survivors} unresolved)"
            )
        not_run = sum(1 for v in self.verdicts if v.needs)
        needs = f", not run here (need Postgres): {not_run}" if not_run else ""
        return (
            f"katas: {len(self.verdicts)}, checks: {checks}, mutants caught: {caught}/{total}"
            f"{generated}{needs}, database: {self.database} — {verdict}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "type": "verify",
            "database": self.database,
            "static_only": self.static_only,
            "ok": self.ok,
            "summary": self.summary,
            "phase_problems": [asdict(p) for p in self.phase_problems],
            "katas": [asdict(v) | {"ok": v.ok} for v in self.verdicts],
            "mutation": None
            if self.mutation is None
            else {
                "katas": [score.to_json() for score in self.mutation],
                "phases": phase_scores(list(self.mutation)),
            },
        }


@dataclass
class Round:
    """One child run of verify: every kata's tree for this round (none for the solution round,
    which grades solutions/ itself), and for a mutant round the checks to run first per kata."""

    name: str
    trees: dict[str, Path] = field(default_factory=dict)
    first_checks: dict[str, str] = field(default_factory=dict)
    mutants: bool = False  # stop at a kata's first failing check: one is enough to catch it


def _generated_round(index: int) -> str:
    return f"generated{index}"


def _write_rounds(
    catalog: Catalog,
    katas: list[Kata],
    folder: Path,
    killers: Killers,
    generated: dict[str, KataMutants],
) -> dict[str, Round]:
    """Every round and its trees: the solutions, the stubs, named mutant round j (each kata's
    j-th named mutant) and generated round j (each kata's j-th generated mutant)."""
    rounds = {SOLUTION_ROUND: Round(SOLUTION_ROUND), STUB_ROUND: Round(STUB_ROUND)}
    for kata in katas:
        files = files_of(kata)
        files.write(folder / STUB_ROUND, files.stubs(catalog.root))
        rounds[STUB_ROUND].trees[kata.id] = folder / STUB_ROUND
        for j, mutant in enumerate(kata.mutants):
            name = mutant_round(j)
            files.write(folder / name, files.mutated(catalog.root, mutant))
            round_ = rounds.setdefault(name, Round(name, mutants=True))
            round_.trees[kata.id] = folder / name
        for j, planned in enumerate(generated[kata.id].graded if kata.id in generated else ()):
            name = _generated_round(j)
            files.write(folder / name, mutated_texts(catalog.root, kata, planned))
            round_ = rounds.setdefault(name, Round(name, mutants=True))
            round_.trees[kata.id] = folder / name
            if order := killers.order(kata, planned.key, planned.tree_file, planned.line):
                round_.first_checks[kata.id] = order
    for name, round_ in rounds.items():
        if name.startswith("mutant"):  # named mutants: the killer cache or the likeliest checks
            graded = [k for k in katas if k.id in round_.trees]
            round_.first_checks = killers.first_checks(graded, mutant_index(name))
    return rounds


def _postgres_workers(url: str) -> int:
    """Every worker holds connections while it grades: stay within the server's limit. (A server
    that cannot be reached gets one worker, whose child then says so in one paragraph.)"""
    from checker.plugin.pg_roles import connection_budget  # SQLAlchemy: only when needed

    try:
        return max(1, connection_budget(url))
    except Exception:
        return 1


def grade_rounds(
    catalog: Catalog, katas: list[Kata], target: DatabaseTarget, rounds: dict[str, Round]
) -> dict[str, RunResult]:
    cores = max(1, min(len(rounds), os.cpu_count() or 1))
    if target.kind == "postgres" and target.url:
        cores = min(cores, _postgres_workers(target.url))
    warm = WarmRunner(cores) if WarmRunner.available() else None
    launch: Launch = warm.launch if warm else subprocess_launch

    def grade(round_: Round) -> tuple[str, RunResult]:
        if round_.name == SOLUTION_ROUND:
            kata_root = catalog.root / "solutions"
            return round_.name, run_checks(
                catalog.root, katas, target, kata_root=kata_root, launch=launch
            )
        # The stub's checks all run, to count how many fail. A mutant is caught by its first
        # failing check: the one that caught it last time runs first, and the rest are skipped
        # once one fails.
        graded = [k for k in katas if k.id in round_.trees]
        run = run_checks(
            catalog.root,
            graded,
            target,
            trees=round_.trees,
            launch=launch,
            first_failure=round_.mutants,
            first_checks=round_.first_checks,
        )
        return round_.name, run

    try:
        with ThreadPoolExecutor(max_workers=cores) as pool:
            return dict(pool.map(grade, rounds.values()))
    finally:
        if warm:
            warm.close()


def _find(run: RunResult, kata_id: str) -> KataResult:
    found = run.find(kata_id)
    assert found is not None, f"kata {kata_id} missing from a verify round"
    return found


def _solution_problems(solved: KataResult) -> list[str]:
    if solved.status == KATA_PASSED:
        return []
    detail = solved.problem or "; ".join(
        f"{c.name}: {c.message.splitlines()[0] if c.message else c.outcome}"
        for c in solved.failures
    )
    return [f"the solution does not pass ({solved.headline}): {detail}"]


def _stub_problems(stub: KataResult) -> list[str]:
    if stub.status == KATA_BROKEN:
        return [f"the stub is broken, not merely unsolved: {stub.problem}"]
    if stub.status != KATA_FAILED:
        return [f"the stub does not fail its checks (status: {stub.headline})"]
    return []


def _judge_kata(kata: Kata, outcome: dict[str, RunResult], problems: list[str]) -> KataVerdict:
    solved = _find(outcome[SOLUTION_ROUND], kata.id)
    stub = _find(outcome[STUB_ROUND], kata.id)
    problems = problems + _solution_problems(solved) + _stub_problems(stub)
    caught = 0
    for j, mutant in enumerate(kata.mutants):
        graded = _find(outcome[mutant_round(j)], kata.id)
        if graded.status == KATA_BROKEN:
            problems.append(
                f"mutant {mutant.name!r} breaks the file instead of making a mistake: "
                f"{graded.problem}"
            )
        elif graded.status == KATA_PASSED:
            problems.append(f"mutant {mutant.name!r} is not caught: every check passes on it")
        else:
            caught += 1
    return KataVerdict(
        kata.id,
        kata.title,
        tuple(problems),
        checks=len(solved.checks),
        stub_failing=len(stub.failures),
        mutants_caught=caught,
        mutants_total=len(kata.mutants),
    )


def verify(
    catalog: Catalog,
    phases: list[Phase],
    target: DatabaseTarget,
    static_only: bool,
    mutate: bool = False,
) -> VerifyResult:
    """Static checks, then solutions, stubs and named mutants; with `mutate`, the mutants
    generated from every solution's code too, in the same rounds on the same warm runners."""
    katas = [k for p in phases for k in p.katas]
    statics = {k.id: static_problems(catalog, k) for k in katas}
    by_phase = tuple(p for phase in phases for p in phase_problems(catalog, phase))
    runnable = [k for k in katas if not statics[k.id] and k.runs_on(target.kind)]
    if static_only or not runnable:
        verdicts = [
            KataVerdict(k.id, k.title, tuple(statics[k.id]), mutants_total=len(k.mutants))
            for k in katas
        ]
        return VerifyResult(target.label, True, tuple(verdicts), by_phase)

    killers = Killers.load(catalog.root)
    generated = {k.id: plan_kata(catalog.root, k, target.kind) for k in runnable} if mutate else {}
    with tempfile.TemporaryDirectory(prefix="checker-verify-") as folder:
        rounds = _write_rounds(catalog, runnable, Path(folder), killers, generated)
        outcome = grade_rounds(catalog, runnable, target, rounds)
    killers.remember(runnable, outcome)
    scores = [_score_generated(plan, outcome, killers) for plan in generated.values()]
    killers.save()

    verdicts = []
    for kata in katas:
        if kata in runnable:
            verdicts.append(_judge_kata(kata, outcome, statics[kata.id]))
            continue
        # a Postgres-only kata is not a problem on SQLite, and not a pass either: "needs postgres"
        verdicts.append(
            KataVerdict(
                kata.id,
                kata.title,
                tuple(statics[kata.id]),
                mutants_total=len(kata.mutants),
                needs="" if kata.runs_on(target.kind) else kata.db,
            )
        )
    mutation = tuple(scores) if mutate else None
    return VerifyResult(target.label, False, tuple(verdicts), by_phase, mutation)


def _score_generated(
    plan: KataMutants, outcome: dict[str, RunResult], killers: Killers
) -> MutationScore:
    results = []
    for j, planned in enumerate(plan.graded):
        run = outcome.get(_generated_round(j))
        result = run.find(plan.kata.id) if run else None
        killers.caught(plan.kata.id, planned.key, result)
        results.append(result)
    return score_kata(plan, results)
