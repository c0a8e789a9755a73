"""`checker report`: one learner's points for a class, in the format a tool reads.

The counted katas (the class configuration's) are graded in this workbook, or, with `--pristine
PATH`, from a learner's copy in a clean folder (`checker grade --pristine`'s rules). Exit 0 when
every counted kata passes, 1 otherwise, 2 for a bad configuration or bad arguments.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checker.classroom import formats
from checker.classroom.config import DEFAULT_CONFIG, load_class_config
from checker.classroom.report import Report, build_report
from checker.cli import render as ui
from checker.cli.commands.grade import grade
from checker.cli.databases import DatabaseTarget
from checker.cli.state.atomic import write_text_atomic
from checker.errors import CheckerError
from checker.workbook.catalog import Catalog


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# format name -> (what it is, in words; the text written)
FORMATS: dict[str, tuple[str, Callable[[Report], str]]] = {
    "json": ("report (JSON)", lambda r: _json(r.to_json())),
    "junit": ("JUnit XML report", formats.to_junit),
    "md": ("Markdown report", formats.to_markdown),
    "classroom": ("GitHub Classroom result", lambda r: _json(formats.to_classroom(r))),
    "gradescope": ("Gradescope results.json", lambda r: _json(formats.to_gradescope(r))),
}


def report(
    catalog: Catalog,
    config_path: str | None,
    pristine: str | None,
    target: DatabaseTarget,
    timeout: float | None,
    form: str | None,
    output: str | None,
) -> int:
    if output and not form:
        raise CheckerError(
            "--output needs a format to write: add --json, --junit, --md, --classroom or "
            "--gradescope."
        )
    shown = config_path or DEFAULT_CONFIG
    path = Path(config_path) if config_path else catalog.root / DEFAULT_CONFIG
    config = load_class_config(catalog, path, shown)
    katas = [kata for kata, _ in config.counted()]
    if pristine:
        from checker.cli.commands.pristine import grade_pristine

        run = grade_pristine(catalog, Path(pristine), katas, target, timeout)
    else:
        run = grade(catalog, katas, target, timeout)
    result = build_report(config, run)
    if form is None:
        ui.render_report(result)
    elif output is None:
        print(FORMATS[form][1](result), end="")
    elif form == "classroom":
        # $GITHUB_OUTPUT holds every step's outputs: append, never replace.
        with Path(output).open("a", encoding="utf-8") as file:
            file.write(formats.classroom_output_line(result))
        ui.render_report_written("GitHub Classroom result (base64, as `result=`)", output)
    else:
        write_text_atomic(Path(output), FORMATS[form][1](result))
        ui.render_report_written(FORMATS[form][0], output)
    return 0 if result.all_passed else 1
