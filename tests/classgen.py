"""A generated class for `checker class`'s tests: 30+ learners' reports built in memory from the
real catalog's katas and check names, with the results' own dataclasses (so each is a valid
RunResult). Seeded, so every run is the same class.

- Learner i has solved the first katas of the workbook and stopped somewhere; the katas after
  that are stubs (every check "not written yet").
- PLANTED: ten learners who got past kata 2.3 fail the same two of its checks with one message
  (a misconception the dashboard must find); a few others fail single checks at random.
- Two learners have a broken kata, two a tampered one (with a flag), one was graded with an
  older release.
"""

from __future__ import annotations

import ast
import json
import random
from functools import cache
from pathlib import Path
from typing import Any

from checker.results import (
    FAILED,
    KATA_BROKEN,
    KATA_FAILED,
    KATA_PASSED,
    KATA_TAMPERED,
    KIND_ASSERTION,
    KIND_LOAD,
    KIND_TODO,
    LEARNER_ERROR,
    PASSED,
    CheckResult,
    KataResult,
    RunResult,
)
from checker.workbook.catalog import Catalog, Kata

PLANTED_KATA = "2.3"
PLANTED_MESSAGE = (
    "post.tags is [] after adding 2 tags and committing: expected 2 tags. Is the association "
    "table passed as secondary= on both sides?"
)
BROKEN = ("learner07", "learner19")
TAMPERED = ("learner11", "learner23")
OLD_RELEASE = "learner29"


def check_names(catalog: Catalog, kata: Kata) -> list[str]:
    return list(_check_names(catalog.root / "phases" / kata.phase_dir / f"test_{kata.stem}.py"))


@cache
def _check_names(path: Path) -> tuple[str, ...]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return tuple(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    )


def planted_checks(catalog: Catalog) -> tuple[str, str]:
    kata = catalog.kata(PLANTED_KATA)
    assert kata is not None
    names = check_names(catalog, kata)
    return names[1], names[2]


def _check(kata: Kata, name: str, outcome: str, kind: str | None, message: str) -> CheckResult:
    return CheckResult(
        id=f"phases/{kata.phase_dir}/test_{kata.stem}.py::{name}",
        kata_id=kata.id,
        name=name,
        description=name.replace("_", " "),
        outcome=outcome,
        kind=kind,
        message=message,
    )


def _kata(
    kata: Kata,
    names: list[str],
    outcomes: dict[str, tuple[str, str | None, str]],
    status: str | None = None,
    problem: str | None = None,
    flags: tuple[str, ...] = (),
) -> KataResult:
    checks = tuple(_check(kata, n, *outcomes.get(n, (PASSED, None, ""))) for n in names)
    if status is None:
        status = KATA_PASSED if all(c.outcome == PASSED for c in checks) else KATA_FAILED
    return KataResult(
        kata_id=kata.id,
        title=kata.title,
        file=f"katas/{kata.phase_dir}/{kata.stem}.py",
        status=status,
        checks=checks,
        problem=problem,
        flags=flags,
    )


def learner_run(catalog: Catalog, index: int, rng: random.Random) -> RunResult:
    name = f"learner{index:02d}"
    katas = list(catalog.katas)
    reached = min(len(katas) - 1, 4 + (index * 7) % 24)  # index of the kata they stopped at
    planted = planted_checks(catalog)
    results = []
    for position, kata in enumerate(katas):
        names = check_names(catalog, kata)
        todo = {n: (LEARNER_ERROR, KIND_TODO, "`f()` is not written yet (TODO).") for n in names}
        if position > reached:
            results.append(_kata(kata, names, todo))
            continue
        outcomes: dict[str, tuple[str, str | None, str]] = {}
        if position == reached:  # working on it: half done
            outcomes = {n: todo[n] for n in names[len(names) // 2 :]}
        if kata.id == PLANTED_KATA and index % 3 == 0 and position <= reached:
            for check in planted:
                outcomes[check] = (FAILED, KIND_ASSERTION, PLANTED_MESSAGE)
        elif position < reached and rng.random() < 0.04:
            outcomes[rng.choice(names)] = (FAILED, KIND_ASSERTION, f"noise {rng.random():.4f}")
        if name in BROKEN and position == reached - 1:
            load = (LEARNER_ERROR, KIND_LOAD, "SyntaxError: invalid syntax (k.py, line 3)")
            results.append(
                _kata(
                    kata,
                    names,
                    dict.fromkeys(names, load),
                    KATA_BROKEN,
                    "the kata's file does not import",
                )
            )
            continue
        if name in TAMPERED and position == 0:
            results.append(
                _kata(
                    kata,
                    names,
                    {},
                    KATA_TAMPERED,
                    "pytest's reporting was replaced while the checks ran",
                    (f"katas/{kata.phase_dir}/{kata.stem}.py:3: imports _pytest",),
                )
            )
            continue
        results.append(_kata(kata, names, outcomes))
    version = "0.4.0" if name == OLD_RELEASE else "0.5.0"
    workbook = {"version": version, "intact": True, "changes": [], "unchecked": None}
    return RunResult("SQLite", tuple(results), workbook=workbook)


def generated_class(catalog: Catalog, count: int = 30) -> dict[str, dict[str, Any]]:
    """name -> the report's JSON, for `count` learners."""
    rng = random.Random(14)
    return {f"learner{i:02d}": learner_run(catalog, i, rng).to_json() for i in range(count)}


def planted_learners(catalog: Catalog, count: int = 30) -> set[str]:
    katas = [k.id for k in catalog.katas]
    planted = katas.index(PLANTED_KATA)
    return {
        f"learner{i:02d}"
        for i in range(count)
        if i % 3 == 0 and planted <= min(len(katas) - 1, 4 + (i * 7) % 24)
    }


def write_class(catalog: Catalog, folder: Path, count: int = 30) -> dict[str, dict[str, Any]]:
    reports = generated_class(catalog, count)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in reports.items():
        (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    return reports
