"""`checker review`: a mentor's review of one kata, or many learners' solutions grouped by shape."""

from __future__ import annotations

from pathlib import Path

from checker.cli import render as ui
from checker.cli.databases import DatabaseTarget
from checker.cli.state.progress import Progress
from checker.errors import CheckerError
from checker.results import KATA_PASSED
from checker.workbook.catalog import Catalog, Kata


def current_kata(catalog: Catalog, source: str | None) -> Kata:
    """The kata `checker next` would pick in this workbook: the first one not yet passed."""
    if source is not None:
        raise CheckerError(
            "Name the kata to review when reviewing a learner's copy: `checker review 1.3 "
            f"--from {source}`. (Their progress is not read, only their kata files.)"
        )
    kata = Progress.load(catalog.root).first_unsolved(catalog)
    if kata is None:
        raise CheckerError(
            "Every kata of this workbook passes, so there is no current kata to review: name one, "
            "such as `checker review 1.3`."
        )
    return kata


def review(
    catalog: Catalog,
    kata: Kata,
    target: DatabaseTarget,
    timeout: float | None,
    source: str | None,
    generated: bool,
    output: str,
) -> int:
    """One kata's review; `output` is "rich", "md" or "json". Exit 0 when the kata passes."""
    from checker.classroom.review import review_kata

    found = review_kata(catalog, kata, target, timeout, Path(source) if source else None, generated)
    if output == "json":
        ui.print_json(found.to_json())
    elif output == "md":
        ui.print_markdown(ui.review_markdown(found))
    else:
        ui.render_review(found)
    return 0 if found.learner.status == KATA_PASSED else 1


def group(
    catalog: Catalog,
    kata: Kata,
    target: DatabaseTarget,
    timeout: float | None,
    sources: list[str],
    mutants: bool,
    generated: bool,
    output: str,
) -> int:
    """Learners' solutions grouped by shape. Exit 0 when every shape passes."""
    from checker.classroom.review import group_shapes

    found = group_shapes(
        catalog, kata, target, timeout, [Path(s) for s in sources], mutants, generated
    )
    if output == "json":
        ui.print_json(found.to_json())
    elif output == "md":
        ui.print_markdown(ui.shapes_markdown(found))
    else:
        ui.render_shapes(found)
    return 0 if all(shape.passes for shape in found.shapes) and not found.skipped else 1
