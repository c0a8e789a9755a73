"""A class's reports read into one shape: who the learner is, and what each kata and check did.

A report is what `checker kata/phase --json` or `checker grade --pristine PATH --json` prints (a
RunResult, `type` "run"), or a "report" wrapping one under the key "run". Anything else — another
schema version, a truncated file, a status listing — becomes a `Note`: one paragraph for the
instructor, and the rest of the class is still read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.results import KATA_STATUSES, OUTCOMES, SCHEMA_VERSION


@dataclass(frozen=True)
class Note:
    """Something the instructor should know about one input: one paragraph."""

    subject: str  # the learner or the path it is about
    text: str


@dataclass(frozen=True)
class Check:
    name: str
    outcome: str
    kind: str | None
    message: str


@dataclass(frozen=True)
class KataOutcome:
    kata_id: str
    title: str
    status: str
    headline: str
    passed_checks: int
    total_checks: int
    checks: tuple[Check, ...]
    problem: str | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class LearnerReport:
    name: str
    source: str  # the report file or the clone it was graded from
    katas: dict[str, KataOutcome]
    database: str
    version: str | None  # the release it was graded with (run["workbook"]["version"])
    regraded: bool  # graded by `checker grade --pristine` (the instructor's), not self-reported
    grader_intact: bool | None  # the grader's files matched the release; None: nobody checked
    notes: tuple[str, ...] = field(default_factory=tuple)  # the run's own notes (pristine's)


class BadReport(ValueError):
    """A report that cannot be read; its message is the paragraph for the instructor."""


def parse_report(name: str, source: str, text: str) -> LearnerReport:
    """One report's text as a LearnerReport, or BadReport saying what is wrong with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if not text.strip():
            raise BadReport("the file is empty") from None
        raise BadReport(
            f"it is not complete JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "it was probably cut short while being written or copied"
        ) from None
    if not isinstance(data, dict):
        raise BadReport("it is JSON but not a report (a report is one JSON object)")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise BadReport(
            f"it has schema_version {version!r}, and this checker reads version "
            f"{SCHEMA_VERSION}: it comes from another release of the workbook. Regrade that "
            "learner's clone with this release (`checker grade --pristine PATH --json`)"
        )
    if data.get("type") == "report":
        data = data.get("run")
        if not isinstance(data, dict):
            raise BadReport('it is a "report" without the run it should wrap (key "run")')
    if data.get("type") != "run":
        raise BadReport(
            f"it is a {data.get('type')!r} output, not a grading run: collect the output of "
            "`checker phase N --json`, `checker kata N.M --json` or "
            "`checker grade --pristine PATH --json`"
        )
    try:
        return _learner(name, source, data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadReport(
            f"its content does not have the shape of a run ({type(exc).__name__}: {exc}); it "
            "may have been edited by hand"
        ) from None


def _learner(name: str, source: str, data: dict[str, Any]) -> LearnerReport:
    katas: dict[str, KataOutcome] = {}
    for raw in data["katas"]:
        kata = _kata(raw)
        katas[kata.kata_id] = kata
    workbook = data.get("workbook") or {}
    pristine = data.get("pristine") or {}
    return LearnerReport(
        name=name,
        source=source,
        katas=katas,
        database=str(data["database"]),
        version=workbook.get("version"),
        regraded=bool(pristine),
        grader_intact=workbook.get("intact") if workbook else None,
        notes=tuple(str(n) for n in pristine.get("notes", ())),
    )


def _kata(raw: dict[str, Any]) -> KataOutcome:
    status = raw["status"]
    if status not in KATA_STATUSES:
        raise ValueError(f"kata {raw['kata_id']} has an unknown status {status!r}")
    checks = []
    for check in raw["checks"]:
        if check["outcome"] not in OUTCOMES:
            raise ValueError(f"check {check['name']} has an unknown outcome {check['outcome']!r}")
        checks.append(
            Check(str(check["name"]), check["outcome"], check.get("kind"), check["message"] or "")
        )
    passed = sum(1 for c in checks if c.outcome == "passed")
    return KataOutcome(
        kata_id=str(raw["kata_id"]),
        title=str(raw["title"]),
        status=status,
        headline=str(raw.get("headline") or status),
        passed_checks=int(raw.get("passed_checks", passed)),
        total_checks=int(raw.get("total_checks", len(checks))),
        checks=tuple(checks),
        problem=raw.get("problem"),
        flags=tuple(str(f) for f in raw.get("flags", ())),
    )


def read_report_file(path: Path, name: str | None = None) -> LearnerReport:
    """A report file; the learner's name is the file's stem unless given."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadReport(f"it could not be read ({exc})") from None
    return parse_report(name or path.stem, str(path), text)
