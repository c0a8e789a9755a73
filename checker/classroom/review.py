"""A mentor's review of one kata (`checker review`), and many learners' solutions grouped by shape.

A review grades the learner's files and the reference solution with this workbook's checks and
shows four things: the learner's files as a diff against the reference; the SQL their code sent
next to the reference's (`review_sql`); the named (and generated) mutants their code behaves like
(`review_mutants`), beside the kata's talking points; and the legacy APIs and tampering flags the
grade found. Learner code runs only in the grader's child processes, as for `checker grade
--pristine`: a learner's copy (`--from`) gives its kata files and nothing else.

Grouping (`--group`) is exercism's representer idea: solutions that send the same SQL for the same
checks (and pass the same checks) are one shape, so a mentor writes one comment per shape.
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.classroom.review_mutants import (
    MutantSignature,
    behaves_like,
    failing_checks,
    signatures,
)
from checker.classroom.review_sql import CheckSql, compare, signature
from checker.cli.commands.grade import with_flags, with_integrity
from checker.cli.commands.pristine import copy_kata_files
from checker.cli.databases import DatabaseTarget
from checker.cli.runner.launch import Launch, subprocess_launch
from checker.cli.runner.run import run_checks
from checker.cli.runner.warm import WarmRunner
from checker.errors import CheckerError
from checker.release import integrity
from checker.release.edition import require_full_edition
from checker.results import KATA_PASSED, KATA_TAMPERED, KataResult, RunResult
from checker.workbook.catalog import Catalog, Kata
from checker.workbook.kinds import LEARNER_TREE, SOLUTION_TREE, files_of

WORKERS = 2  # grading runs at once: a review should not take over a shared machine


@dataclass(frozen=True)
class FileDiff:
    name: str  # relative to katas/ and solutions/
    diff: str  # a unified diff, reference → learner; "" when the files are the same

    def to_json(self) -> dict[str, str]:
        return {"file": self.name, "diff": self.diff}


def diff_files(kata: Kata, learner_tree: Path, solution_tree: Path) -> tuple[FileDiff, ...]:
    """Each of the kata's files as a unified diff from the reference to the learner's."""
    files = files_of(kata)
    mine, theirs = files.read(learner_tree), files.read(solution_tree)
    diffs = []
    for name in files.relative:
        lines = difflib.unified_diff(
            theirs.get(name, "").splitlines(keepends=True),
            mine.get(name, "").splitlines(keepends=True),
            fromfile=f"{SOLUTION_TREE}/{name}",
            tofile=f"{LEARNER_TREE}/{name}" + ("" if name in mine else " (missing)"),
        )
        text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        diffs.append(FileDiff(name, text))
    return tuple(diffs)


class Grader:
    """Grades versions of one kata in child processes, `WORKERS` at a time, on forks of warm
    workers where the platform has them."""

    def __init__(
        self,
        root: Path,
        kata: Kata,
        target: DatabaseTarget,
        timeout: float | None,
        launch: Launch,
    ) -> None:
        self.root, self.kata, self.target, self.timeout, self.launch = (
            root,
            kata,
            target,
            timeout,
            launch,
        )

    def tree(self, tree: Path) -> KataResult:
        run = run_checks(
            self.root,
            [self.kata],
            self.target,
            kata_root=tree,
            timeout=self.timeout,
            launch=self.launch,
        )
        return run.katas[0]

    def trees(self, trees: list[Path]) -> list[KataResult]:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            return list(pool.map(self.tree, trees))

    def texts(self, versions: list[dict[str, str]]) -> list[KataResult]:
        """Grade each version of the kata's files, written into a tree of its own."""
        with tempfile.TemporaryDirectory(prefix="checker-review-") as folder:
            trees = []
            for index, texts in enumerate(versions):
                tree = Path(folder) / str(index) / LEARNER_TREE
                files_of(self.kata).write(tree, texts)
                trees.append(tree)
            return self.trees(trees)


@contextmanager
def grader(
    root: Path,
    kata: Kata,
    target: DatabaseTarget,
    timeout: float | None,
    launch: Launch | None = None,
) -> Iterator[Grader]:
    """A Grader, on a warm runner of its own unless `launch` is given."""
    if launch is not None:
        yield Grader(root, kata, target, timeout, launch)
    elif WarmRunner.available():
        with WarmRunner(WORKERS) as warm:
            yield Grader(root, kata, target, timeout, warm.launch)
    else:
        yield Grader(root, kata, target, timeout, subprocess_launch)


def learner_tree(kata: Kata, source: Path, into: Path) -> Path:
    """The kata's files from a learner's copy of the workbook (`source`), copied into a fresh
    katas/ tree under `into`. CheckerError when `source` is no workbook or lacks the kata."""
    if not (source / LEARNER_TREE).is_dir():
        raise CheckerError(
            f"{source} has no {LEARNER_TREE}/ folder: give the folder of a learner's copy of the "
            "workbook (a clone or an unpacked submission)."
        )
    tree = into / LEARNER_TREE
    tree.mkdir(parents=True)
    if not copy_kata_files(kata, source / LEARNER_TREE, tree):
        raise CheckerError(
            f"{source} has none of kata {kata.id}'s files ({files_of(kata).shown()}): nothing to "
            "review. Check the folder, or name the kata the learner worked on."
        )
    return tree


def _checked(run_result: KataResult, kata: Kata, tree: Path, root: Path) -> KataResult:
    """A learner's grade with its nudges, flags and the integrity of the grader it used."""
    run = RunResult("", (run_result,))
    run = with_flags(run, [kata], tree)
    run = with_integrity(run, [kata], integrity.check(root))
    return run.katas[0]


@dataclass(frozen=True)
class Review:
    kata: Kata
    source: str  # where the learner's files came from
    database: str
    learner: KataResult
    reference: KataResult
    diffs: tuple[FileDiff, ...]
    sql: tuple[CheckSql, ...]
    behaves_like: tuple[MutantSignature, ...]
    mutants_graded: int
    notes: tuple[str, ...] = ()

    @property
    def same_code(self) -> bool:
        return not any(d.diff for d in self.diffs)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "review",
            "kata_id": self.kata.id,
            "title": self.kata.title,
            "source": self.source,
            "database": self.database,
            "status": self.learner.status,
            "headline": self.learner.headline,
            "problem": self.learner.problem,
            "failing_checks": sorted(failing_checks(self.learner)),
            "diff": [d.to_json() for d in self.diffs],
            "sql": [c.to_json() for c in self.sql],
            "behaves_like": [m.to_json() for m in self.behaves_like],
            "mutants_graded": self.mutants_graded,
            "talking_points": list(self.kata.talking_points),
            "nudges": [vars(n) | {"where": list(n.where)} for n in self.learner.nudges],
            "flags": list(self.learner.flags),
            "notes": list(self.notes),
        }


def review_kata(
    catalog: Catalog,
    kata: Kata,
    target: DatabaseTarget,
    timeout: float | None,
    source: Path | None = None,
    generated: bool = False,
    launch: Launch | None = None,
) -> Review:
    """Review the learner's files for `kata`: this workbook's katas/, or a learner's copy."""
    root = catalog.root
    require_full_edition(root, "review")
    with tempfile.TemporaryDirectory(prefix="checker-review-") as folder:
        if source is not None:
            source = source.resolve()
            tree = learner_tree(kata, source, Path(folder))
        else:
            tree = root / LEARNER_TREE
        with grader(root, kata, target, timeout, launch) as grade:
            mine, reference = grade.trees([tree, root / SOLUTION_TREE])
            known, notes = signatures(root, kata, target.kind, grade.texts, generated)
        mine = _checked(mine, kata, tree, root)
        diffs = diff_files(kata, tree, root / SOLUTION_TREE)
    return Review(
        kata=kata,
        source=str(source) if source else f"this workbook's {LEARNER_TREE}/",
        database=target.label,
        learner=mine,
        reference=reference,
        diffs=diffs,
        sql=tuple(compare(mine, reference)),
        behaves_like=tuple(behaves_like(failing_checks(mine), known)),
        mutants_graded=len(known),
        notes=tuple(notes),
    )


@dataclass
class Shape:
    """Learners whose solutions send the same SQL for the same checks and pass the same ones."""

    number: int
    members: list[str]
    representative: KataResult
    sql: tuple[CheckSql, ...] = ()
    behaves_like: tuple[MutantSignature, ...] = ()
    flagged: list[str] = field(default_factory=list)  # members with tampering flags

    @property
    def passes(self) -> bool:
        return self.representative.status == KATA_PASSED

    def to_json(self) -> dict[str, Any]:
        return {
            "shape": self.number,
            "learners": len(self.members),
            "members": self.members,
            "passes": self.passes,
            "status": self.representative.status,
            "failing_checks": sorted(failing_checks(self.representative)),
            "statements": sum(len(c.learner_statements) for c in self.representative.checks),
            "sql": [c.to_json() for c in self.sql],
            "behaves_like": [m.to_json() for m in self.behaves_like],
            "flagged": self.flagged,
        }


@dataclass(frozen=True)
class Grouping:
    kata: Kata
    database: str
    shapes: tuple[Shape, ...]
    skipped: tuple[str, ...]  # one paragraph per learner folder that could not be graded
    mutants_graded: int

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "review_groups",
            "kata_id": self.kata.id,
            "database": self.database,
            "shapes": [s.to_json() for s in self.shapes],
            "skipped": list(self.skipped),
            "mutants_graded": self.mutants_graded,
        }


def _names(sources: list[Path]) -> list[str]:
    """Each learner by folder name; by the path given where two folders share a name."""
    names = [source.name or str(source) for source in sources]
    return [
        str(source) if names.count(name) > 1 else name
        for source, name in zip(sources, names, strict=True)
    ]


def group_shapes(
    catalog: Catalog,
    kata: Kata,
    target: DatabaseTarget,
    timeout: float | None,
    sources: list[Path],
    mutants: bool = True,
    generated: bool = False,
    launch: Launch | None = None,
) -> Grouping:
    """Grade every learner's copy once and group their solutions by shape, biggest group first."""
    root = catalog.root
    require_full_edition(root, "review")
    skipped, trees, names = [], [], []
    with tempfile.TemporaryDirectory(prefix="checker-review-") as folder:
        for index, (source, name) in enumerate(zip(sources, _names(sources), strict=True)):
            try:
                trees.append(learner_tree(kata, source.resolve(), Path(folder) / str(index)))
                names.append(name)
            except CheckerError as exc:
                skipped.append(f"{name}: {exc}")
        if not trees:
            raise CheckerError(
                f"None of the {len(sources)} learner folders could be reviewed for kata "
                f"{kata.id}: " + " ".join(skipped)
            )
        with grader(root, kata, target, timeout, launch) as grade:
            *graded, reference = grade.trees([*trees, root / SOLUTION_TREE])
            known: list[MutantSignature] = []
            if mutants:
                known, notes = signatures(root, kata, target.kind, grade.texts, generated)
                skipped.extend(notes)
        results = [_checked(r, kata, t, root) for r, t in zip(graded, trees, strict=True)]
    by_shape: dict[tuple[Any, ...], Shape] = {}
    for name, result in zip(names, results, strict=True):
        key = signature(result)
        if key not in by_shape:
            by_shape[key] = Shape(0, [], result, tuple(compare(result, reference)))
            by_shape[key].behaves_like = tuple(behaves_like(failing_checks(result), known))
        by_shape[key].members.append(name)
        if result.flags or result.status == KATA_TAMPERED:
            by_shape[key].flagged.append(name)
    shapes = sorted(by_shape.values(), key=lambda s: (-len(s.members), not s.passes))
    for number, shape in enumerate(shapes, start=1):
        shape.number = number
    return Grouping(kata, target.label, tuple(shapes), tuple(skipped), len(known))
