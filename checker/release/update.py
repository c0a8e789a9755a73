"""Planning `checker update`: which files of a newer release to take, and which of the learner's
to keep, file by file. Pure: it reads the two workbooks and their manifests, and writes nothing
(`checker.release.apply` carries a plan out).

The manifests decide. `old` is the manifest of the release the learner's workbook (the root) is
at, `new` the source's. A file's hash on disk compared with both tells who changed it:

- outside katas/ (the grader, checks, lessons, solutions, tests): the release owns these, so the
  new one is taken; a copy that differs from the old release (someone edited a grader file) is
  backed up first. A file the new release dropped is removed, backed up first if edited.
- in katas/, the learner's: untouched (the old stub) → the new stub; edited and the stub did not
  change → kept; edited and the stub changed → kept, and the new stub set aside beside it. Files
  no manifest lists (the learner's own, such as an Alembic revision) are never in a plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath

from checker.errors import CheckerError
from checker.release.manifest import (
    CLASS,
    FULL,
    MANIFESTS_IN_WORKBOOK,
    Manifest,
    file_hash,
    load,
    recorded_version,
)
from checker.workbook.kinds import LEARNER_TREE, SOLUTION_TREE

SET_ASIDE_FOLDER = ".checker/updates"  # <version>/<path>: new stubs the learner has not taken
# solutions/ is not among them: the class edition (which an instructor publishes) leaves it out.
_WORKBOOK_FOLDERS = ("phases", "katas")
_KATA_PATH = re.compile(rf"^{LEARNER_TREE}/p(\d+)_[^/]+/k(\d+)_")


@dataclass(frozen=True)
class Release:
    """A workbook on disk and the release it says it is."""

    root: Path
    version: str | None  # [project] version in pyproject.toml; None if unreadable
    manifest: Manifest | None  # that version's manifest, if the workbook has it

    @property
    def edition(self) -> str:
        """The manifest's; without one, the class edition is the one without solutions/."""
        if self.manifest is not None:
            return self.manifest.edition
        return FULL if (self.root / SOLUTION_TREE).is_dir() else CLASS


def read_release(root: Path) -> Release:
    version = recorded_version(root)
    found = load(version, root / MANIFESTS_IN_WORKBOOK) if version else None
    return Release(root, version, found)


def is_workbook(root: Path) -> bool:
    return all((root / name).is_dir() for name in _WORKBOOK_FOLDERS)


def version_key(version: str) -> tuple[int, ...]:
    """`0.10.2` → (0, 10, 2): compared as numbers, so 0.10 is newer than 0.9. A part's leading
    digits count (`1rc2` → 1); trailing zeros do not (0.6 == 0.6.0)."""
    parts = []
    for part in version.split("."):
        digits = re.match(r"\d+", part)
        if digits is None:
            raise CheckerError(f"Cannot read the release version {version!r} as numbers.")
        parts.append(int(digits[0]))
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


class Action(StrEnum):
    ADD = "add"  # the release's file, where there is none yet
    REPLACE = "replace"  # the release's file, over the one there
    REMOVE = "remove"  # gone from the release
    KEEP = "keep"  # the learner's kata file stays as it is (reported: the release differs)
    SET_ASIDE = "set aside"  # the learner's kata file stays; the new stub is saved beside it


@dataclass(frozen=True)
class Step:
    path: str  # workbook-relative POSIX path
    action: Action
    why: str  # a few words for the learner
    backup: bool = False  # the file on disk is someone's work: back it up before it goes
    deleted: bool = False  # set aside for a kata file the learner had deleted

    @property
    def kata_id(self) -> str | None:
        """The kata a file of katas/ belongs to (`katas/p2_x/k03_y.py` → `2.3`)."""
        match = _KATA_PATH.match(self.path)
        return f"{int(match[1])}.{int(match[2])}" if match else None

    @property
    def writes(self) -> bool:
        """Whether the step copies the new release's file (into the workbook or set aside)."""
        return self.action in (Action.ADD, Action.REPLACE, Action.SET_ASIDE)


@dataclass(frozen=True)
class Plan:
    root: Release
    source: Release
    steps: tuple[Step, ...]
    guessed: bool  # the root had no manifest: every kata file that differs counts as the learner's
    notes: tuple[str, ...] = field(default=())

    @property
    def from_version(self) -> str:
        return self.root.version or "unknown"

    @property
    def to_version(self) -> str:
        assert self.source.version is not None  # checked by `plan`
        return self.source.version

    def having(self, *actions: Action) -> list[Step]:
        return [step for step in self.steps if step.action in actions]

    @property
    def backed_up(self) -> list[Step]:
        return [step for step in self.steps if step.backup]

    @property
    def changes_files(self) -> bool:
        return bool(self.having(Action.ADD, Action.REPLACE, Action.REMOVE, Action.SET_ASIDE))

    @property
    def pyproject_changed(self) -> bool:
        return any(step.path == "pyproject.toml" for step in self.having(Action.REPLACE))

    def set_aside_path(self, step: Step) -> str:
        return f"{SET_ASIDE_FOLDER}/{self.to_version}/{step.path}"


def check_source(root: Release, source: Release, force: bool) -> None:
    """Refuse a source that is no newer release of this workbook, in one paragraph."""
    where = str(source.root)
    if not is_workbook(source.root) or source.version is None:
        raise CheckerError(
            f"{where} is not a workbook: it needs the folders phases/ and katas/ and a "
            "pyproject.toml with the release's version. Point --from at a clone or an unpacked "
            "release of the workbook, a .zip or .tar.gz of one, or a git ref (git:upstream/main)."
        )
    if source.manifest is None:
        raise CheckerError(
            f"{where} is release {source.version} but has no manifest for it "
            f"({MANIFESTS_IN_WORKBOOK}/{source.version}.json), so there is no telling its files "
            "from anyone's edits. Update from a published release, or ask its maintainer to run "
            "`checker release` there."
        )
    if source.edition != root.edition and not force:
        raise CheckerError(
            f"{where} is the {source.edition} edition of the workbook and yours the "
            f"{root.edition} edition; updating across editions would add or remove "
            "whole parts (the solutions). Update from the same edition, or pass --force."
        )
    if root.version is None or force:
        return
    if version_key(source.version) <= version_key(root.version):
        raise CheckerError(
            f"{where} is release {source.version}, and your workbook is already at "
            f"{root.version}: there is nothing newer to take. Pass --force to apply it anyway."
        )


def plan(root: Release, source: Release, force: bool = False) -> Plan:
    """What updating `root` to `source` does to every file either release lists."""
    check_source(root, source, force)
    assert source.manifest is not None
    new = source.manifest.files
    _check_paths(new, source)
    old_manifest = root.manifest or _shipped_manifest(root, source)
    old = old_manifest.files if old_manifest else {}
    if old_manifest is not None:
        _check_paths(old, root if root.manifest else source, old_manifest.version)
    steps: list[Step] = []
    for path in sorted(old.keys() | new.keys()):
        disk = root.root / path
        current = file_hash(disk) if disk.is_file() else None
        decide = _kata_step if _in_katas(path) else _release_step
        step = decide(path, old.get(path), new.get(path), current, bool(old))
        if step is not None:
            steps.append(step)
    steps.extend(_manifest_steps(root, source))
    _check_source_files(source, [step for step in steps if step.writes])
    notes: tuple[str, ...] = ()
    if root.manifest is None and old_manifest is not None:
        notes = (
            f"Your workbook has no manifest of its release {root.version}; the one the new "
            "release ships was used to tell your edits apart.",
        )
    return Plan(root, source, tuple(steps), guessed=not old, notes=notes)


def _check_paths(files: dict[str, str], holder: Release, version: str | None = None) -> None:
    """A manifest names files inside the workbook, never its state or git's: an update writes
    every path it lists, so one such as `../x` or `.git/config` is refused outright."""
    bad = [
        path
        for path in files
        if (posix := PurePosixPath(path)).is_absolute()
        or ".." in posix.parts
        or "\\" in path
        or posix.parts[0] in (".git", ".checker")
    ]
    if bad:
        raise CheckerError(
            f"The manifest of release {version or holder.version} in {holder.root} lists paths "
            f"outside the workbook's files ({', '.join(sorted(bad)[:3])}); nothing was changed. "
            "Update from the workbook's published release."
        )


def _in_katas(path: str) -> bool:
    return PurePosixPath(path).parts[0] == LEARNER_TREE


def _shipped_manifest(root: Release, source: Release) -> Manifest | None:
    """A release may ship the manifests of earlier ones: the root's, if the root lost its own."""
    return load(root.version, source.root / MANIFESTS_IN_WORKBOOK) if root.version else None


def _release_step(
    path: str, old: str | None, new: str | None, current: str | None, _known: bool
) -> Step | None:
    """A file the release owns (outside katas/): the new release's wins; edits are backed up."""
    edited = current is not None and current != old
    if new is None:  # gone from the release
        if current is None:
            return None
        why = "gone from the release; it had been edited" if edited else "gone from the release"
        return Step(path, Action.REMOVE, why, backup=edited)
    if current is None:
        return Step(path, Action.ADD, "new in this release" if old is None else "was missing")
    if current == new:
        return None
    why = "edited by hand; the release's copy replaces it" if edited else "updated"
    return Step(path, Action.REPLACE, why, backup=edited)


def _kata_step(
    path: str, old: str | None, new: str | None, current: str | None, known: bool
) -> Step | None:
    """A file of katas/: the learner's work wins; only an untouched stub is replaced.
    `known`: the root has a manifest of its release to tell untouched stubs by."""
    if new is None:  # the release dropped this file
        if current is None:
            return None
        if current == old:
            return Step(path, Action.REMOVE, "an untouched stub, gone from the release")
        return Step(path, Action.KEEP, "gone from the release; yours is kept")
    if current is None:
        # A file the learner deleted stays deleted: deleting a stub is a choice (an Alembic kata's
        # revision they rewrote under another name would give the chain two heads if it came
        # back). A file new in this release arrives; so does any missing file when the root has
        # no manifest, since a deleted file and a new one look the same then, and a stub put back
        # loses nothing while a new kata left out would be missed.
        if old is None:
            return Step(path, Action.ADD, "new in this release")
        if old == new:
            return None
        return Step(path, Action.SET_ASIDE, "you deleted it; its stub changed", deleted=True)
    if current == new:
        return None
    if current == old:
        return Step(path, Action.REPLACE, "an untouched stub: the new stub")
    if old == new:
        return Step(path, Action.KEEP, "your work; its stub did not change")
    if not known:
        why = "differs from the new stub (no manifest to tell an untouched stub)"
    elif old is None:
        why = "a file of yours where the release adds a stub"
    else:
        why = "your work; its stub changed"
    return Step(path, Action.SET_ASIDE, why)


def _manifest_steps(root: Release, source: Release) -> list[Step]:
    """The manifests themselves, which no manifest lists: the new release's are taken, so the
    next update knows which release this workbook is at."""
    steps = []
    folder = source.root / MANIFESTS_IN_WORKBOOK
    for shipped in sorted(folder.glob("*.json")):
        path = f"{MANIFESTS_IN_WORKBOOK}/{shipped.name}"
        here = root.root / path
        if not here.is_file():
            steps.append(Step(path, Action.ADD, "the release's manifest"))
        elif here.read_bytes() != shipped.read_bytes():
            steps.append(Step(path, Action.REPLACE, "the release's manifest", backup=True))
    return steps


def _check_source_files(source: Release, steps: list[Step]) -> None:
    """Every file to be taken is the release's own: a source whose files were edited (a
    learner's clone, say) would otherwise bring its edits along."""
    assert source.manifest is not None
    wrong = []
    for step in steps:
        expected = source.manifest.files.get(step.path)
        if expected is None:  # a manifest file
            continue
        copy = source.root / step.path
        if not copy.is_file() or file_hash(copy) != expected:
            wrong.append(step.path)
    if wrong:
        shown = ", ".join(wrong[:5]) + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else "")
        raise CheckerError(
            f"{source.root} is not a clean copy of release {source.version}: {shown} "
            "differ(s) from its manifest (edited, or missing). Update from a fresh clone or the "
            "release's archive."
        )
