"""`checker class` on the terminal: clones as they are graded, the notes, and where the
dashboard was written."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from checker.cli.render.base import err, out

if TYPE_CHECKING:
    from checker.classroom.aggregate import ClassView
    from checker.classroom.clones import Graded
    from checker.classroom.reports import Note


def render_no_sandbox(reason: str) -> None:
    err.print(f"[bold red]learners' code ran without a sandbox: {escape(reason)}[/]")


def render_grading_clones(count: int, jobs: int, database: str) -> None:
    err.print(
        f"Grading {count} clone(s) with `checker grade --pristine`, {jobs} at a time, "
        f"on {escape(database)}…"
    )


def render_clone_graded(graded: Graded, done: int, total: int) -> None:
    if graded.report is None:
        what = "no report"
    else:
        passed = sum(1 for k in graded.report.katas.values() if k.status == "passed")
        what = f"{passed}/{len(graded.report.katas)} katas passed"
    err.print(f"  [{done}/{total}] {escape(graded.name)}: {what} ({graded.seconds:.0f} s)")


def render_class_notes(notes: list[Note] | tuple[Note, ...]) -> None:
    for note in notes:
        out.print(f"[yellow]note[/] ({escape(note.subject)}): {escape(note.text)}")


def render_class_done(view: ClassView, written: list[Path]) -> None:
    render_class_notes(view.notes)
    if view.sandbox:
        out.print(f"[bold red]learners' code ran without a sandbox: {escape(view.sandbox)}[/]")
    out.print(
        f"{len(view.learners)} learner(s), {len(view.katas)} kata(s); median katas passed: "
        f"{view.median_passed:g}; {len(view.misconceptions)} shared misconception(s)."
    )
    for rank, item in enumerate(view.misconceptions[:3], 1):
        out.print(f"  {rank}. {escape(item.name)} — {len(item.learners)} learner(s)")
    flagged = view.flagged()
    if flagged:
        out.print(f"[magenta]{len(flagged)} tampered kata(s) or flag(s): see the dashboard.[/]")
    for path in written:
        out.print(f"Wrote {escape(str(path))}")
