"""`checker reset`, `backups`, `restore` and `solution`: the learner's files, never lost."""

from __future__ import annotations

import sys

from checker import results as r
from checker.cli import render as ui
from checker.cli.state.backups import Backup, backup, list_backups, restore
from checker.cli.state.progress import Progress
from checker.errors import CheckerError
from checker.workbook.catalog import Catalog, Kata
from checker.workbook.markers import make_stub


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
    changed = []
    for kata in katas:
        path = catalog.root / "katas" / kata.rel_path
        stub = make_stub((catalog.root / "solutions" / kata.rel_path).read_text(encoding="utf-8"))
        if not path.exists() or path.read_text(encoding="utf-8") != stub:
            changed.append((kata, path, stub))
    if not changed:
        ui.out.print(
            "Nothing to reset: "
            + ("that kata is" if len(katas) == 1 else "those katas are")
            + " already the original stub."
        )
        return 0
    names = ", ".join(kata.id for kata, _, _ in changed)
    if not _confirm(
        f"Reset kata {names} to the original stub (your version is backed up first)?", assume_yes
    ):
        ui.out.print("Nothing was changed.")
        return 0
    progress = Progress.load(catalog.root)
    for kata, path, stub in changed:
        if path.exists():
            saved = backup(catalog.root, path)
            ui.out.print(
                f"backed up {path.relative_to(catalog.root)} to {saved.relative_to(catalog.root)}"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(stub, encoding="utf-8")
        progress.katas.pop(kata.id, None)
        ui.out.print(f"reset {path.relative_to(catalog.root)}")
    progress.save()
    ui.out.print(
        "`checker backups` lists your backups; `checker restore N.M` puts the latest back."
    )
    return 0


def show_backups(catalog: Catalog, as_json: bool) -> int:
    found = list_backups(catalog.root)
    if as_json:
        ui.print_json(
            {"backups": [{"id": b.stamp, "file": b.original, "taken": b.taken} for b in found]}
        )
    else:
        ui.render_backups(found)
    return 0


def _choose(catalog: Catalog, which: str) -> Backup:
    found = list_backups(catalog.root)
    kata = catalog.kata(which)
    if kata is not None:
        matches = [b for b in found if b.original == f"katas/{kata.rel_path}"]
    else:
        matches = [b for b in found if b.stamp.startswith(which)]
    if not matches:
        raise CheckerError(
            f"No backup matches {which!r}. Give a kata id (the newest backup of that kata) or a "
            "backup id from `checker backups`"
            + ("" if found else "; there are no backups yet")
            + "."
        )
    if kata is None and len({b.original for b in matches}) > 1:
        files = ", ".join(sorted({b.original for b in matches}))
        raise CheckerError(
            f"{which!r} matches backups of several files ({files}); give more of the id."
        )
    return matches[0]


def restore_backup(catalog: Catalog, which: str, assume_yes: bool) -> int:
    chosen = _choose(catalog, which)
    if not _confirm(f"Put back {chosen.original} as it was at {chosen.taken}?", assume_yes):
        ui.out.print("Nothing was changed.")
        return 0
    saved = restore(catalog.root, chosen)
    if saved:
        ui.out.print(
            f"backed up the current {chosen.original} to {saved.relative_to(catalog.root)}"
        )
    ui.out.print(f"restored {chosen.original} from the backup of {chosen.taken}")
    return 0


def solution(catalog: Catalog, kata: Kata, force: bool) -> int:
    status = Progress.load(catalog.root).status(kata)
    if status != r.KATA_PASSED and not force:
        raise CheckerError(
            f"Kata {kata.id} does not pass yet (last status: {status}), so its solution stays "
            f"hidden: working it out is where the learning happens. Try `checker hint {kata.id}`, "
            f"or run `checker kata {kata.id}` if you have solved it since. `--force` shows it anyway."
        )
    source = (catalog.root / "solutions" / kata.rel_path).read_text(encoding="utf-8")
    ui.render_solution(kata, f"solutions/{kata.rel_path}", source)
    return 0
