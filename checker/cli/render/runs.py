"""A run of checks: each kata's result, each check's message, the SQL the learner's code sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich import box
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table

from checker.cli.render.base import badge, clickable, out, plain, table_box
from checker.results import (
    CHECK_ERROR,
    FAILED,
    KATA_BROKEN,
    KATA_PASSED,
    LEARNER_ERROR,
    NEEDS_POSTGRES,
    ORIGIN_LEARNER,
    PASSED,
    SKIPPED,
    TIMED_OUT,
    CheckResult,
    KataResult,
    RunResult,
    Statement,
    group_repeats,
)
from checker.workbook.legacy import label as advice_label

# outcome -> (plain word, terminal mark)
_MARKS = {
    PASSED: ("PASS", "[green]✓[/]"),
    FAILED: ("FAIL", "[red]✗[/]"),
    LEARNER_ERROR: ("FAIL", "[red]✗[/]"),
    CHECK_ERROR: ("WORKBOOK ERROR", "[magenta]![/]"),
    SKIPPED: ("SKIPPED", "[yellow]-[/]"),
    NEEDS_POSTGRES: ("NEEDS POSTGRES", "[dim]·[/]"),
    TIMED_OUT: ("TIMEOUT", "[yellow]⏱[/]"),
}
SHOW_STATEMENTS = 8


def _fold(
    statements: tuple[Statement, ...], dropped: int, limit: int = SHOW_STATEMENTS
) -> list[str]:
    groups = group_repeats(statements)
    lines = []
    for sql, count, params in groups[:limit]:
        shown = sql if len(sql) <= 160 else sql[:157] + "…"
        quiet = params in ("", "()", "{}", "[]")
        lines.append(shown + (f"  — ×{count}" if count > 1 else ("" if quiet else f"  {params}")))
    if len(groups) > limit:
        lines.append(f"… and {len(groups) - limit} more")
    if dropped:
        lines.append(f"… and {dropped} more statements not recorded")
    return lines


def _sql_line(line: str) -> Any:
    """A folded statement, syntax-highlighted on a terminal."""
    if plain:
        return f"        {line}"
    from rich.syntax import Syntax

    syntax = Syntax(line, "sql", theme="ansi_dark", word_wrap=True, background_color="default")
    return Padding(syntax, (0, 0, 0, 8))


def _comparison_table(details: dict[str, Any]) -> Table | None:
    rows = [("missing", row) for row in details.get("missing", [])]
    rows += [("unexpected", row) for row in details.get("unexpected", [])]
    if not rows:
        return None
    table = Table(box=table_box(), padding=(0, 1))
    table.add_column("")
    width = max(len(row) for _, row in rows)
    for index in range(width):
        table.add_column(f"col {index + 1}")
    for label, row in rows:
        style = "green" if label == "missing" else "red"
        cells = [escape(repr(value)) for value in row] + [""] * (width - len(row))
        table.add_row(label if plain else f"[{style}]{label}[/]", *cells)
    return table


def _render_sql(check: CheckResult) -> None:
    """What the learner's code sent (their statements only), against the reference's count."""
    mine = check.learner_statements
    if not mine and check.reference_statements is None:
        return
    sent = sum(1 for s in mine if s.type == "sql") + check.statements_dropped
    versus = (
        f"; the reference solution sent {check.reference_statements}"
        if check.reference_statements is not None
        else ""
    )
    out.print(
        f"      [dim]SQL your code sent: {sent} statement{'s' if sent != 1 else ''}{versus}[/]"
    )
    for line in _fold(mine, check.statements_dropped):
        out.print(_sql_line(line))


SHOW_EXCHANGES = 6


def _render_exchanges(check: CheckResult) -> None:
    """Each HTTP request the check sent, its answer, and the SQL the app sent meanwhile."""
    out.print(f"      [dim]HTTP requests the check sent: {len(check.exchanges)}[/]")
    if check.reference_statements is not None:  # a compare_sql check: the count to beat
        out.print(
            "      [dim]The reference solution, run on the same check, sent "
            f"{check.reference_statements} SQL statements[/]"
        )
    for exchange in check.exchanges[:SHOW_EXCHANGES]:
        body = exchange.body.replace("\n", " ")
        body = body if len(body) <= 120 else body[:119] + "…"
        line = f"{exchange.method} {exchange.path} → {exchange.status}  {body}"
        out.print(f"        {escape(line)}")
        start, end = exchange.statements
        sent = tuple(s for s in check.statements[start:end] if s.origin == ORIGIN_LEARNER)
        for sql in _fold(sent, 0, limit=4):
            out.print(_sql_line("  " + sql))
    if len(check.exchanges) > SHOW_EXCHANGES:
        out.print(f"        … and {len(check.exchanges) - SHOW_EXCHANGES} more requests")


def render_check(check: CheckResult, root: Path, same_as_previous: bool = False) -> None:
    word, mark = _MARKS.get(check.outcome, (check.outcome.upper(), "?"))
    label = escape(check.description or check.name)
    if check.outcome in (PASSED, NEEDS_POSTGRES):
        suffix = "  [dim](needs Postgres)[/]" if check.outcome == NEEDS_POSTGRES else ""
        out.print(f"  {word if plain else mark} {label}{suffix}")
        return
    out.print(f"  {word if plain else mark} {label}  [dim]({escape(check.name)})[/]")
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
        out.print(Padding(table, (0, 0, 0, 6)))
    if check.where:
        out.print(f"      [dim]at[/] {escape(clickable(check.where, root))}")
    if check.advice:
        tag = f"{advice_label(check.advice)}:"
        out.print(f"      {tag if plain else f'[cyan]{tag}[/]'} {escape(check.advice)}")
    if check.outcome in (FAILED, LEARNER_ERROR) and check.kind != "todo":
        if check.exchanges:
            _render_exchanges(check)
        else:
            _render_sql(check)


def render_kata_result(result: KataResult, root: Path) -> None:
    counts = f"{result.passed_count}/{len(result.checks)} checks pass"
    title = f"\n[bold]Kata {result.kata_id}[/] — {escape(result.title)}"
    out.print(f"{title}   {badge(result.status, result.headline)}  [dim]{counts}[/]")
    out.print(f"  [dim]file:[/] {escape(clickable(result.file, root))}")
    if result.problem:
        if plain:  # no box: a piped line is never wrapped, and a box would cut it off
            for line in result.problem.splitlines():
                out.print(f"  ! {escape(line)}")
        else:
            out.print(Panel(escape(result.problem), border_style="red", box=box.ROUNDED))
        if result.status == KATA_BROKEN:
            return
    previous = None
    for check in result.checks:
        said = (check.kind, check.message, check.where)
        render_check(check, root, same_as_previous=not check.ok and said == previous)
        previous = None if check.ok else said
    render_nudges(result, root)


def render_nudges(result: KataResult, root: Path, name_the_kata: bool = False) -> None:
    """One line per legacy API the learner's files use: where, what, and the 2.0 form."""
    label = "2.0 STYLE" if plain else "[yellow]➜ 2.0 style[/]"
    kata = f"kata {result.kata_id} " if name_the_kata else ""
    for nudge in result.nudges:
        more = f" (+{len(nudge.where) - 1} more)" if len(nudge.where) > 1 else ""
        where = escape(clickable(nudge.where[0], root))
        out.print(f"  {label} {kata}{where}{more}: {escape(nudge.found)} — {escape(nudge.advice)}")
    render_flags(result, root, name_the_kata)


def render_flags(result: KataResult, root: Path, name_the_kata: bool = False) -> None:
    """One line per place the learner's files reach into the grader."""
    kata = f"kata {result.kata_id} " if name_the_kata else ""
    for flag in result.flags:
        render_flag(f"{kata}{flag}", indent="  ")


def render_flag(text: str, indent: str = "") -> None:
    label = "FLAG" if plain else "[magenta]⚑ flag[/]"
    out.print(f"{indent}{label} {escape(text)} — a kata's answer never needs this")


def passes(result: KataResult) -> str:
    """ "Kata 1.3 passes", or "Kata 1.3 passed on SQLite — 2 checks need Postgres"."""
    if result.headline == KATA_PASSED:
        return f"Kata {result.kata_id} passes"
    return f"Kata {result.kata_id} {result.headline}"


def _render_isolation_note(run: RunResult) -> None:
    if run.isolation_note:
        out.print(f"[dim]note: {escape(run.isolation_note)}[/]")


def render_kata_run(run: RunResult, root: Path) -> None:
    result = run.katas[0]
    render_kata_result(result, root)
    _render_isolation_note(run)
    render_workbook_changes(run.workbook)
    if result.status == KATA_PASSED:
        out.print(f"\n{passes(result)}. `checker next` takes you on.")


def _render_run_table(run: RunResult, title: str) -> None:
    table = Table(title=title, box=table_box(), title_justify="left")
    for column in ("kata", "title", "status"):
        table.add_column(column)
    table.add_column("checks", justify="right")
    for result in run.katas:
        checks = f"{result.passed_count}/{len(result.checks)}" if result.checks else ""
        status = badge(result.status, result.headline)
        table.add_row(result.kata_id, escape(result.title), status, checks)
    out.print(table)
    passed = sum(1 for k in run.katas if k.status == KATA_PASSED)
    out.print(f"{passed}/{len(run.katas)} katas pass on {escape(run.database)}.")
    _render_isolation_note(run)
    render_workbook_changes(run.workbook)


def render_workbook_changes(workbook: dict[str, Any] | None) -> None:
    """When the grader's files differ from the release (`Integrity.to_json`): say so once."""
    if workbook and workbook["changes"]:
        changes = workbook["changes"]
        shown = ", ".join(changes[:3]) + (
            f" and {len(changes) - 3} more" if len(changes) > 3 else ""
        )
        out.print(
            f"[magenta]The grader's files differ from release {workbook['version']}:[/] "
            f"{escape(shown)}. Katas they touch are tampered until the files are put back."
        )


def render_next_step(result: KataResult | None, root: Path) -> None:
    if result is None:
        out.print("[green]Every kata here passes.[/] Run `checker` to see your progress.")
        return
    out.print(
        f"\nNext: kata {result.kata_id}. Edit {escape(clickable(result.file, root))}, then run "
        f"`checker kata {result.kata_id}` (`checker hint {result.kata_id}` if you are stuck)."
    )


def render_phase_run(run: RunResult, root: Path, title: str, first_open: KataResult | None) -> None:
    _render_run_table(run, title)
    shown = first_open if first_open and first_open.problem else None
    for result in run.katas:
        if result is not shown:
            render_nudges(result, root, name_the_kata=True)
    if shown:
        render_kata_result(shown, root)
    render_next_step(first_open, root)


def render_regrade(run: RunResult, root: Path, title: str) -> None:
    """A pristine regrade, for the instructor: the table, each kata's problem and flags."""
    _render_run_table(run, title)
    for result in run.katas:
        if result.problem and result.status != KATA_PASSED:
            out.print(f"[bold]Kata {result.kata_id}:[/] {escape(result.problem.splitlines()[0])}")
        render_flags(result, root, name_the_kata=True)
    _render_pristine_notes(run)


def _render_pristine_notes(run: RunResult) -> None:
    """Where a pristine regrade's files came from, and what it could not do as asked."""
    if not run.pristine:
        return
    out.print(
        f"[dim]Only the kata files were taken from {escape(run.pristine['source'])} (it records "
        f"release {run.pristine['recorded_version'] or 'none'}); graded with release "
        f"{run.pristine['graded_with']}'s checks.[/]"
    )
    for note in run.pristine["notes"]:
        out.print(f"[yellow]note:[/] {escape(note)}")
