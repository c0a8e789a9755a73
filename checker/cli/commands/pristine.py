"""`checker grade --pristine PATH`: the instructor's authoritative regrade.

Only the learner's kata files are taken from PATH (a clone, an unpacked submission): each kata's
files in PATH's `katas/`, plus what the learner added inside a kata's own folder (an Alembic
revision, a module of their app). They are put into a fresh folder and graded with this
workbook's checks and this checker. Nothing else from PATH is read or run: not its checks, its
catalog, its checker, its `.checker/` state, nor a `conftest.py` it added. This workbook must
itself be the release (its grader files match the manifest), or there is nothing clean to grade
with.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from checker.cli import render as ui
from checker.cli.commands.grade import with_flags, with_integrity
from checker.cli.databases import DatabaseTarget
from checker.cli.runner.launch import Launch, subprocess_launch
from checker.cli.runner.run import run_checks
from checker.errors import CheckerError
from checker.release import VERSION, integrity
from checker.release.manifest import recorded_version
from checker.results import RunResult
from checker.workbook.catalog import Catalog, Kata, load_catalog
from checker.workbook.kinds import LEARNER_TREE, files_of

_SKIPPED = ("__pycache__", "*.pyc", "*.db", "*.sqlite", ".checker")


def copy_kata_files(kata: Kata, source: Path, tree: Path) -> int:
    """Copy the kata's files from `source` (a katas/ tree) into `tree`; a kata with a folder
    brings the whole folder, so files the learner added there count. Symbolic links are not
    followed (they could point anywhere on the grading machine). Returns how many were copied."""
    files = files_of(kata)
    if files.is_package:
        folder = source / files.entry
        if not folder.is_dir() or folder.is_symlink():
            return 0
        shutil.copytree(
            folder, tree / files.entry, symlinks=True, ignore=shutil.ignore_patterns(*_SKIPPED)
        )
        for link in (tree / files.entry).rglob("*"):
            if link.is_symlink():
                link.unlink()
        return sum(1 for path in (tree / files.entry).rglob("*") if path.is_file())
    copied = 0
    for name in files.relative:
        path = source / name
        if path.is_file() and not path.is_symlink():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, tree / name)
            copied += 1
    return copied


def _release_tree(root: Path, version: str, into: Path) -> Path | None:
    """The workbook as release `version` shipped it, from this clone's git tag v<version>, or
    None when there is no such tag."""
    tag = f"v{version}"
    try:
        subprocess.run(
            ["git", "rev-parse", "-q", "--verify", f"refs/tags/{tag}"],
            cwd=root,
            check=True,
            capture_output=True,
        )
        archive = subprocess.run(
            ["git", "archive", "--format=tar", tag, "phases", "solutions", "katas"],
            cwd=root,
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _clean_grader(root: Path) -> integrity.Integrity:
    found = integrity.check(root)
    if not found.intact:
        raise CheckerError(
            "This copy of the workbook is not clean, so it cannot regrade anyone: its grader "
            f"files differ from release {found.version} ({', '.join(found.changes()[:5])}). "
            "Regrade from a fresh clone of the release."
        )
    return found


def grade_pristine(
    catalog: Catalog,
    source: Path,
    katas: list[Kata],
    target: DatabaseTarget,
    timeout: float | None,
    launch: Launch = subprocess_launch,
) -> RunResult:
    """Grade the learner's kata files from `source` in a clean copy; never touches `source`."""
    source = source.resolve()
    if not (source / LEARNER_TREE).is_dir():
        raise CheckerError(
            f"{source} has no {LEARNER_TREE}/ folder: give the folder of a learner's copy of the "
            "workbook (a clone or an unpacked submission)."
        )
    found = _clean_grader(catalog.root)
    version = recorded_version(source)
    notes = [found.unchecked] if found.unchecked else []
    with tempfile.TemporaryDirectory(prefix="checker-pristine-") as folder:
        root, graded_as = catalog.root, VERSION
        if version and version != VERSION:
            older = _release_tree(catalog.root, version, Path(folder) / "release")
            if older is not None:
                root, graded_as = older, version
                catalog = load_catalog(older)
                katas = [k for k in catalog.katas if any(k.id == w.id for w in katas)]
            else:
                notes.append(
                    f"{source} records release {version}, which this clone has no tag "
                    f"v{version} for: graded with release {VERSION}'s checks instead."
                )
        elif version is None:
            notes.append(f"{source} records no release: graded with release {VERSION}'s checks.")
        tree = Path(folder) / LEARNER_TREE
        tree.mkdir()
        for kata in katas:
            copy_kata_files(kata, source / LEARNER_TREE, tree)
        run = run_checks(root, katas, target, kata_root=tree, timeout=timeout, launch=launch)
        run = with_flags(run, katas, tree)
    run = with_integrity(run, katas, found)
    # Each kata's file as it is named in the learner's copy, not in the folder graded.
    shown = {kata.id: files_of(kata).shown() for kata in katas}
    run = replace(run, katas=tuple(replace(k, file=shown[k.kata_id]) for k in run.katas))
    pristine = {
        "source": str(source),
        "recorded_version": version,
        "graded_with": graded_as,
        "notes": notes,
    }
    return replace(run, pristine=pristine)


def show_pristine(
    catalog: Catalog,
    source: Path,
    katas: list[Kata],
    target: DatabaseTarget,
    timeout: float | None,
    as_json: bool,
) -> int:
    run = grade_pristine(catalog, source, katas, target, timeout)
    if as_json:
        ui.print_json(run.to_json())
    else:
        ui.render_regrade(run, catalog.root, f"Regraded in a clean copy: {source}")
    return 0 if run.all_passed else 1
