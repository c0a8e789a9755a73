"""The whole workbook, on the database this run targets (SQLite, or Postgres when
CHECKER_DATABASE_URL is set): every solution passes, every stub fails for the right reason, every
mutant is caught, every catalog entry is complete. One test per kata, so a failure names it.

Grading every kata is a maintainer check (`pytest -m maintainer`, run by .ci/run beside
`checker verify --mutate`, which grades the same and more): a minute and a half on Postgres, too
much for the README's test command once Phase 4's migrations joined. The catalog's own checks
stay in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.cli.verify import VerifyResult, phase_problems, verify
from checker.workbook.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
CATALOG = load_catalog(ROOT)


@pytest.fixture(scope="session")
def verified(target_db) -> VerifyResult:
    """One `checker verify` of every phase (batched into a few child runs on both cores)."""
    return verify(CATALOG, [p for p in CATALOG.phases if p.available], target_db, static_only=False)


@pytest.mark.maintainer
@pytest.mark.parametrize("kata_id", [k.id for k in CATALOG.katas])
def test_kata(kata_id: str, verified: VerifyResult, target_db) -> None:
    kata = CATALOG.kata(kata_id)
    if not kata.runs_on(target_db.kind):
        pytest.skip(f"kata {kata_id} needs {kata.db}")
    verdict = next(v for v in verified.verdicts if v.kata_id == kata_id)
    assert verdict.ok, f"kata {kata_id} ({verdict.title}) on {verified.database}:\n" + "\n".join(
        f"- {problem}" for problem in verdict.problems
    )
    assert verdict.mutants_caught == verdict.mutants_total >= 2
    assert verdict.stub_failing >= 1


@pytest.mark.parametrize("number", [p.number for p in CATALOG.phases if p.available])
def test_phase_teaches_every_topic_and_has_a_lesson(number: int) -> None:
    problems = phase_problems(CATALOG, CATALOG.phase(number))
    assert not problems, "\n".join(f"- {p.where}: {p.what}" for p in problems)


def test_every_topic_slug_is_known() -> None:
    for phase in CATALOG.phases:
        for kata in phase.katas:
            assert set(kata.topics) <= set(phase.topics + phase.lesson_topics), kata.id
