"""Everything the learner sees, rendered in one place from the data commands return. The only
package that imports rich.

On a terminal: colour, symbols and boxed tables. Piped, or with NO_COLOR set: plain words and
ASCII tables, so logs and CI output stay readable. `--json` prints the data's `to_json()`.
The submodules render one area each; this module holds the consoles and what they share.
"""

from __future__ import annotations

from checker.cli.render.base import ask_yes_no, clickable, error, out, print_json
from checker.cli.render.classboard import (
    render_class_done,
    render_class_notes,
    render_clone_graded,
    render_grading_clones,
    render_no_sandbox,
)
from checker.cli.render.files import (
    backups_json,
    render_backups,
    render_nothing_to_reset,
    render_restored,
    render_solution,
    render_stale_stubs,
    render_unchanged,
    render_written,
)
from checker.cli.render.learner import (
    render_all_passed,
    render_editor_command,
    render_hints,
    render_instructions,
    render_list,
    render_moving_on,
    render_nothing_to_watch,
    render_status,
    render_stopped_watching,
    render_watch,
)
from checker.cli.render.progress import live_progress
from checker.cli.render.release import (
    render_edition_built,
    render_manifest_drift,
    render_manifest_written,
)
from checker.cli.render.report import render_report, render_report_written
from checker.cli.render.review import (
    print_markdown,
    render_review,
    render_shapes,
    review_markdown,
    shapes_markdown,
)
from checker.cli.render.runs import (
    render_kata_result,
    render_kata_run,
    render_next_step,
    render_phase_run,
    render_regrade,
)
from checker.cli.render.update import render_dry_run, render_update_done, render_update_plan
from checker.cli.render.verify import render_verify

__all__ = [
    "ask_yes_no",
    "backups_json",
    "clickable",
    "error",
    "live_progress",
    "out",
    "print_json",
    "print_markdown",
    "render_all_passed",
    "render_backups",
    "render_class_done",
    "render_class_notes",
    "render_clone_graded",
    "render_dry_run",
    "render_edition_built",
    "render_editor_command",
    "render_grading_clones",
    "render_hints",
    "render_instructions",
    "render_kata_result",
    "render_kata_run",
    "render_list",
    "render_manifest_drift",
    "render_manifest_written",
    "render_moving_on",
    "render_next_step",
    "render_no_sandbox",
    "render_nothing_to_reset",
    "render_nothing_to_watch",
    "render_phase_run",
    "render_regrade",
    "render_report",
    "render_report_written",
    "render_restored",
    "render_review",
    "render_shapes",
    "render_solution",
    "render_stale_stubs",
    "render_status",
    "render_stopped_watching",
    "render_unchanged",
    "render_update_done",
    "render_update_plan",
    "render_verify",
    "render_watch",
    "render_written",
    "review_markdown",
    "shapes_markdown",
]
