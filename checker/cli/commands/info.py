"""`checker status`, `list`, `show N.M` and `hint N.M`: read-only views of the workbook."""

from __future__ import annotations

import ast

from checker.cli import render as ui
from checker.cli.state.progress import Progress
from checker.workbook.catalog import Catalog, Kata


def instructions_of(catalog: Catalog, kata: Kata) -> str:
    """The kata's docstring, from the solution (the stub carries the same one)."""
    source = (catalog.root / "solutions" / kata.rel_path).read_text(encoding="utf-8")
    return ast.get_docstring(ast.parse(source)) or kata.title


def status(catalog: Catalog, as_json: bool) -> int:
    from checker.cli.commands.grade import first_unsolved

    progress = Progress.load(catalog.root)
    if as_json:
        ui.print_json(
            {
                "phases": [
                    {
                        "number": p.number,
                        "title": p.title,
                        "available": p.available,
                        "katas": len(p.katas),
                        "passed": sum(1 for k in p.katas if progress.status(k) == "passed"),
                    }
                    for p in catalog.phases
                ],
            }
        )
        return 0
    ui.render_status(catalog, progress, first_unsolved(catalog, progress))
    return 0


def list_katas(catalog: Catalog, as_json: bool) -> int:
    progress = Progress.load(catalog.root)
    if as_json:
        ui.print_json(
            {
                "katas": [
                    {
                        "id": k.id,
                        "title": k.title,
                        "topics": list(k.topics),
                        "db": k.db,
                        "file": f"katas/{k.rel_path}",
                        "status": progress.status(k),
                    }
                    for k in catalog.katas
                ]
            }
        )
        return 0
    ui.render_list(catalog, progress)
    return 0


def show(catalog: Catalog, kata: Kata) -> int:
    lesson = catalog.phase(kata.phase).lesson_path
    ui.render_instructions(
        kata, instructions_of(catalog, kata), f"katas/{kata.rel_path}", catalog.root, lesson
    )
    return 0


def hint(catalog: Catalog, kata: Kata) -> int:
    shown = Progress.load(catalog.root).reveal_hint(kata)
    ui.render_hints(kata, shown)
    return 0
