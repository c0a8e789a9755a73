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
        if v.ok:
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
    out.print(f"[bold]{escape(result.summary)}[/]")
