"""Static checks of the workbook (a second or two, nothing runs): every catalog entry complete,
files present, markers balanced, stubs in sync with solutions, mutants applicable, every
curriculum topic of a phase taught (by a kata, or by a section of its lesson)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from checker.workbook.catalog import Catalog, Kata, Phase
from checker.workbook.kinds import LEARNER_TREE, SOLUTION_TREE, KataFiles, files_of
from checker.workbook.legacy import nudges_in
from checker.workbook.markers import MarkerError
from checker.workbook.mutants import MutantError

MIN_HINTS, MIN_TALKING_POINTS, MIN_MUTANTS = 2, 1, 2

# A lesson-only topic's section in the phase's README: a heading, the marker on the next line.
LESSON_TOPIC = re.compile(r"^<!--\s*lesson-topic:\s*(?P<slug>\S+)\s*-->\s*$")
HEADING = re.compile(r"^(?P<level>#{1,6})\s")
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")


@dataclass(frozen=True)
class Problem:
    where: str
    what: str


def _catalog_problems(catalog: Catalog, kata: Kata) -> list[str]:
    problems = []
    if len(kata.hints) < MIN_HINTS:
        problems.append(f"has {len(kata.hints)} hint(s); needs at least {MIN_HINTS}")
    if len(kata.talking_points) < MIN_TALKING_POINTS:
        problems.append("has no mentoring talking points")
    if len(kata.mutants) < MIN_MUTANTS:
        problems.append(f"has {len(kata.mutants)} mutant(s); needs at least {MIN_MUTANTS}")
    names = [m.name for m in kata.mutants]
    if len(set(names)) != len(names):
        problems.append("has two mutants with the same name")
    phase = catalog.phase(kata.phase)
    unknown = [t for t in kata.topics if phase and t not in phase.topics + phase.lesson_topics]
    if unknown:
        problems.append(
            f"names topics {unknown} that phase {kata.phase} does not list in "
            "phases/curriculum.toml"
        )
    return problems


def _missing_files(catalog: Catalog, files: KataFiles) -> list[str]:
    root = catalog.root
    problems = (
        [f"its checks file {files.checks} is missing"] if not (root / files.checks).exists() else []
    )
    for tree, label in ((SOLUTION_TREE, "solution"), (LEARNER_TREE, "stub")):
        problems += [
            f"its {label} file {tree}/{name} is missing" for name in files.missing(root / tree)
        ]
    return problems


def _instructions_problem(catalog: Catalog, files: KataFiles) -> str | None:
    path = catalog.root / SOLUTION_TREE / files.kind.instructions_file(files.kata)
    try:
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    except (OSError, SyntaxError) as exc:
        return f"its instructions file {path.name} cannot be read: {exc}"
    if not docstring:
        return (
            f"its solution's {path.name} has no docstring "
            "(the docstring is the kata's instructions)"
        )
    return None


def _silent_asserts(catalog: Catalog, files: KataFiles) -> list[str]:
    """Asserts in the checks without a message: graded with --assert=plain, they would fail with
    nothing to tell the learner what was called, what came back and what was expected."""
    path = catalog.root / files.checks
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return []  # a missing or broken check file is reported on its own
    return [
        f"{files.checks}:{node.lineno}: an assert without a message (say what was called, what "
        "came back and what was expected)"
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert) and node.msg is None
    ]


def _legacy_problems(catalog: Catalog, files: KataFiles) -> list[str]:
    """The workbook teaches 2.0 style: a legacy 1.x API (`checker.workbook.legacy`) in a
    solution, in the stub generated from it (its `# STUB:` lines) or in the checks is a problem.
    The learner's files are nudged by the same scan when they grade."""
    root = catalog.root
    nudges = list(nudges_in(files.read(root / SOLUTION_TREE), SOLUTION_TREE))
    try:
        stubs = files.stubs(root)
    except MarkerError:
        stubs = {}  # reported by _source_problems
    in_solution = {(nudge.rule, nudge.found) for nudge in nudges}
    nudges += [
        nudge
        for nudge in nudges_in(stubs, LEARNER_TREE)
        if (nudge.rule, nudge.found) not in in_solution
    ]
    try:
        nudges += nudges_in({files.checks: (root / files.checks).read_text(encoding="utf-8")})
    except OSError:
        pass  # a missing check file is reported on its own
    return [
        f"{', '.join(nudge.where)}: `{nudge.found}` is 1.x style; write the 2.0 form. "
        f"{nudge.advice}"
        for nudge in nudges
    ]


def _source_problems(catalog: Catalog, files: KataFiles) -> list[str]:
    root = catalog.root
    problems = []
    if problem := _instructions_problem(catalog, files):
        problems.append(problem)
    try:
        stubs = files.stubs(root)
    except MarkerError as exc:
        return problems + [f"solution markers: {exc}"]
    if files.regions(root) == 0:
        problems.append(
            "its solution has no BEGIN SOLUTION region, so the stub would be the answer"
        )
    learner = files.read(root / LEARNER_TREE)
    for name, stub in stubs.items():
        if name in learner and learner[name] != stub:
            problems.append(
                f"{LEARNER_TREE}/{name} is out of sync with its solution (run `checker stubs`)"
            )
    for mutant in files.kata.mutants:
        try:
            files.mutated(root, mutant)
        except MutantError as exc:
            problems.append(str(exc))
    return problems


def static_problems(catalog: Catalog, kata: Kata) -> list[str]:
    files = files_of(kata)
    problems = _catalog_problems(catalog, kata) + _missing_files(catalog, files)
    problems += _silent_asserts(catalog, files)
    if files.missing(catalog.root / SOLUTION_TREE):
        return problems
    return problems + _source_problems(catalog, files) + _legacy_problems(catalog, files)


def phase_problems(catalog: Catalog, phase: Phase) -> list[Problem]:
    problems = []
    taught = {topic for kata in phase.katas for topic in kata.topics}
    missing = [t for t in phase.topics if t not in taught]
    if missing and not phase.in_progress:
        problems.append(Problem(f"phase {phase.number}", f"no kata teaches the topics {missing}"))
    numbers = [kata.number for kata in phase.katas]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(
            Problem(
                f"phase {phase.number}",
                f"kata numbers should run 1..{len(numbers)} without gaps, not {numbers}",
            )
        )
    lesson = catalog.root / phase.lesson_path
    if not lesson.exists():
        problems.append(
            Problem(f"phase {phase.number}", f"the lesson {phase.lesson_path} is missing")
        )
        return problems
    text = lesson.read_text(encoding="utf-8")
    problems += [
        Problem(f"phase {phase.number}", problem)
        for problem in lesson_topic_problems(phase.lesson_path, text, phase.lesson_topics)
    ]
    return problems


@dataclass(frozen=True)
class _Section:
    slug: str
    line: int  # of the marker, 1-based
    python_blocks: int


def _lesson_sections(text: str) -> tuple[list[_Section], list[str]]:
    """The sections a lesson marks as teaching a lesson-only topic, and misplaced markers. Fenced
    code is skipped, so a marker or a `#` shown inside an example counts for nothing."""
    lines = text.splitlines()
    headings: list[tuple[int, int]] = []  # (index, level)
    markers: list[tuple[int, str]] = []  # (index, slug)
    pythons: list[int] = []  # indexes of ```python fences
    misplaced: list[str] = []
    fence = ""
    for index, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence:
            if opening and opening["fence"][0] == fence[0] and len(opening["fence"]) >= len(fence):
                fence = "" if not opening["info"] else fence
            continue
        if opening:
            fence = opening["fence"]
            if opening["info"].split()[:1] == ["python"]:
                pythons.append(index)
        elif heading := HEADING.match(line):
            headings.append((index, len(heading["level"])))
        elif marker := LESSON_TOPIC.match(line.strip()):
            if not headings or headings[-1][0] != index - 1:
                misplaced.append(
                    f"line {index + 1}: the marker for {marker['slug']!r} must be on the line "
                    "right under its section's heading"
                )
            markers.append((index, marker["slug"]))
    sections = []
    for index, slug in markers:
        level = next((lvl for at, lvl in headings if at == index - 1), 6)
        end = next((at for at, lvl in headings if at > index and lvl <= level), len(lines))
        count = sum(1 for at in pythons if index < at < end)
        sections.append(_Section(slug, index + 1, count))
    return sections, misplaced


def lesson_topic_problems(lesson: str, text: str, lesson_topics: tuple[str, ...]) -> list[str]:
    """Each lesson-only topic has one section in the lesson, with runnable examples, and every
    section marked as one names a topic the curriculum lists for the phase."""
    sections, problems = _lesson_sections(text)
    problems = [f"{lesson} {problem}" for problem in problems]
    for topic in lesson_topics:
        found = [section for section in sections if section.slug == topic]
        if not found:
            problems.append(
                f"the lesson-only topic {topic!r} has no section in {lesson} (a heading with "
                f"`<!-- lesson-topic: {topic} -->` on the line under it)"
            )
        elif len(found) > 1:
            lines = ", ".join(str(section.line) for section in found)
            problems.append(f"{lesson} marks {len(found)} sections for {topic!r} (lines {lines})")
    for section in sections:
        if section.slug not in lesson_topics:
            problems.append(
                f"{lesson}:{section.line} marks a section for {section.slug!r}, which "
                "phases/curriculum.toml does not list in the phase's lesson_topics"
            )
        elif section.python_blocks == 0:
            problems.append(
                f"{lesson}:{section.line}: the section for {section.slug!r} has no ```python "
                "example (lessons' examples run in the workbook's tests)"
            )
    return problems
