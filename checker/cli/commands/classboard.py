"""`checker class REPORTS...`: many learners' reports (files, folders of them, or clones graded
here in parallel) aggregated into an offline HTML dashboard, a CSV and a JSON summary."""

from __future__ import annotations

import os
from pathlib import Path

from checker.classroom import sandbox as sandboxes
from checker.classroom.aggregate import build_view
from checker.classroom.clones import grade_clones
from checker.classroom.dashboard import write_dashboard
from checker.classroom.inputs import sort_inputs
from checker.classroom.reports import BadReport, LearnerReport, Note, read_report_file
from checker.cli import render as ui
from checker.cli.databases import DatabaseTarget
from checker.errors import CheckerError
from checker.workbook.catalog import Catalog


def class_dashboard(
    catalog: Catalog,
    given: list[str],
    out: Path,
    jobs: int | None,
    target: DatabaseTarget | None,
    grade_args: list[str],
) -> int:
    found = sort_inputs(catalog, given)
    learners: list[LearnerReport] = []
    notes: list[Note] = list(found.notes)
    for name, path in found.reports:
        try:
            learners.append(read_report_file(path, name))
        except BadReport as exc:
            notes.append(Note(name, f"The report {path} was left out: {exc}."))
    unsandboxed = None
    if found.clones:
        if target is None:
            raise CheckerError("internal: clones need a database target")  # pragma: no cover
        box = sandboxes.detect()
        if not box.available:
            unsandboxed = box.reason or "this machine offers none"
            ui.render_no_sandbox(unsandboxed)
        workers = jobs or os.cpu_count() or 1
        ui.render_grading_clones(len(found.clones), workers, target.label)
        graded = grade_clones(
            catalog, found.clones, target, workers, grade_args, box, ui.render_clone_graded
        )
        for result in sorted(graded, key=lambda g: g.name):
            notes.extend(result.notes)
            if result.report is not None:
                learners.append(result.report)
    if not learners:
        ui.render_class_notes(notes)
        raise CheckerError(
            "No usable report: there is no learner to put on a dashboard"
            + (" (see the notes above)" if notes else " (the class is empty)")
            + ". Give `checker class` report files (the output of `checker phase N --json` or "
            "`checker grade --pristine PATH --json`), folders of them, or learners' clones."
        )
    view = build_view(learners, notes, catalog, unsandboxed)
    written = write_dashboard(view, out)
    ui.render_class_done(view, written)
    return 0
