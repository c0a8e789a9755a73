"""The learner's views: progress, the kata list, instructions, hints, watch mode's screen."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from rich.table import Table

from checker.cli.render.base import badge, clickable, out, plain, table_box
from checker.cli.render.runs import (
    passes,
    render_flag,
    render_kata_result,
    render_workbook_changes,
)
from checker.cli.views import ListView, StatusView
from checker.results import KATA_PASSED, KataResult
from checker.workbook.catalog import Kata

BAR_WIDTH = 20


def _bar(passed: int, total: int) -> str:
    filled = round(BAR_WIDTH * passed / total)
    if plain:
        return "#" * filled + "." * (BAR_WIDTH - filled)
    return f"[green]{'━' * filled}[/][dim]{'━' * (BAR_WIDTH - filled)}[/]"


def minutes_words(minutes: int) -> str:
    """An estimate in words: "~45 min", "~2 h", "~2 h 10 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"~{rest} min"
    return f"~{hours} h" + (f" {rest} min" if rest else "")


def render_status(view: StatusView) -> None:
    table = Table(title="Your progress", box=table_box(), title_justify="left")
    for column in ("phase", "title"):
        table.add_column(column)
    table.add_column("passed", justify="right")
    table.add_column("progress")
    table.add_column("estimate")
    for phase in view.phases:
        if not phase.available:
            table.add_row(str(phase.number), escape(phase.title), "", "[dim]coming soon[/]", "")
            continue
        total = len(phase.katas)
        bar = _bar(phase.passed, total)
        title = escape(phase.title) + (" [dim](more katas coming)[/]" if phase.in_progress else "")
        left = f"{minutes_words(phase.minutes_left)} left" if phase.minutes_left else "done"
        table.add_row(str(phase.number), title, f"{phase.passed}/{total}", bar, left)
    out.print(table)
    following = view.next_kata
    if following:
        out.print(
            f"Next: kata {following.kata_id} — {escape(following.title)}. "
            "Run `checker next` to see "
            "what to build, or `checker phase N` to grade a whole phase."
        )
    else:
        out.print("[green]Every available kata passes.[/]")
    for phase in view.phases:
        for row in phase.katas:
            if row.status == KATA_PASSED and row.headline != row.status:
                out.print(f"[dim]Kata {row.kata_id}: {escape(row.headline)}.[/]")
    out.print("[dim]Statuses are from your last run; `checker phase N` checks again.[/]")
    _render_trust(view)


def _render_trust(view: StatusView) -> None:
    """What makes these grades doubtful, for the learner and whoever reviews their work."""
    for flag in view.flags:
        render_flag(flag)
    if view.forged:
        out.print(
            f"[magenta]Not written by the checker:[/] the results of kata(s) "
            f"{', '.join(view.forged)} in .checker/state.json were edited by hand, so they show "
            "as tampered until graded again."
        )
    render_workbook_changes(view.workbook)


def render_list(view: ListView) -> None:
    table = Table(box=table_box())
    for column in ("kata", "title", "topics", "db"):
        table.add_column(column)
    table.add_column("min", justify="right")  # the catalog's estimate for a learner
    table.add_column("status")
    for row in view.katas:
        status = badge(row.status, row.headline)
        table.add_row(
            row.kata_id, escape(row.title), ", ".join(row.topics), row.db, str(row.minutes), status
        )
    out.print(table)


def render_instructions(kata: Kata, instructions: str, file: str, root: Path, lesson: str) -> None:
    out.print(f"[bold]Kata {kata.id} — {escape(kata.title)}[/]")
    out.print(f"[dim]topics:[/] {', '.join(kata.topics)}   [dim]database:[/] {kata.db}")
    edit, read = escape(clickable(file, root)), escape(clickable(lesson, root))
    out.print(f"[dim]edit:[/] {edit}   [dim]lesson:[/] {read}\n")
    if plain:
        out.print(instructions)
        return
    from rich.markdown import Markdown  # markdown-it is slow to import: only when shown

    out.print(Markdown(instructions))


def render_hints(kata: Kata, shown: int) -> None:
    for number, hint in enumerate(kata.hints[:shown], start=1):
        out.print(f"[bold]Hint {number}/{len(kata.hints)}[/] for kata {kata.id}: {escape(hint)}")
    if shown >= len(kata.hints):
        out.print(
            "[dim]That was the last hint. The lesson for this phase explains the concept in "
            "depth; a mentor can go through the talking points with you.[/]"
        )
    else:
        out.print(f"[dim]Run `checker hint {kata.id}` again for the next hint.[/]")


def render_moving_on(result: KataResult) -> None:
    out.print(
        f"Kata {result.kata_id} already {result.headline.replace('passed', 'passes', 1)}; "
        "moving on."
    )


def render_all_passed() -> None:
    out.print("Every available kata passes. Well done! `checker` shows your progress.")


def render_editor_command(command: str) -> None:
    out.print(f"[dim]$ {escape(command)}[/]")


def render_nothing_to_watch() -> None:
    out.print(
        "Every kata passes: there is nothing to watch. `checker watch N.M` watches one anyway."
    )


def render_stopped_watching() -> None:
    out.print("\nStopped watching.")


def render_watch(
    result: KataResult, kata: Kata, root: Path, hints_shown: int, following: Kata | None
) -> None:
    """One screen per run: cleared on a terminal, separated by a rule when piped."""
    if plain:
        out.print("-" * 60)
    else:
        out.clear()
    render_kata_result(result, root)
    for number, hint in enumerate(kata.hints[:hints_shown], start=1):
        out.print(f"  [yellow]Hint {number}/{len(kata.hints)}:[/] {escape(hint)}")
    keys = "[bold]h[/] hint · [bold]e[/] edit · [bold]r[/] re-run · [bold]q[/] quit"
    if result.status == KATA_PASSED:
        if following:
            out.print(
                f"\n[green]{escape(passes(result))}![/] Press [bold]n[/] for kata "
                f"{following.id} — {escape(following.title)}."
            )
        else:
            out.print(
                f"\n[green]{escape(passes(result))} — and it was the last one left. Well done![/]"
            )
    else:
        where = escape(clickable(result.file, root))
        out.print(f"\n[dim]Watching katas/ — save {where} to check again.[/]")
    out.print(f"[dim]{keys}[/]")
