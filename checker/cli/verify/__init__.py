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

__all__ = ["KataVerdict", "Problem", "VerifyResult", "phase_problems", "static_problems", "verify"]


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
        }


def _write_rounds(catalog: Catalog, katas: list[Kata], folder: Path) -> dict[str, dict[str, Path]]:
    """Every round's trees: kata id -> a folder laid out like katas/ holding that round's files.
    The solution round grades solutions/ itself, so it has none."""
    rounds: dict[str, dict[str, Path]] = {SOLUTION_ROUND: {}, STUB_ROUND: {}}
    for kata in katas:
        files = files_of(kata)
        files.write(folder / STUB_ROUND, files.stubs(catalog.root))
        rounds[STUB_ROUND][kata.id] = folder / STUB_ROUND
        for j, mutant in enumerate(kata.mutants):
            tree = folder / mutant_round(j)
            files.write(tree, files.mutated(catalog.root, mutant))
            rounds.setdefault(mutant_round(j), {})[kata.id] = tree
    return rounds


def _postgres_workers(url: str) -> int:
    """Every worker holds connections while it grades: stay within the server's limit. (A server
    that cannot be reached gets one worker, whose child then says so in one paragraph.)"""
    from checker.plugin.pg_roles import connection_budget  # SQLAlchemy: only when needed

    try:
        return max(1, connection_budget(url))
    except Exception:
        return 1


def _grade_rounds(
    catalog: Catalog,
    katas: list[Kata],
    target: DatabaseTarget,
    rounds: dict[str, dict[str, Path]],
    killers: Killers,
) -> dict[str, RunResult]:
    cores = max(1, min(len(rounds), os.cpu_count() or 1))
    if target.kind == "postgres" and target.url:
        cores = min(cores, _postgres_workers(target.url))
    warm = WarmRunner(cores) if WarmRunner.available() else None
    launch: Launch = warm.launch if warm else subprocess_launch

    def grade(name: str) -> tuple[str, RunResult]:
        trees = rounds[name]
        if name == SOLUTION_ROUND:
            run = run_checks(
                catalog.root, katas, target, kata_root=catalog.root / "solutions", launch=launch
            )
            return name, run
        graded = [k for k in katas if k.id in trees]
        if name == STUB_ROUND:  # the stub's checks all run, to count how many fail
            return name, run_checks(catalog.root, graded, target, trees=trees, launch=launch)
        # A mutant is caught by its first failing check: the one that caught it last time runs
        # first, and the rest are skipped once one fails.
        first = killers.first_checks(graded, mutant_index(name))
        run = run_checks(
            catalog.root,
            graded,
            target,
            trees=trees,
            launch=launch,
            first_failure=True,
            first_checks=first,
        )
        return name, run

    try:
        with ThreadPoolExecutor(max_workers=cores) as pool:
            return dict(pool.map(grade, rounds))
    finally:
        if warm:
            warm.close()


def _mutant_index(round_name: str) -> int:
    return int(round_name.removeprefix("mutant"))


def _find(run: RunResult, kata_id: str) -> KataResult:
    return next(k for k in run.katas if k.kata_id == kata_id)


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
    catalog: Catalog, phases: list[Phase], target: DatabaseTarget, static_only: bool
) -> VerifyResult:
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
    with tempfile.TemporaryDirectory(prefix="checker-verify-") as folder:
        rounds = _write_rounds(catalog, runnable, Path(folder))
        outcome = _grade_rounds(catalog, runnable, target, rounds, killers)
    killers.remember(runnable, outcome)

    verdicts = []
    for kata in katas:
        if kata in runnable:
            verdicts.append(_judge_kata(kata, outcome, statics[kata.id]))
            continue
        problems = statics[kata.id] or [f"not run: needs {kata.db}"]
        verdicts.append(
            KataVerdict(kata.id, kata.title, tuple(problems), mutants_total=len(kata.mutants))
        )
    return VerifyResult(target.label, False, tuple(verdicts), by_phase)
