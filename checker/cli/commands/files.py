"""`checker reset`, `backups`, `restore` and `solution`: the learner's files, never lost."""

from __future__ import annotations

import sys

from checker.cli import render as ui
from checker.cli.state.backups import Backup, list_backups, restore
from checker.cli.state.learner_files import stale_stubs, write_stubs
from checker.cli.state.progress import Progress
from checker.errors import CheckerError
from checker.release.edition import is_class_edition, solutions_elsewhere
from checker.results import KATA_PASSED
from checker.workbook.catalog import Catalog, Kata
from checker.workbook.kinds import LEARNER_TREE, SOLUTION_TREE, files_of


def _confirm(question: str, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise CheckerError(
            f"{question} — there is no terminal to ask. Add --yes to go ahead (your files are "
            "backed up first; `checker restore` puts them back)."
        )
    return ui.ask_yes_no(question)


def reset(catalog: Catalog, katas: list[Kata], assume_yes: bool) -> int:
    """Regenerate the stubs of `katas`, backing up each learner file that would change."""
    changes = stale_stubs(catalog.root, katas)
    if not changes:
        ui.render_nothing_to_reset(len(katas))
        return 0
    names = ", ".join(change.kata.id for change in changes)
    question = f"Reset kata {names} to the original stub (your version is backed up first)?"
    if not _confirm(question, assume_yes):
        ui.render_unchanged()
        return 0
    progress = Progress.load(catalog.root)
    written = [write_stubs(catalog.root, change) for change in changes]
    for change in changes:
        progress.katas.pop(change.kata.id, None)
    progress.save()
    ui.render_written(written, verb="reset")
    return 0


def show_backups(catalog: Catalog, as_json: bool) -> int:
    found = list_backups(catalog.root)
    if as_json:
        ui.print_json(ui.backups_json(found))
    else:
        ui.render_backups(found)
    return 0


def _choose(catalog: Catalog, which: str) -> Backup:
    found = list_backups(catalog.root)
    kata = catalog.kata(which)
    if kata is not None:
        mine = {f"{LEARNER_TREE}/{name}" for name in files_of(kata).relative}
        matches = [b for b in found if mine & set(b.files)]
    else:
        matches = [b for b in found if b.stamp.startswith(which)]
    if not matches:
        raise CheckerError(
            f"No backup matches {which!r}. Give a kata id (the newest backup of that kata) or a "
            "backup id from `checker backups`"
            + ("" if found else "; there are no backups yet")
            + "."
        )
    if kata is None and len(matches) > 1:
        ids = ", ".join(b.stamp for b in matches)
        raise CheckerError(f"{which!r} matches several backups ({ids}); give more of the id.")
    return matches[0]


def restore_backup(catalog: Catalog, which: str, assume_yes: bool) -> int:
    chosen = _choose(catalog, which)
    listed = ", ".join(chosen.files)
    if not _confirm(f"Put back {listed} as it was at {chosen.taken}?", assume_yes):
        ui.render_unchanged()
        return 0
    saved = restore(catalog.root, chosen)
    ui.render_restored(chosen, saved)
    return 0


def solution(catalog: Catalog, kata: Kata, force: bool) -> int:
    if is_class_edition(catalog.root):  # even with --force: there is nothing here to show
        raise CheckerError(solutions_elsewhere(kata.id))
    progress = Progress.load(catalog.root)
    if progress.status(kata) != KATA_PASSED and not force:
        raise CheckerError(
            f"Kata {kata.id} does not pass yet (last status: {progress.headline(kata)}), so its "
            "solution stays hidden: working it out is where the learning happens. Try "
            f"`checker hint {kata.id}`, or run `checker kata {kata.id}` if you have solved it "
            "since. `--force` shows it anyway."
        )
    sources = {
        f"{SOLUTION_TREE}/{name}": text
        for name, text in files_of(kata).read(catalog.root / SOLUTION_TREE).items()
    }
    ui.render_solution(kata, sources)
    return 0
