"""What the read-only commands return: plain data that `checker.cli.render` prints as text or
JSON, so the two never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.cli.state.progress import Progress
from checker.release import integrity
from checker.results import KATA_PASSED, SCHEMA_VERSION
from checker.workbook.catalog import Catalog, Kata
from checker.workbook.kinds import LEARNER_TREE, files_of
from checker.workbook.scan import scan_files


@dataclass(frozen=True)
class KataRow:
    kata_id: str
    title: str
    topics: tuple[str, ...]
    db: str
    kind: str
    file: str
    status: str
    headline: str
    minutes: int  # the catalog's estimate for a learner

    @classmethod
    def of(cls, kata: Kata, progress: Progress) -> KataRow:
        return cls(
            kata.id,
            kata.title,
            kata.topics,
            kata.db,
            kata.kind,
            files_of(kata).shown(),
            progress.status(kata),
            progress.headline(kata),
            kata.minutes,
        )

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "topics": list(self.topics)}


@dataclass(frozen=True)
class PhaseRow:
    number: int
    title: str
    available: bool
    katas: tuple[KataRow, ...]
    in_progress: bool = False

    @property
    def passed(self) -> int:
        return sum(1 for k in self.katas if k.status == KATA_PASSED)

    @property
    def minutes_left(self) -> int:
        """The estimated minutes of the katas not passed yet."""
        return sum(k.minutes for k in self.katas if k.status != KATA_PASSED)


@dataclass(frozen=True)
class StatusView:
    phases: tuple[PhaseRow, ...]
    next_kata: KataRow | None
    # What a mentor or an instructor should look at: code reaching into the grader
    # ("kata 1.3: file:line: what"), results not written by the checker, edited grader files.
    flags: tuple[str, ...] = ()
    forged: tuple[str, ...] = ()
    workbook: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "type": "status",
            "phases": [
                {
                    "number": p.number,
                    "title": p.title,
                    "available": p.available,
                    "katas": len(p.katas),
                    "passed": p.passed,
                    "minutes_left": p.minutes_left,
                }
                for p in self.phases
            ],
            "next_kata": self.next_kata.kata_id if self.next_kata else None,
            "flags": list(self.flags),
            "forged": list(self.forged),
            "workbook": self.workbook,
        }


@dataclass(frozen=True)
class ListView:
    katas: tuple[KataRow, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "type": "list",
            "katas": [k.to_json() for k in self.katas],
        }


def status_view(catalog: Catalog, progress: Progress) -> StatusView:
    phases = tuple(
        PhaseRow(
            p.number,
            p.title,
            p.available,
            tuple(KataRow.of(k, progress) for k in p.katas),
            p.in_progress,
        )
        for p in catalog.phases
    )
    following = progress.first_unsolved(catalog)
    available = [k for p in catalog.phases if p.available for k in p.katas]
    flags = tuple(
        f"kata {kata.id}: {flag}"
        for kata in available
        for flag in scan_files(files_of(kata).read(catalog.root / LEARNER_TREE), LEARNER_TREE)
    )
    return StatusView(
        phases,
        KataRow.of(following, progress) if following else None,
        flags,
        tuple(kata.id for kata in catalog.katas if progress.forged(kata)),
        integrity.check(catalog.root).to_json(),
    )


def list_view(catalog: Catalog, progress: Progress) -> ListView:
    return ListView(tuple(KataRow.of(k, progress) for k in catalog.katas))
