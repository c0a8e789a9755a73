"""Maintainer commands: `checker verify`, `checker stubs` and `checker release`."""

from __future__ import annotations

from checker.cli import render as ui
from checker.cli.databases import DatabaseTarget
from checker.cli.state.learner_files import stale_stubs, write_stubs
from checker.cli.verify import verify
from checker.release import manifest
from checker.workbook.catalog import Catalog, Phase


def run_verify(
    catalog: Catalog,
    phases: list[Phase],
    target: DatabaseTarget,
    static: bool,
    as_json: bool,
    mutate: bool = False,
) -> int:
    result = verify(catalog, phases, target, static, mutate=mutate)
    if as_json:
        ui.print_json(result.to_json())
    else:
        ui.render_verify(result)
    return 0 if result.ok else 1


def stubs(catalog: Catalog, phases: list[Phase], check_only: bool) -> int:
    """Regenerate katas/ from solutions/, backing up any file that would change."""
    changes = stale_stubs(catalog.root, [k for p in phases for k in p.katas])
    if check_only:
        ui.render_stale_stubs(changes)
        return 1 if changes else 0
    ui.render_written([write_stubs(catalog.root, change) for change in changes], verb="wrote")
    return 0


def release(catalog: Catalog, check_only: bool) -> int:
    """Write this release's manifest from the files git tracks (with --check: only compare)."""
    built = manifest.build(catalog.root, manifest.workbook_files(catalog.root))
    recorded = manifest.load(built.version)
    drift = manifest.differences(recorded, built)
    if check_only:
        ui.render_manifest_drift(built.version, drift)
        return 1 if drift else 0
    path = manifest.write(built)
    ui.render_manifest_written(built.version, len(built.files), drift, path)
    return 0
