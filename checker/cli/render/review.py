"""`checker review`: a mentor's review on a terminal (rich), or as Markdown to paste into a
pull-request review (`--md`), and solutions grouped by shape (`--group`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table

from checker.cli.render.base import badge, out, plain, table_box
from checker.results import KATA_TAMPERED

if TYPE_CHECKING:
    from checker.classroom.review import Grouping, Review, Shape
    from checker.classroom.review_sql import CheckSql

SAME_SQL = "same SQL as the reference"
MAX_SQL = 6  # statements shown per side of one check; the rest are counted


def print_markdown(text: str) -> None:
    """Markdown as it is (rich would read its brackets as markup)."""
    print(text, end="" if text.endswith("\n") else "\n")


def _runs(runs: Iterable[tuple[str, int]]) -> list[str]:
    shown = [f"{sql}  ×{n}" if n > 1 else sql for sql, n in runs]
    if len(shown) > MAX_SQL:
        shown = shown[:MAX_SQL] + [f"… and {len(shown) - MAX_SQL} more"]
    return shown


def _mutant_lines(review_or_shape: Review | Shape, mutants_graded: int) -> list[str]:
    like = review_or_shape.behaves_like
    if not mutants_graded:
        return ["(mutants not graded)"]
    if not like:
        return [f"none of the {mutants_graded} mutants graded fails the same checks"]
    return [("generated: " if m.generated else "") + m.name for m in like]


def _merged(sql: Sequence[CheckSql]) -> list[tuple[str, CheckSql]]:
    """Checks whose SQL differs in the same way, as one row: a parametrised check's cases
    usually do, and a mentor reads the difference once."""
    rows: dict[tuple[object, ...], list[CheckSql]] = {}
    for check in sql:
        key = (check.yours, check.reference, check.only_yours, check.only_reference)
        rows.setdefault(key, []).append(check)
    merged = []
    for checks in rows.values():
        names = checks[0].check
        if len(checks) > 1:
            names += (
                f" (and {len(checks) - 1} more: " + ", ".join(c.check for c in checks[1:]) + ")"
            )
        merged.append((names, checks[0]))
    return merged


# --- a terminal ------------------------------------------------------------------------------


def _sql_table(sql: Sequence[CheckSql]) -> Table | str:
    if not sql:
        return SAME_SQL
    table = Table(box=table_box(), show_lines=True, expand=False)
    table.add_column("check", overflow="fold")
    table.add_column("yours / ref", justify="right")
    table.add_column("only yours")
    table.add_column("only the reference's")
    for names, check in _merged(sql):
        table.add_row(
            escape(names),
            f"{check.yours} / {check.reference}",
            escape("\n".join(_runs(check.only_yours))) or "-",
            escape("\n".join(_runs(check.only_reference))) or "-",
        )
    return table


def render_review(review: Review) -> None:
    kata, learner = review.kata, review.learner
    heading = f"Review of kata {kata.id} — {kata.title}"
    out.print(heading if plain else f"[bold]{escape(heading)}[/]")
    out.print(f"from {escape(review.source)}, graded on {escape(review.database)}")
    out.print(
        f"status: {badge(learner.status, learner.headline)} "
        f"({learner.passed_count}/{len(learner.checks)} checks pass)"
    )
    if learner.problem:
        out.print(escape(learner.problem))
    out.print()
    out.print("1. Your files against the reference" if plain else "[bold]1. The diff[/]")
    if review.same_code:
        out.print("identical to the reference solution")
    for diff in review.diffs:
        if diff.diff:
            out.print(diff.diff.rstrip("\n") if plain else Syntax(diff.diff, "diff"))
    out.print()
    out.print("2. SQL beside the reference's" if plain else "[bold]2. SQL[/]")
    out.print(_sql_table(review.sql))
    out.print()
    out.print("3. Behaves like" if plain else "[bold]3. Behaves like[/]")
    for line in _mutant_lines(review, review.mutants_graded):
        out.print(f"  - {escape(line)}")
    if kata.talking_points:
        out.print("talking points (pick the one that fits):")
        for number, point in enumerate(kata.talking_points, start=1):
            out.print(f"  {number}. {escape(point)}")
    out.print()
    out.print("4. Legacy APIs and flags" if plain else "[bold]4. Legacy APIs and flags[/]")
    _render_flags(review)
    for note in review.notes:
        out.print(f"note: {escape(note)}")


def _render_flags(review: Review) -> None:
    learner = review.learner
    if not (learner.nudges or learner.flags or learner.status == KATA_TAMPERED):
        out.print("no legacy APIs, nothing flagged")
    for nudge in learner.nudges:
        out.print(
            f"  legacy: {escape(nudge.found)} ({', '.join(nudge.where)}): {escape(nudge.advice)}"
        )
    for flag in learner.flags:
        out.print(f"  flagged: {escape(flag)}")
    if learner.status == KATA_TAMPERED:
        out.print(f"  TAMPERED: {escape(learner.problem or '')}")


def render_shapes(grouping: Grouping) -> None:
    kata = grouping.kata
    learners = sum(len(s.members) for s in grouping.shapes)
    out.print(
        f"Kata {kata.id} — {escape(kata.title)}: {learners} learners, "
        f"{len(grouping.shapes)} shapes (graded on {escape(grouping.database)})"
    )
    for shape in grouping.shapes:
        out.print()
        verdict = badge(shape.representative.status, shape.representative.headline)
        title = f"Shape {shape.number}: {len(shape.members)} learner(s)"
        out.print(f"{title} — {verdict}" if plain else f"[bold]{title}[/] — {verdict}")
        out.print(f"  learners: {escape(', '.join(shape.members))}")
        if shape.flagged:
            out.print(f"  flagged or tampered: {escape(', '.join(shape.flagged))}")
        out.print(_sql_table(shape.sql))
        for line in _mutant_lines(shape, grouping.mutants_graded):
            out.print(f"  behaves like: {escape(line)}")
    for note in grouping.skipped:
        out.print(f"skipped: {escape(note)}")


# --- Markdown --------------------------------------------------------------------------------


def _md_sql(sql: Sequence[CheckSql]) -> list[str]:
    if not sql:
        return [f"_{SAME_SQL}._", ""]
    lines = []
    for names, check in _merged(sql):
        lines += [f"- `{names}`: {check.yours} statements (reference: {check.reference})"]
        block = [f"+ {s}" for s in _runs(check.only_yours)]
        block += [f"- {s}" for s in _runs(check.only_reference)]
        lines += ["", "  ```diff", *[f"  {line}" for line in block], "  ```", ""]
    return lines


def review_markdown(review: Review) -> str:
    kata, learner = review.kata, review.learner
    lines = [
        f"## Review of kata {kata.id} — {kata.title}",
        "",
        f"**Status:** {learner.headline} ({learner.passed_count}/{len(learner.checks)} checks "
        f"pass, on {review.database}). Files from {review.source}.",
        "",
    ]
    if learner.problem:
        lines += [f"> {learner.problem}", ""]
    lines += ["### Your files against the reference", ""]
    if review.same_code:
        lines += ["_Identical to the reference solution._", ""]
    for diff in review.diffs:
        if diff.diff:
            lines += ["```diff", diff.diff.rstrip("\n"), "```", ""]
    lines += ["### The SQL your code sent, beside the reference's", ""]
    lines += (
        ["Lines with `+` only your code sent; `-` only the reference.", ""] if review.sql else []
    )
    lines += _md_sql(review.sql)
    lines += ["### Behaves like", ""]
    lines += [f"- {line}" for line in _mutant_lines(review, review.mutants_graded)] + [""]
    if kata.talking_points:
        lines += ["**Talking points:**", ""]
        lines += [f"{n}. {p}" for n, p in enumerate(kata.talking_points, start=1)] + [""]
    lines += ["### Legacy APIs and flags", ""]
    if not (learner.nudges or learner.flags or learner.status == KATA_TAMPERED):
        lines += ["_No legacy APIs, nothing flagged._", ""]
    lines += [f"- Legacy: `{n.found}` ({', '.join(n.where)}): {n.advice}" for n in learner.nudges]
    lines += [f"- Flagged: {flag}" for flag in learner.flags]
    if learner.status == KATA_TAMPERED:
        lines += [f"- **Tampered:** {learner.problem}"]
    lines += [f"- Note: {note}" for note in review.notes]
    return "\n".join(lines).rstrip("\n") + "\n"


def shapes_markdown(grouping: Grouping) -> str:
    kata = grouping.kata
    learners = sum(len(s.members) for s in grouping.shapes)
    lines = [
        f"## Kata {kata.id} — {kata.title}: {learners} learners, {len(grouping.shapes)} shapes",
        "",
    ]
    for shape in grouping.shapes:
        verdict = "passes" if shape.passes else shape.representative.headline
        lines += [f"### Shape {shape.number} — {len(shape.members)} learner(s), {verdict}", ""]
        lines += [f"Learners: {', '.join(shape.members)}", ""]
        if shape.flagged:
            lines += [f"Flagged or tampered: {', '.join(shape.flagged)}", ""]
        lines += _md_sql(shape.sql)
        lines += [
            f"- Behaves like: {line}" for line in _mutant_lines(shape, grouping.mutants_graded)
        ]
        lines += [""]
    lines += [f"- Skipped: {note}" for note in grouping.skipped]
    return "\n".join(lines).rstrip("\n") + "\n"
