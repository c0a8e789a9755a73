"""`checker bundle OUT`: the workbook and every package it needs, for a workshop without
internet (`checker.classroom.bundle`)."""

from __future__ import annotations

from pathlib import Path

from checker.classroom import bundle
from checker.cli.render.bundle import render_bundle_built
from checker.workbook.catalog import Catalog


def bundle_command(catalog: Catalog, out: str) -> int:
    built = bundle.build(catalog.root, Path(out))
    render_bundle_built(built, bundle.platform_line())
    return 0
