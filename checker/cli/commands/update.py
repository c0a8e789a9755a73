"""`checker update --from SOURCE`: take a newer release of the workbook, keeping the learner's work.

Planning is `checker.release.update` (pure), carrying out `checker.release.apply`; this module
opens the source, shows the plan, asks, and reports.
"""

from __future__ import annotations

import sys
from pathlib import Path

from checker.cli import render as ui
from checker.errors import CheckerError
from checker.release import sources
from checker.release.apply import apply
from checker.release.update import plan, read_release


def update(root: Path, source: str, assume_yes: bool, dry_run: bool, force: bool) -> int:
    # Everything this command imports is loaded before the first file is written: the update may
    # replace the checker's own files, and a module read half-way would be the new release's.
    with sources.opened(source, root) as folder:
        planned = plan(read_release(root), read_release(folder), force)
        ui.render_update_plan(planned, source)
        if dry_run:
            ui.render_dry_run()
            return 0
        if not planned.changes_files:
            return 0
        if not _confirm(planned.to_version, assume_yes):
            ui.render_unchanged()
            return 0
        ui.render_update_done(apply(planned, source))
    return 0


def _confirm(version: str, assume_yes: bool) -> bool:
    question = f"Update your workbook to release {version}?"
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise CheckerError(
            f"{question} — there is no terminal to ask, so nothing was changed. Check the plan "
            "above (or `--dry-run`), then add --yes to go ahead: your edited files are kept or "
            "backed up first."
        )
    return ui.ask_yes_no(question)
