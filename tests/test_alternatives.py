"""Answers no catalog lists, committed per kata in tests/alternatives/<phase folder>.toml: right
ones written differently from the reference must pass, wrong ones a learner might write must fail.
They keep the checks honest both ways — a check made stricter to kill a mutant must not start
rejecting a correct answer, and a plausible mistake must not slip through.

    [[answer]]
    kata = "1.3"
    name = "params passed with bindparams()"
    right = true              # must pass (false: must fail)
    file = "main.py"          # package katas only: the file inside the package
    [[answer.edit]]           # applied to the solution file, in order; `find` occurs exactly once
    find = "…"
    replace = "…"

All answers are graded together, round j holding the j-th answer of every kata, on the warm
runners `checker verify` uses, on the database this run targets.
"""

from __future__ import annotations

import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.cli.verify import Round, grade_rounds
from checker.cli.verify.killers import likely_killers
from checker.results import KATA_BROKEN, KATA_PASSED, RunResult
from checker.workbook.catalog import Kata, load_catalog
from checker.workbook.kinds import SOLUTION_TREE, files_of

# Minutes of grading: a maintainer check, run by .ci/run (`pytest -m maintainer`) on both databases.
pytestmark = pytest.mark.maintainer

ROOT = Path(__file__).resolve().parent.parent
CATALOG = load_catalog(ROOT)
FOLDER = Path(__file__).parent / "alternatives"


@dataclass(frozen=True)
class Answer:
    kata: Kata
    name: str
    right: bool
    file: str | None
    edits: tuple[tuple[str, str], ...]
    source: str  # which .toml, for messages

    @property
    def id(self) -> str:
        return f"{self.kata.id} {'right' if self.right else 'wrong'}: {self.name}"

    def likely_killers(self) -> list[str]:
        """The checks that use what this answer's first edit changes (verify's ordering)."""
        files = files_of(self.kata)
        solution = files.read(ROOT / SOLUTION_TREE)[files.file_named(self.file)]
        checks = (ROOT / files.checks).read_text(encoding="utf-8")
        return likely_killers(solution, self.edits[0][0], checks)

    def texts(self) -> dict[str, str]:
        """The kata's solution files with this answer's edits made."""
        files = files_of(self.kata)
        texts = files.read(ROOT / SOLUTION_TREE)
        target = files.file_named(self.file)
        text = texts[target]
        for find, replace in self.edits:
            count = text.count(find)
            assert count == 1, (
                f"{self.source}: answer {self.id!r}: `find` occurs {count} times in {target} "
                f"(it must occur exactly once): {find!r}"
            )
            text = text.replace(find, replace)
        texts[target] = text
        return texts


def load_answers() -> list[Answer]:
    answers = []
    for path in sorted(FOLDER.glob("*.toml")):
        for raw in tomllib.loads(path.read_text(encoding="utf-8")).get("answer", []):
            edits = tuple((e["find"], e["replace"]) for e in raw["edit"])
            kata = CATALOG.kata(raw["kata"])
            answers.append(
                Answer(kata, raw["name"], raw["right"], raw.get("file"), edits, path.name)
            )
    return answers


ANSWERS = load_answers()


@pytest.fixture(scope="session")
def graded(target_db) -> dict[str, RunResult]:
    """Every answer graded once: round j holds the j-th runnable answer of each kata."""
    rounds: dict[str, Round] = {}
    index: dict[str, str] = {}
    counts: dict[tuple[str, str], int] = {}
    runnable = [a for a in ANSWERS if a.kata.runs_on(target_db.kind)]
    katas = {a.kata.id: a.kata for a in runnable}
    with tempfile.TemporaryDirectory(prefix="checker-answers-") as folder:
        for answer in runnable:
            # Right answers and wrong ones are numbered apart, so that rounds stay full.
            kind = "right" if answer.right else "wrong"
            j = counts[answer.kata.id, kind] = counts.get((answer.kata.id, kind), 0) + 1
            name = f"answer{j}-{kind}"
            tree = Path(folder) / name
            files_of(answer.kata).write(tree, answer.texts())
            # A right answer must pass every check; a wrong one is caught by its first failure,
            # so the checks likeliest to catch it (those using what it edits) run first.
            round_ = rounds.setdefault(name, Round(name, mutants=not answer.right))
            round_.trees[answer.kata.id] = tree
            if not answer.right and (first := answer.likely_killers()):
                round_.first_checks[answer.kata.id] = ",".join(first)
            index[answer.id] = name
        outcome = grade_rounds(CATALOG, list(katas.values()), target_db, rounds)
    return {answer_id: outcome[name] for answer_id, name in index.items()}


@pytest.mark.parametrize("answer", ANSWERS, ids=[a.id for a in ANSWERS])
def test_answer(answer: Answer, graded: dict[str, RunResult], target_db) -> None:
    if not answer.kata.runs_on(target_db.kind):
        pytest.skip(f"kata {answer.kata.id} needs {answer.kata.db}")
    result = graded[answer.id].find(answer.kata.id)
    assert result is not None, f"{answer.id}: no result"
    failures = "; ".join(
        f"{c.name}: {(c.message or c.outcome).splitlines()[0]}" for c in result.failures
    )
    if answer.right:
        assert result.status == KATA_PASSED, (
            f"the right answer {answer.id!r} ({answer.source}) is rejected on "
            f"{target_db.kind}: {result.headline} — {failures or result.problem}"
        )
    else:
        assert result.status not in (KATA_PASSED, KATA_BROKEN), (
            f"the wrong answer {answer.id!r} ({answer.source}) is not caught on "
            f"{target_db.kind}: {result.headline} {result.problem or ''}"
        )


# The phases whose every kata must have its alternative answers (a phase joins when it has them).
COVERED_PHASES: set[int] = {1, 2, 3, 4, 5, 6}


def test_every_kata_has_alternative_answers() -> None:
    """At least 2 right and 3 wrong answers for every kata of the covered phases."""
    missing = []
    for kata in CATALOG.katas:
        if kata.phase not in COVERED_PHASES:
            continue
        mine = [a for a in ANSWERS if a.kata.id == kata.id]
        right = sum(a.right for a in mine)
        if right < 2 or len(mine) - right < 3:
            missing.append(f"{kata.id}: {right} right, {len(mine) - right} wrong")
    assert not missing, "katas short of alternative answers: " + ", ".join(missing)
