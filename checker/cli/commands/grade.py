"""`checker kata N.M`, `checker phase N` and `checker next`: grade the learner's katas."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from checker.cli import render as ui
from checker.cli.databases import DatabaseTarget
from checker.cli.runner.launch import Launch, subprocess_launch
from checker.cli.runner.run import run_checks
from checker.cli.state.progress import Progress
from checker.release import VERSION, integrity
from checker.results import KATA_NOT_RUN, KATA_PASSED, KATA_TAMPERED, RunResult
from checker.workbook.catalog import Catalog, Kata
from checker.workbook.kinds import LEARNER_TREE, files_of
from checker.workbook.legacy import nudges_in
from checker.workbook.scan import scan_files


def grade(
    catalog: Catalog,
    katas: list[Kata],
    target: DatabaseTarget,
    timeout: float | None,
    launch: Launch = subprocess_launch,
    live: bool = False,
) -> RunResult:
    """Run the checks on the learner's files and remember the outcome. `live` shows progress,
    check by check, on a terminal. Each graded kata carries its nudges: the legacy 1.x APIs its
    files use, which still work and so fail no check."""
    with ui.live_progress(live) as on_record:
        run = run_checks(
            catalog.root, katas, target, timeout=timeout, launch=launch, on_record=on_record
        )
    run = with_integrity(run, katas, integrity.check(catalog.root))
    Progress.load(catalog.root).record(run, {k.id: k for k in katas})
    return with_flags(run, katas, catalog.root / LEARNER_TREE)


def with_integrity(run: RunResult, katas: list[Kata], found: integrity.Integrity) -> RunResult:
    """The run, with the release it was graded with; a kata whose grader files were edited
    (its checks, its phase's catalog, the checker) is tampered, whatever its checks said."""
    by_id = {kata.id: kata for kata in katas}
    results = []
    for result in run.katas:
        changes = found.affecting(by_id[result.kata_id])
        if changes and result.status != KATA_NOT_RUN:
            result = replace(result, status=KATA_TAMPERED, problem=tampered_files(changes))
        results.append(result)
    return replace(run, katas=tuple(results), workbook=found.to_json())


def tampered_files(changes: list[str]) -> str:
    shown = "; ".join(changes[:5]) + (f"; and {len(changes) - 5} more" if len(changes) > 5 else "")
    return (
        f"The workbook's grader files differ from release {VERSION}: {shown}. Grades from "
        "edited checks or an edited checker are not trusted, so this kata cannot pass here. Put "
        "the files back (`git checkout -- phases checker`, or a fresh copy of the release). "
        "Maintainers: `checker release` records new files in the manifest."
    )


def with_flags(run: RunResult, katas: list[Kata], tree: Path) -> RunResult:
    """Each graded kata with its nudges (legacy APIs) and its flags (reaching into the grader),
    read from its files in `tree` (a katas/ tree)."""
    by_id = {kata.id: kata for kata in katas}
    results = []
    for result in run.katas:
        if result.status != KATA_NOT_RUN:
            texts = files_of(by_id[result.kata_id]).read(tree)
            flags = tuple(str(flag) for flag in scan_files(texts, LEARNER_TREE))
            result = replace(result, nudges=nudges_in(texts, LEARNER_TREE), flags=flags)
        results.append(result)
    return replace(run, katas=tuple(results))


def show_kata(
    catalog: Catalog, kata: Kata, target: DatabaseTarget, timeout: float | None, as_json: bool
) -> int:
    run = grade(catalog, [kata], target, timeout, live=not as_json)
    if as_json:
        ui.print_json(run.to_json())
    else:
        ui.render_kata_run(run, catalog.root)
    return 0 if run.all_passed else 1


def show_phase(
    catalog: Catalog,
    katas: list[Kata],
    target: DatabaseTarget,
    timeout: float | None,
    title: str,
    as_json: bool,
) -> int:
    run = grade(catalog, katas, target, timeout, live=not as_json)
    if as_json:
        ui.print_json(run.to_json())
    else:
        first_open = next(
            (k for k in run.katas if k.status not in (KATA_PASSED, KATA_NOT_RUN)), None
        )
        ui.render_phase_run(run, catalog.root, title, first_open)
    return 0 if run.all_passed else 1


def next_kata(
    catalog: Catalog, target: DatabaseTarget, timeout: float | None, edit: bool = False
) -> int:
    """The first kata not yet passed: its instructions and its failing checks."""
    while (kata := Progress.load(catalog.root).first_unsolved(catalog)) is not None:
        result = grade(catalog, [kata], target, timeout).katas[0]
        if result.status == KATA_PASSED:
            ui.render_moving_on(result)
            continue
        files = files_of(kata)
        instructions = files.instructions(catalog.root)
        ui.render_instructions(
            kata, instructions, result.file, catalog.root, catalog.lesson_of(kata)
        )
        ui.render_kata_result(result, catalog.root)
        ui.render_next_step(result, catalog.root)
        if edit:
            from checker.cli.editor import open_in_editor

            ui.render_editor_command(open_in_editor(*files.first_todo(catalog.root / LEARNER_TREE)))
        return 1
    ui.render_all_passed()
    return 0
