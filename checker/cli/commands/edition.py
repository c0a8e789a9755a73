"""`checker edition --class OUT`: write the class edition, and say what it left out and how to
publish it."""

from __future__ import annotations

from pathlib import Path

from checker.cli import render as ui
from checker.release import class_edition
from checker.workbook.catalog import Catalog


def class_edition_command(catalog: Catalog, out: str) -> int:
    built = class_edition.build(catalog, Path(out).expanduser())
    ui.render_edition_built(built)
    return 0
