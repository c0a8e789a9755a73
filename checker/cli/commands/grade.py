"""`checker kata N.M`, `checker phase N` and `checker next`: grade the learner's katas."""

from __future__ import annotations

from checker import results as r
from checker.cli import render as ui
from checker.cli.databases import DatabaseTarget
from checker.cli.runner.launch import Launch, subprocess_launch
from checker.cli.runner.run import run_checks
from checker.cli.state.progress import Progress
from checker.workbook.catalog import Catalog, Kata


def grade(
    catalog: Catalog,
    katas: list[Kata],
    target: DatabaseTarget,
    timeout: float,
    launch: Launch = subprocess_launch,
) -> r.RunResult:
    """Run the checks on the learner's files and remember the outcome."""
    run = run_checks(catalog.root, katas, target, timeout=timeout, launch=launch)
    Progress.load(catalog.root).record(run, {k.id: k for k in katas})
    return run


def show_kata(
    catalog: Catalog, kata: Kata, target: DatabaseTarget, timeout: float, as_json: bool
) -> int:
    run = grade(catalog, [kata], target, timeout)
    if as_json:
        ui.print_json(run.to_json())
    else:
        result = run.katas[0]
        ui.render_kata_result(result, catalog.root)
        if result.status == r.KATA_PASSED:
            ui.out.print(f"\nKata {kata.id} passes. `checker next` takes you on.")
    return 0 if run.all_passed else 1


def show_phase(
    catalog: Catalog,
    katas: list[Kata],
    target: DatabaseTarget,
    timeout: float,
    title: str,
    as_json: bool,
) -> int:
    run = grade(catalog, katas, target, timeout)
    if as_json:
        ui.print_json(run.to_json())
        return 0 if run.all_passed else 1
    ui.render_run_table(run, catalog.root, title)
    first_open = next(
        (k for k in run.katas if k.status not in (r.KATA_PASSED, r.KATA_NOT_RUN)), None
    )
    if first_open and first_open.status in (r.KATA_BROKEN, r.KATA_TIMEOUT):
        ui.render_kata_result(first_open, catalog.root)
    ui.render_next_step(first_open, catalog.root)
    return 0 if run.all_passed else 1


def first_unsolved(catalog: Catalog, progress: Progress) -> Kata | None:
    return next((k for k in catalog.katas if progress.status(k) != r.KATA_PASSED), None)


def next_kata(catalog: Catalog, target: DatabaseTarget, timeout: float, edit: bool = False) -> int:
    """The first kata not yet passed: its instructions and its failing checks."""
    from checker.cli.commands.info import instructions_of

    while (kata := first_unsolved(catalog, Progress.load(catalog.root))) is not None:
        run = grade(catalog, [kata], target, timeout)
        result = run.katas[0]
        if result.status == r.KATA_PASSED:
            ui.out.print(f"Kata {kata.id} already passes; moving on.")
            continue
        ui.render_instructions(
            kata,
            instructions_of(catalog, kata),
            result.file,
            catalog.root,
            catalog.phase(kata.phase).lesson_path,
        )
        ui.render_kata_result(result, catalog.root)
        ui.render_next_step(result, catalog.root)
        if edit:
            from checker.cli.editor import open_in_editor

            ui.out.print(f"[dim]$ {open_in_editor(catalog.root / 'katas' / kata.rel_path)}[/]")
        return 1
    ui.out.print("Every available kata passes. Well done! `checker` shows your progress.")
    return 0
