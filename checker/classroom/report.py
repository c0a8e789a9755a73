"""One learner's grade for a class: the counted katas' results (a `RunResult`) turned into points
by the class configuration. `to_json()` is what `checker report --json` prints (type "report" in
`checker/results/schema.json`); `checker.classroom.formats` writes the same data for JUnit,
Markdown, GitHub Classroom and Gradescope.

The points of a kata:
- a kata that is tampered, broken or timed out earns nothing, whatever its checks said;
- with partial credit, points × passed checks / checks that apply to the database (a check that
  needs Postgres and did not run on SQLite counts for neither side); without it, all or nothing;
- a kata with no check that applies (a Postgres-only kata graded on SQLite) earns nothing, and its
  note says to grade on Postgres;
- a kata that does not pass never earns full points (checks that never reported back cost one);
- late (graded after its due day) is reported; points are taken off only when the class sets
  `late_penalty`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from checker.classroom.config import ClassConfig
from checker.results import (
    KATA_BROKEN,
    KATA_NOT_RUN,
    KATA_PASSED,
    KATA_TAMPERED,
    KATA_TIMEOUT,
    NEEDS_POSTGRES,
    SCHEMA_VERSION,
    KataResult,
    RunResult,
)

ZERO_STATUSES = (KATA_TAMPERED, KATA_BROKEN, KATA_TIMEOUT)


def rounded_points(value: float) -> float | int:
    """Points as people write them: 10, not 10.0; 6.67, not 6.666…"""
    value = round(value, 2)
    return int(value) if value == int(value) else value


@dataclass(frozen=True)
class KataPoints:
    result: KataResult
    max_points: float
    points: float
    due: date | None
    late: bool
    note: str | None = None  # why the points are not what the checks alone suggest

    @property
    def kata_id(self) -> str:
        return self.result.kata_id

    @property
    def applicable(self) -> int:
        """The checks that apply to the database the kata was graded on."""
        return sum(1 for c in self.result.checks if c.outcome != NEEDS_POSTGRES)

    def to_json(self) -> dict[str, Any]:
        return {
            "kata_id": self.kata_id,
            "title": self.result.title,
            "status": self.result.status,
            "points": rounded_points(self.points),
            "max_points": rounded_points(self.max_points),
            "passed_checks": self.result.passed_count,
            "total_checks": self.applicable,
            "due": self.due.isoformat() if self.due else None,
            "late": self.late,
            "note": self.note,
        }


@dataclass(frozen=True)
class Report:
    config: ClassConfig
    run: RunResult
    katas: tuple[KataPoints, ...]
    graded_at: datetime

    @property
    def total(self) -> float:
        return sum(k.points for k in self.katas)

    @property
    def max_total(self) -> float:
        return sum(k.max_points for k in self.katas)

    @property
    def all_passed(self) -> bool:
        return all(k.result.status == KATA_PASSED for k in self.katas)

    @property
    def workbook_version(self) -> str | None:
        return self.run.workbook["version"] if self.run.workbook else None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "type": "report",
            "class_name": self.config.name,
            "config": self.config.file,
            "partial_credit": self.config.partial_credit,
            "late_penalty": self.config.late_penalty,
            "graded_at": self.graded_at.isoformat(timespec="seconds"),
            "workbook_version": self.workbook_version,
            "total": rounded_points(self.total),
            "max_total": rounded_points(self.max_total),
            "all_passed": self.all_passed,
            "katas": [k.to_json() for k in self.katas],
            "run": self.run.to_json(),
        }


def kata_points(
    result: KataResult,
    max_points: float,
    partial_credit: bool,
    due: date | None,
    graded_on: date,
    late_penalty: float | None = None,
) -> KataPoints:
    """The points one kata's result earns (the rules are in this module's docstring)."""
    applicable = sum(1 for c in result.checks if c.outcome != NEEDS_POSTGRES)
    note = None
    if result.status in ZERO_STATUSES:
        share = 0.0
        note = f"{result.status}: earns no points" + (
            f" ({result.problem})" if result.problem else ""
        )
    elif result.status == KATA_NOT_RUN:
        share, note = 0.0, "not graded"
    elif not applicable:
        share = 0.0
        note = (
            "no check ran on this database (the kata needs Postgres): grade with --db postgres"
            if result.needs_postgres
            else "no check ran"
        )
    elif partial_credit:
        share = result.passed_count / applicable
        if share == 1 and result.status != KATA_PASSED:  # some checks never reported back
            share, note = (applicable - 1) / applicable, f"{result.status}: {result.problem}"
    else:
        share = 1.0 if result.status == KATA_PASSED else 0.0
    late = due is not None and graded_on > due
    points = max_points * share
    if late and late_penalty:
        points *= 1 - late_penalty
        note = (note + "; " if note else "") + f"late: {late_penalty:.0%} taken off"
    return KataPoints(result, max_points, points, due, late, note)


def build_report(config: ClassConfig, run: RunResult, graded_at: datetime | None = None) -> Report:
    """Points for every counted kata of `run` (a kata missing from the run earns nothing)."""
    graded_at = graded_at or datetime.now().astimezone()
    katas = []
    for kata, max_points in config.counted():
        result = run.find(kata.id) or KataResult(kata.id, kata.title, "", KATA_NOT_RUN)
        katas.append(
            kata_points(
                result,
                max_points,
                config.partial_credit,
                config.due(kata),
                graded_at.date(),
                config.late_penalty,
            )
        )
    return Report(config, run, tuple(katas), graded_at)
