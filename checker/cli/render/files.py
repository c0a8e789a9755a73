"""What happened to the learner's files: resets, stubs written, backups, restores, solutions."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from checker.cli.render.base import out, plain, table_box
from checker.cli.state.backups import Backup
from checker.cli.state.learner_files import StubChange, Written
from checker.results import SCHEMA_VERSION
from checker.workbook.catalog import Kata


def render_nothing_to_reset(katas: int) -> None:
    which = "that kata is" if katas == 1 else "those katas are"
    out.print(f"Nothing to reset: {which} already the original stub.")


def render_unchanged() -> None:
    out.print("Nothing was changed.")


def render_written(written: list[Written], verb: str) -> None:
    if not written:
        out.print("All stubs are in sync with their solutions; nothing written.")
        return
    for item in written:
        if item.backup:
            files = ", ".join(item.backup.files)
            out.print(f"backed up {escape(files)} (backup {item.backup.stamp})")
        for name in item.files:
            out.print(f"{verb} {escape(name)}")
    if verb == "reset":
        out.print(
            "`checker backups` lists your backups; `checker restore N.M` puts the latest back."
        )


def render_stale_stubs(changes: list[StubChange]) -> None:
    for change in changes:
        for name in change.files:
            out.print(f"out of sync: {escape(name)}")
    count = sum(len(c.files) for c in changes)
    out.print(
        f"{count} stub(s) out of sync."
        if changes
        else "All stubs are in sync with their solutions."
    )


def backups_json(found: list[Backup]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "type": "backups",
        "backups": [{"id": b.stamp, "files": list(b.files), "taken": b.taken} for b in found],
    }


def render_backups(found: list[Backup]) -> None:
    if not found:
        out.print(
            "No backups yet. `checker reset` and `checker stubs` back up a file before "
            "replacing it."
        )
        return
    table = Table(title="Backups, newest first", box=table_box(), title_justify="left")
    for column in ("id", "taken", "files"):
        table.add_column(column)
    for b in found:
        table.add_row(b.stamp, b.taken, escape(", ".join(b.files)))
    out.print(table)
    out.print("`checker restore ID` (or `checker restore N.M` for a kata's newest) puts one back.")


def render_restored(chosen: Backup, saved: Backup | None) -> None:
    if saved:
        out.print(f"backed up the current {escape(', '.join(saved.files))} (backup {saved.stamp})")
    out.print(f"restored {escape(', '.join(chosen.files))} from the backup of {chosen.taken}")


def render_solution(kata: Kata, sources: dict[str, str]) -> None:
    out.print(f"[bold]Reference solution for kata {kata.id} — {escape(kata.title)}[/]\n")
    for path, source in sources.items():
        out.print(f"[dim]{escape(path)}[/]")
        if plain:
            out.print(source)
        else:
            from rich.syntax import Syntax

            shown = Syntax(
                source, "python", line_numbers=True, theme="ansi_dark", background_color="default"
            )
            out.print(shown)
    out.print("\n[bold]Talking points[/] (what a mentor would ask you about this kata):")
    for point in kata.talking_points:
        out.print(f"  - {escape(point)}")
