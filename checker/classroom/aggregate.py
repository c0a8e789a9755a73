"""A class's reports, added up: progress per learner and kata, pass rates per check, and the
failures learners share, grouped into misconceptions — what the dashboard and the CSV show.

A misconception is a set of checks that fail for the same learners: each check's failing-learner
set is compared with the others' (Jaccard similarity, |A∩B| / |A∪B|), and checks at or above
`SIMILAR` are joined. Failures that say nothing about understanding are left out: a part not
written yet (`todo`), a kata that does not import, the workbook's own errors, and tampered katas.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median

from checker.classroom.reports import KataOutcome, LearnerReport, Note
from checker.results import (
    FAILED,
    KATA_NOT_RUN,
    KATA_PASSED,
    KATA_TAMPERED,
    LEARNER_ERROR,
    NEEDS_POSTGRES,
    PASSED,
    SKIPPED,
    TIMED_OUT,
)
from checker.workbook.catalog import Catalog

SIMILAR = 0.6  # Jaccard similarity of failing-learner sets that makes two checks one misconception
MIN_LEARNERS = 2  # a failure one learner has is theirs; a misconception is shared
_NOT_UNDERSTANDING = ("todo", "load_error")  # not written yet / does not import


@dataclass(frozen=True)
class KataColumn:
    kata_id: str
    title: str
    phase: int


@dataclass(frozen=True)
class CheckRate:
    kata_id: str
    name: str
    passed: int
    attempted: int  # learners who started the kata and got a result for this check

    @property
    def rate(self) -> float:
        return self.passed / self.attempted if self.attempted else 0.0


@dataclass(frozen=True)
class Misconception:
    checks: tuple[tuple[str, str], ...]  # (kata_id, check name)
    titles: tuple[str, ...]  # the katas' titles, "1.3 Text parameters"
    learners: tuple[str, ...]  # affected, the most checks failed first
    message: str  # the most common failure message
    message_count: int

    @property
    def name(self) -> str:
        names = ", ".join(name for _, name in self.checks[:3])
        more = f" and {len(self.checks) - 3} more" if len(self.checks) > 3 else ""
        return f"{' / '.join(self.titles)}: {names}{more}"


@dataclass(frozen=True)
class ClassView:
    learners: tuple[LearnerReport, ...]
    katas: tuple[KataColumn, ...]
    notes: tuple[Note, ...]
    rates: tuple[CheckRate, ...]
    misconceptions: tuple[Misconception, ...]
    versions: dict[str, list[str]]  # release -> learners graded with it
    sandbox: str | None  # why learners' code ran without a sandbox, when it did

    def status(self, learner: LearnerReport, kata_id: str) -> KataOutcome | None:
        return learner.katas.get(kata_id)

    def passed_katas(self, learner: LearnerReport) -> int:
        return sum(1 for k in learner.katas.values() if k.status == KATA_PASSED)

    def kata_pass_rate(self, kata_id: str) -> tuple[int, int]:
        """(learners who passed it, learners who have a result for it)."""
        results = [lr.katas.get(kata_id) for lr in self.learners]
        graded = [k for k in results if k is not None and k.status != KATA_NOT_RUN]
        return sum(1 for k in graded if k.status == KATA_PASSED), len(graded)

    @property
    def median_passed(self) -> float:
        return median(self.passed_katas(lr) for lr in self.learners) if self.learners else 0

    def flagged(self) -> list[tuple[str, str, str]]:
        """(learner, kata id, what): tampered katas, flags, and grader files that were edited."""
        found = []
        for learner in self.learners:
            if learner.grader_intact is False:
                found.append((learner.name, "", "the grader's files differed from the release"))
            for kata in learner.katas.values():
                if kata.status == KATA_TAMPERED:
                    found.append((learner.name, kata.kata_id, f"tampered: {kata.problem or ''}"))
                found.extend((learner.name, kata.kata_id, f"flag: {f}") for f in kata.flags)
        return found


def build_view(
    learners: list[LearnerReport],
    notes: list[Note],
    catalog: Catalog | None,
    sandbox: str | None = None,
) -> ClassView:
    learners = _unique_names(learners, notes)
    katas = _columns(learners, catalog)
    versions: dict[str, list[str]] = {}
    for learner in learners:
        versions.setdefault(learner.version or "unknown", []).append(learner.name)
    if len(versions) > 1:
        listed = "; ".join(
            f"{version}: {len(names)} learner(s)" for version, names in sorted(versions.items())
        )
        notes.append(
            Note(
                "workbook versions",
                f"The reports were graded with different releases of the workbook ({listed}). "
                "Checks and katas may differ between releases, so compare learners on the same "
                "release, or regrade everyone's clone with one release "
                "(`checker class CLONES...` does).",
            )
        )
    return ClassView(
        learners=tuple(learners),
        katas=katas,
        notes=tuple(notes),
        rates=check_rates(learners, katas),
        misconceptions=misconceptions(learners, katas),
        versions=versions,
        sandbox=sandbox,
    )


def _unique_names(learners: list[LearnerReport], notes: list[Note]) -> list[LearnerReport]:
    from dataclasses import replace

    seen: Counter[str] = Counter()
    unique = []
    for learner in sorted(learners, key=lambda lr: (lr.name.lower(), lr.source)):
        seen[learner.name] += 1
        if seen[learner.name] > 1:
            renamed = f"{learner.name} ({seen[learner.name]})"
            notes.append(
                Note(
                    learner.name,
                    f"Two inputs have the learner name {learner.name!r}; the one from "
                    f"{learner.source} is shown as {renamed!r}. Rename one of the files or "
                    "folders if they are different people.",
                )
            )
            learner = replace(learner, name=renamed)
        unique.append(learner)
    return unique


def _columns(learners: list[LearnerReport], catalog: Catalog | None) -> tuple[KataColumn, ...]:
    """Every kata some learner has a result for, in the catalog's order (then by id)."""
    titles: dict[str, str] = {}
    for learner in learners:
        for kata in learner.katas.values():
            titles.setdefault(kata.kata_id, kata.title)
    order = {k.id: i for i, k in enumerate(catalog.katas)} if catalog else {}

    def key(kata_id: str) -> tuple[int, tuple[int, ...], str]:
        numbers = tuple(int(p) for p in re.findall(r"\d+", kata_id))
        return (order.get(kata_id, len(order)), numbers, kata_id)

    return tuple(
        KataColumn(kata_id, titles[kata_id], int(kata_id.split(".")[0] or 0))
        if kata_id.split(".")[0].isdigit()
        else KataColumn(kata_id, titles[kata_id], 0)
        for kata_id in sorted(titles, key=key)
    )


def started(kata: KataOutcome) -> bool:
    """The learner wrote something: not every check stopped at a part not written yet."""
    if kata.status == KATA_NOT_RUN or not kata.checks:
        return False
    return any(
        c.outcome == PASSED or (c.outcome not in (NEEDS_POSTGRES, SKIPPED) and c.kind != "todo")
        for c in kata.checks
    )


def check_rates(
    learners: list[LearnerReport], katas: tuple[KataColumn, ...]
) -> tuple[CheckRate, ...]:
    counts: dict[tuple[str, str], list[int]] = {}
    for column in katas:
        for learner in learners:
            kata = learner.katas.get(column.kata_id)
            if kata is None or not started(kata) or kata.status == KATA_TAMPERED:
                continue
            for check in kata.checks:
                if check.outcome in (NEEDS_POSTGRES, SKIPPED):
                    continue
                tally = counts.setdefault((column.kata_id, check.name), [0, 0])
                tally[0] += check.outcome == PASSED
                tally[1] += 1
    return tuple(CheckRate(k, n, p, a) for (k, n), (p, a) in counts.items())


def _is_misunderstanding(kata: KataOutcome, outcome: str, kind: str | None) -> bool:
    if kata.status == KATA_TAMPERED:
        return False  # its results cannot be trusted either way
    if outcome in (FAILED, TIMED_OUT):
        return True
    return outcome == LEARNER_ERROR and kind not in _NOT_UNDERSTANDING


def normalize_message(message: str) -> str:
    """A failure message with what changes from run to run (addresses, temporary paths, ids)
    taken out, so the same mistake counts as the same message."""
    first = message.strip().splitlines()[0] if message.strip() else "(no message)"
    first = re.sub(r"0x[0-9a-fA-F]+", "0x…", first)
    first = re.sub(r"/tmp/[^\s:'\"]+", "/tmp/…", first)
    return re.sub(r"\s+", " ", first)[:300]


def misconceptions(
    learners: list[LearnerReport], katas: tuple[KataColumn, ...]
) -> tuple[Misconception, ...]:
    failing: dict[tuple[str, str], set[str]] = {}
    messages: dict[tuple[str, str], list[str]] = {}
    titles = {c.kata_id: c.title for c in katas}
    for learner in learners:
        for kata in learner.katas.values():
            for check in kata.checks:
                if _is_misunderstanding(kata, check.outcome, check.kind):
                    key = (kata.kata_id, check.name)
                    failing.setdefault(key, set()).add(learner.name)
                    messages.setdefault(key, []).append(normalize_message(check.message))
    common = sorted(k for k, who in failing.items() if len(who) >= MIN_LEARNERS)
    parent = {k: k for k in common}

    def root(key: tuple[str, str]) -> tuple[str, str]:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for i, first in enumerate(common):
        for second in common[i + 1 :]:
            a, b = failing[first], failing[second]
            if len(a & b) / len(a | b) >= SIMILAR:
                parent[root(second)] = root(first)
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key in common:
        groups.setdefault(root(key), []).append(key)
    found = []
    for members in groups.values():
        per_learner: Counter[str] = Counter()
        said: Counter[str] = Counter()
        for key in members:
            per_learner.update(failing[key])
            said.update(messages[key])
        message, count = said.most_common(1)[0]
        kata_ids = sorted(
            {k for k, _ in members}, key=lambda k: [int(p) for p in re.findall(r"\d+", k)]
        )
        found.append(
            Misconception(
                checks=tuple(members),
                titles=tuple(f"{k} {titles.get(k, '')}".strip() for k in kata_ids),
                learners=tuple(
                    n for n, _ in sorted(per_learner.items(), key=lambda x: (-x[1], x[0]))
                ),
                message=message,
                message_count=count,
            )
        )
    found.sort(key=lambda m: (-len(m.learners), -len(m.checks), m.checks))
    return tuple(found)
