"""Maintainer commands: `checker verify` and `checker stubs`."""

from __future__ import annotations

from checker.cli import render as ui
from checker.cli.databases import DatabaseTarget
from checker.cli.state.backups import backup
from checker.cli.verify import verify
from checker.workbook.catalog import Catalog, Phase
from checker.workbook.markers import make_stub


def run_verify(
    catalog: Catalog, phases: list[Phase], target: DatabaseTarget, static: bool, as_json: bool
) -> int:
    result = verify(catalog, phases, target, static)
    if as_json:
        ui.print_json(result.to_json())
    else:
        ui.render_verify(result)
    return 0 if result.ok else 1


def stubs(catalog: Catalog, phases: list[Phase], check_only: bool) -> int:
    """Regenerate katas/ from solutions/, backing up any file that would change."""
    stale = []
    for kata in (k for p in phases for k in p.katas):
        solution = catalog.root / "solutions" / kata.rel_path
        target = catalog.root / "katas" / kata.rel_path
        stub = make_stub(solution.read_text(encoding="utf-8"))
        if target.exists() and target.read_text(encoding="utf-8") == stub:
            continue
        stale.append(target)
        if check_only:
            continue
        if target.exists():
            saved = backup(catalog.root, target)
            ui.out.print(
                f"backed up {target.relative_to(catalog.root)} to {saved.relative_to(catalog.root)}"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(stub, encoding="utf-8")
        ui.out.print(f"wrote {target.relative_to(catalog.root)}")
    if check_only:
        for path in stale:
            ui.out.print(f"out of sync: {path.relative_to(catalog.root)}")
        ui.out.print(
            f"{len(stale)} stub(s) out of sync."
            if stale
            else "All stubs are in sync with their solutions."
        )
        return 1 if stale else 0
    if not stale:
        ui.out.print("All stubs are in sync with their solutions; nothing written.")
    return 0
