"""`checker report` on a terminal: the class's points for one learner, kata by kata."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from checker.classroom.report import Report, rounded_points
from checker.cli.render.base import badge, err, out, table_box


def render_report(report: Report) -> None:
    total = f"{rounded_points(report.total)}/{rounded_points(report.max_total)}"
    table = Table(
        title=f"{report.config.name}: {total} points", box=table_box(), title_justify="left"
    )
    for column in ("kata", "title", "status"):
        table.add_column(column)
    table.add_column("checks", justify="right")
    table.add_column("points", justify="right")
    table.add_column("due")
    for kata in report.katas:
        due = kata.due.isoformat() if kata.due else ""
        if kata.late:
            due += " [yellow](late)[/]"
        table.add_row(
            kata.kata_id,
            escape(kata.result.title),
            badge(kata.result.status, kata.result.headline),
            f"{kata.result.passed_count}/{kata.applicable}",
            f"{rounded_points(kata.points)}/{rounded_points(kata.max_points)}",
            due,
        )
    out.print(table)
    for kata in report.katas:
        if kata.note:
            out.print(f"[bold]Kata {kata.kata_id}:[/] {escape(kata.note.splitlines()[0])}")
    credit = "partial credit per check" if report.config.partial_credit else "all or nothing"
    out.print(
        f"[dim]Class configuration {escape(report.config.file)} ({credit}); workbook release "
        f"{report.workbook_version or 'unknown'}, {report.run.database}. --json, --junit, --md, "
        "--classroom and --gradescope write it for other tools.[/]"
    )


def render_report_written(what: str, path: str) -> None:
    """On stderr, so that a report printed to stdout stays clean."""
    err.print(f"Wrote the {what} to {escape(path)}.")
