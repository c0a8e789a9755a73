"""`checker status`, `list`, `show N.M` and `hint N.M`: read-only views of the workbook."""

from __future__ import annotations

from checker.cli import render as ui
from checker.cli.state.progress import Progress
from checker.cli.views import list_view, status_view
from checker.workbook.catalog import Catalog, Kata
from checker.workbook.kinds import files_of


def status(catalog: Catalog, as_json: bool) -> int:
    view = status_view(catalog, Progress.load(catalog.root))
    if as_json:
        ui.print_json(view.to_json())
    else:
        ui.render_status(view)
    return 0


def list_katas(catalog: Catalog, as_json: bool) -> int:
    view = list_view(catalog, Progress.load(catalog.root))
    if as_json:
        ui.print_json(view.to_json())
    else:
        ui.render_list(view)
    return 0


def show(catalog: Catalog, kata: Kata) -> int:
    files = files_of(kata)
    lesson = catalog.lesson_of(kata)
    ui.render_instructions(
        kata, files.instructions(catalog.root), files.shown(), catalog.root, lesson
    )
    return 0


def hint(catalog: Catalog, kata: Kata) -> int:
    shown = Progress.load(catalog.root).reveal_hint(kata)
    ui.render_hints(kata, shown)
    return 0
