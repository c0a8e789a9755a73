"""`checker verify`'s table, problems and summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from checker.cli.render.base import out, plain, table_box

if TYPE_CHECKING:
    from checker.cli.verify import VerifyResult


def render_verify(result: VerifyResult) -> None:
    title = f"checker verify — {escape(result.database)}"
    table = Table(title=title, box=table_box(), title_justify="left")
    for column in ("kata", "title", "checks", "stub fails", "mutants", "verdict"):
        table.add_column(column)
    for v in result.verdicts:
        if v.ok and v.needs:
            verdict = f"NOT RUN (needs {v.needs})" if plain else f"[yellow]needs {v.needs}[/]"
        elif v.ok:
            verdict = "OK" if plain else "[green]✓ ok[/]"
        else:
            verdict = "PROBLEM" if plain else "[red]✗ problem[/]"
        static = result.static_only
        stub = "" if static else f"{v.stub_failing}/{v.checks}"
        mutants = f"{v.mutants_total}" if static else f"{v.mutants_caught}/{v.mutants_total}"
        checks = "" if static else str(v.checks)
        table.add_row(v.kata_id, escape(v.title), checks, stub, mutants, verdict)
    out.print(table)
    for v in result.verdicts:
        for problem in v.problems:
            out.print(f"  kata {v.kata_id}: {escape(problem)}")
    for phase_problem in result.phase_problems:
        out.print(f"  {phase_problem.where}: {escape(phase_problem.what)}")
    if result.mutation is not None:
        render_mutation(result)
    out.print(f"[bold]{escape(result.summary)}[/]")


def render_mutation(result: VerifyResult) -> None:
    """Generated mutants: a score per kata, then every survivor and stale equivalent mark."""
    table = Table(title="generated mutants", box=table_box(), title_justify="left")
    for column in ("kata", "generated", "equivalent", "killed", "survivors", "score"):
        table.add_column(column)
    for s in result.mutation or ():
        table.add_row(
            s.kata_id,
            str(s.generated),
            str(s.equivalent),
            f"{s.killed}/{s.graded}",
            str(len(s.survivors)),
            f"{s.score:.0%}",
        )
    out.print(table)
    for s in result.mutation or ():
        for survivor in s.survivors:
            out.print(f"  kata {s.kata_id} survivor: {escape(survivor.describe())}")
        for stale in s.stale_marks:
            out.print(f"  kata {s.kata_id}: {escape(stale)}")
    if result.survivors:
        advice = (
            "  A survivor is resolved by a check that fails on it, or, if no check can, by a "
            "[[kata.equivalent]] entry in phase.toml (function, operator, before, after, db, "
            "reason) — see phases/AUTHORING.md."
        )
        out.print(escape(advice))
