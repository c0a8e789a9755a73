"""Everything the learner sees. The only module that imports rich.

On a terminal: colour, symbols and boxed tables. Piped, or with NO_COLOR set: plain words and
ASCII tables, so logs and CI output stay readable.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from checker import results as r
from checker.cli.state.progress import EDITED, Progress
from checker.workbook.catalog import Catalog, Kata

_plain = bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()
out = Console(
    highlight=False, no_color=_plain, soft_wrap=_plain, width=None if sys.stdout.isatty() else 100
)
err = Console(
    stderr=True,
    highlight=False,
    no_color=_plain,
    soft_wrap=_plain,
    width=None if sys.stderr.isatty() else 100,
)

_SYMBOL = {
    r.KATA_PASSED: ("✓", "PASS", "green"),
    r.KATA_FAILED: ("✗", "FAIL", "red"),
    r.KATA_BROKEN: ("!", "BROKEN", "red bold"),
    r.KATA_TIMEOUT: ("⏱", "TIMEOUT", "yellow"),
    r.KATA_NOT_RUN: ("·", "-", "dim"),
    EDITED: ("~", "EDITED", "yellow"),
}


def _box() -> box.Box:
    return box.ASCII if _plain else box.SIMPLE_HEAD


def _badge(status: str) -> str:
    symbol, word, style = _SYMBOL.get(status, ("?", status.upper(), ""))
    return word if _plain else f"[{style}]{symbol} {escape(status)}[/]"


def clickable(rel_path: str | None, root: Path) -> str:
    """A path relative to where the learner stands, which terminals make clickable."""
    if not rel_path:
        return ""
    path, _, line = rel_path.partition(":")
    full = Path(path) if Path(path).is_absolute() else root / path
    try:
        shown = os.path.relpath(full)
    except ValueError:  # another drive on Windows
        shown = str(full)
    return f"{shown}:{line}" if line else shown


def error(message: str) -> None:
    err.print(("error: " if _plain else "[red bold]error:[/] ") + escape(message))


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


# --- a run of checks ------------------------------------------------------------------------


def _fold(statements: tuple[r.StatementRecord, ...], dropped: int, limit: int = 8) -> list[str]:
    groups = r.group_repeats(statements)
    lines = []
    for sql, count, params in groups[:limit]:
        shown = sql if len(sql) <= 160 else sql[:157] + "…"
        suffix = (
            f"  — ×{count}"
            if count > 1
            else (f"  {params}" if params not in ("()", "{}", "[]") else "")
        )
        lines.append(shown + suffix)
    if len(groups) > limit:
        lines.append(f"… and {len(groups) - limit} more")
    if dropped:
        lines.append(f"… and {dropped} more statements not recorded")
    return lines


def _sql_line(line: str) -> Any:
    """A folded statement, syntax-highlighted on a terminal."""
    if _plain:
        return f"        {line}"
    from rich.padding import Padding
    from rich.syntax import Syntax

    return Padding(
        Syntax(line, "sql", theme="ansi_dark", word_wrap=True, background_color="default"),
        (0, 0, 0, 8),
    )


def _comparison_table(details: dict[str, Any]) -> Table | None:
    rows = [("missing", row) for row in details.get("missing", [])]
    rows += [("unexpected", row) for row in details.get("unexpected", [])]
    if not rows:
        return None
    table = Table(box=_box(), padding=(0, 1))
    table.add_column("")
    width = max(len(row) for _, row in rows)
    for index in range(width):
        table.add_column(f"col {index + 1}")
    for label, row in rows:
        style = "green" if label == "missing" else "red"
        cells = [escape(repr(value)) for value in row] + [""] * (width - len(row))
        table.add_row(label if _plain else f"[{style}]{label}[/]", *cells)
    return table


def render_check(check: r.CheckResult, root: Path, same_as_previous: bool = False) -> None:
    if check.ok:
        mark = "PASS" if _plain else "[green]✓[/]"
        out.print(f"  {mark} {escape(check.description or check.name)}")
        return
    mark = "FAIL" if _plain else "[red]✗[/]"
    out.print(f"  {mark} {escape(check.description or check.name)}  [dim]({escape(check.name)})[/]")
    if same_as_previous:  # eight checks of one unwritten function need not say so eight times
        out.print("      [dim](the same as above)[/]")
        return
    message = check.message or check.outcome
    table = _comparison_table(check.comparison) if check.comparison else None
    if table is not None:  # the table says what the message's plain-text rows say, better
        message = message.splitlines()[0]
    for line in message.splitlines():
        out.print(f"      {escape(line)}")
    if table is not None:
        from rich.padding import Padding

        out.print(Padding(table, (0, 0, 0, 6)))
    if check.where:
        out.print(f"      [dim]at[/] {escape(clickable(check.where, root))}")
    if check.kind in (r.KIND_ASSERTION, r.KIND_EXCEPTION) and (
        check.statements or check.reference_statements is not None
    ):
        sent = len(check.statements) + check.statements_dropped
        versus = (
            f"; the reference solution sent {check.reference_statements}"
            if check.reference_statements is not None
            else ""
        )
        out.print(
            f"      [dim]SQL your code sent: {sent} statement{'s' if sent != 1 else ''}{versus}[/]"
        )
        for line in _fold(check.statements, check.statements_dropped):
            out.print(_sql_line(line))


def render_kata_result(result: r.KataResult, root: Path) -> None:
    counts = f"{result.passed_count}/{len(result.checks)} checks pass"
    out.print(
        f"\n[bold]Kata {result.kata_id}[/] — {escape(result.title)}   {_badge(result.status)}  [dim]{counts}[/]"
    )
    out.print(f"  [dim]file:[/] {escape(clickable(result.file, root))}")
    if result.problem:
        out.print(
            Panel(
                escape(result.problem), border_style="red", box=box.ASCII if _plain else box.ROUNDED
            )
        )
        if result.status == r.KATA_BROKEN:
            return
    previous = None
    for check in result.checks:
        said = (check.kind, check.message, check.where)
        render_check(check, root, same_as_previous=not check.ok and said == previous)
        previous = None if check.ok else said


def render_run_table(run: r.RunResult, root: Path, title: str) -> None:
    table = Table(title=title, box=_box(), title_justify="left")
    table.add_column("kata")
    table.add_column("title")
    table.add_column("status")
    table.add_column("checks", justify="right")
    for result in run.katas:
        checks = f"{result.passed_count}/{len(result.checks)}" if result.checks else ""
        table.add_row(result.kata_id, escape(result.title), _badge(result.status), checks)
    out.print(table)
    passed = sum(1 for k in run.katas if k.status == r.KATA_PASSED)
    out.print(f"{passed}/{len(run.katas)} katas pass on {escape(run.database)}.")


def render_next_step(result: r.KataResult | None, root: Path) -> None:
    if result is None:
        out.print("[green]Every kata here passes.[/] Run `checker` to see your progress.")
        return
    out.print(
        f"\nNext: kata {result.kata_id}. Edit {escape(clickable(result.file, root))}, then run "
        f"`checker kata {result.kata_id}` (`checker hint {result.kata_id}` if you are stuck)."
    )


# --- progress -------------------------------------------------------------------------------


def render_status(catalog: Catalog, progress: Progress, next_kata: Kata | None) -> None:
    table = Table(title="Your progress", box=_box(), title_justify="left")
    table.add_column("phase")
    table.add_column("title")
    table.add_column("passed", justify="right")
    table.add_column("progress")
    for phase in catalog.phases:
        if not phase.available:
            table.add_row(
                str(phase.number),
                escape(phase.title),
                "",
                "[dim]coming soon[/]" if not _plain else "coming soon",
            )
            continue
        passed = sum(1 for k in phase.katas if progress.status(k) == r.KATA_PASSED)
        total = len(phase.katas)
        width = 20
        filled = round(width * passed / total)
        bar = (
            ("#" * filled + "." * (width - filled))
            if _plain
            else f"[green]{'━' * filled}[/][dim]{'━' * (width - filled)}[/]"
        )
        table.add_row(str(phase.number), escape(phase.title), f"{passed}/{total}", bar)
    out.print(table)
    if next_kata:
        out.print(
            f"Next: kata {next_kata.id} — {escape(next_kata.title)}. Run `checker next` to see "
            "what to build, or `checker phase N` to grade a whole phase."
        )
    else:
        out.print("[green]Every available kata passes.[/]")
    out.print("[dim]Statuses are from your last run; `checker phase N` checks again.[/]")


def render_list(catalog: Catalog, progress: Progress) -> None:
    table = Table(box=_box())
    for column in ("kata", "title", "topics", "db", "status"):
        table.add_column(column)
    for kata in catalog.katas:
        table.add_row(
            kata.id,
            escape(kata.title),
            ", ".join(kata.topics),
            kata.db,
            _badge(progress.status(kata)),
        )
    out.print(table)


# --- instructions and hints -------------------------------------------------------------------


def render_instructions(kata: Kata, instructions: str, file: str, root: Path, lesson: str) -> None:
    out.print(f"[bold]Kata {kata.id} — {escape(kata.title)}[/]")
    out.print(f"[dim]topics:[/] {', '.join(kata.topics)}   [dim]database:[/] {kata.db}")
    out.print(
        f"[dim]edit:[/] {escape(clickable(file, root))}   [dim]lesson:[/] {escape(clickable(lesson, root))}\n"
    )
    out.print(Markdown(instructions) if not _plain else instructions)


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


# --- verify ---------------------------------------------------------------------------------


def render_verify(result: Any) -> None:
    table = Table(
        title=f"checker verify — {escape(result.database)}", box=_box(), title_justify="left"
    )
    for column in ("kata", "title", "checks", "stub fails", "mutants", "verdict"):
        table.add_column(column)
    for v in result.verdicts:
        verdict = (
            ("OK" if _plain else "[green]✓ ok[/]")
            if v.ok
            else ("PROBLEM" if _plain else "[red]✗ problem[/]")
        )
        stub = "" if result.static_only else f"{v.stub_failing}/{v.checks}"
        mutants = (
            f"{v.mutants_total}" if result.static_only else f"{v.mutants_caught}/{v.mutants_total}"
        )
        table.add_row(
            v.kata_id,
            escape(v.title),
            "" if result.static_only else str(v.checks),
            stub,
            mutants,
            verdict,
        )
    out.print(table)
    for v in result.verdicts:
        for problem in v.problems:
            out.print(f"  kata {v.kata_id}: {escape(problem)}")
    for problem in result.phase_problems:
        out.print(f"  {problem.where}: {escape(problem.what)}")
    out.print(("" if _plain else "[bold]") + escape(result.summary) + ("" if _plain else "[/]"))


# --- files: backups, solutions ----------------------------------------------------------------


def ask_yes_no(question: str) -> bool:
    answer = out.input(f"{escape(question)} [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def render_backups(found: list[Any]) -> None:
    if not found:
        out.print(
            "No backups yet. `checker reset` and `checker stubs` back up a file before replacing it."
        )
        return
    table = Table(title="Backups, newest first", box=_box(), title_justify="left")
    for column in ("id", "taken", "file"):
        table.add_column(column)
    for b in found:
        table.add_row(b.stamp, b.taken, b.original)
    out.print(table)
    out.print("`checker restore ID` (or `checker restore N.M` for a kata's newest) puts one back.")


def render_solution(kata: Kata, path: str, source: str) -> None:
    out.print(
        f"[bold]Reference solution for kata {kata.id} — {escape(kata.title)}[/]  [dim]{escape(path)}[/]\n"
    )
    if _plain:
        out.print(source)
    else:
        from rich.syntax import Syntax

        out.print(
            Syntax(
                source, "python", line_numbers=True, theme="ansi_dark", background_color="default"
            )
        )
    out.print("\n[bold]Talking points[/] (what a mentor would ask you about this kata):")
    for point in kata.talking_points:
        out.print(f"  - {escape(point)}")


# --- watch mode -------------------------------------------------------------------------------


def render_watch(
    result: r.KataResult, kata: Kata, root: Path, hints_shown: int, following: Kata | None
) -> None:
    """One screen per run: cleared on a terminal, separated by a rule when piped."""
    if _plain:
        out.print("-" * 60)
    else:
        out.clear()
    render_kata_result(result, root)
    for number, hint in enumerate(kata.hints[:hints_shown], start=1):
        out.print(f"  [yellow]Hint {number}/{len(kata.hints)}:[/] {escape(hint)}")
    keys = "[bold]h[/] hint · [bold]e[/] edit · [bold]r[/] re-run · [bold]q[/] quit"
    if result.status == r.KATA_PASSED:
        if following:
            out.print(
                f"\n[green]Kata {kata.id} passes![/] Press [bold]n[/] for kata {following.id} — {escape(following.title)}."
            )
        else:
            out.print(
                f"\n[green]Kata {kata.id} passes — and it was the last one left. Well done![/]"
            )
    else:
        out.print(
            f"\n[dim]Watching katas/ — save {escape(clickable(result.file, root))} to check again.[/]"
        )
    out.print(("" if _plain else "[dim]") + keys + ("" if _plain else "[/]"))
