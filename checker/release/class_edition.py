"""Building the class edition (`checker edition --class OUT`): the workbook a class is handed, from
the files of the release, without anything that gives the answers away.

Left out: the trees in `edition.LEFT_OUT_TREES` (solutions/, the project's tests, benchmarks,
CI), every file a kata's kind declares as an answer (`Kind.answer_files`), and from each
`phase.toml` the named mutants and generated-mutant equivalents (each quotes the solution it
edits) and the mentors' talking points. Added: each kata's pristine stubs in
`phases/<phase_dir>/stubs/` (`KataFiles.pristine_name`), so `checker reset` works without
solutions/, and the edition's own manifest, so its integrity check compares with what it ships.

The edition is written into a hidden folder beside OUT and moved into place when complete: an
interrupted build leaves no half edition behind.
"""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from checker.errors import CheckerError
from checker.release import VERSION, manifest
from checker.release.edition import LEFT_OUT_TREES, MANIFESTS_IN_WORKBOOK, require_full_edition
from checker.release.toml_text import dumps_checked
from checker.workbook.catalog import Catalog
from checker.workbook.kinds import CHECKS_TREE, LEARNER_TREE, files_of

CATALOG_NAME = "phase.toml"
ANSWER_FILES = "answer files declared by kata kinds"
EDITION_NOTE = (
    "# Class edition: the named mutants, the equivalents and the talking points are left out\n"
    "# (they quote or discuss the reference solutions, which are with the instructor).\n"
)


@dataclass
class ClassEdition:
    """What `build` wrote and what it left out, for the summary `checker edition` prints."""

    out: Path
    version: str
    files: int = 0  # files written, the pristine stubs included
    stubs: int = 0
    left_out: Counter[str] = field(default_factory=Counter)  # why -> files left out
    removed: Counter[str] = field(default_factory=Counter)  # catalog entries taken out, by kind
    manifest: Path | None = None


def _refuse_occupied(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CheckerError(
            f"{out} already exists and is not an empty folder, so the class edition was not "
            "written there (nothing in it was changed). Give a new or empty folder: "
            "`checker edition --class PATH`."
        )


def strip_catalog(text: str, removed: Counter[str]) -> str:
    """A `phase.toml` without its mutants, equivalents and talking points (counted in
    `removed`); its leading comments are kept, and every kata keeps an empty `talking_points`
    list, which the catalog requires."""
    data = tomllib.loads(text)
    for kata in data.get("kata", []):
        removed["named mutants"] += len(kata.pop("mutants", []))
        removed["equivalents"] += len(kata.pop("equivalent", []))
        removed["talking points"] += len(kata.get("talking_points", []))
        kata["talking_points"] = []
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line + "\n")
    return dumps_checked(data, "".join(comments) + EDITION_NOTE + "\n")


def _why_left_out(name: str, answers: set[str]) -> str | None:
    for tree, why in LEFT_OUT_TREES.items():
        if name.startswith(tree):
            return why
    return ANSWER_FILES if name in answers else None


def _is_catalog(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return len(parts) == 3 and parts[0] == CHECKS_TREE and parts[2] == CATALOG_NAME


def _write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _fill(catalog: Catalog, folder: Path, built: ClassEdition) -> list[str]:
    """Write the edition into `folder`; returns the names of the files written."""
    root = catalog.root
    answers = {name for kata in catalog.katas for name in files_of(kata).kind.answer_files(kata)}
    stubs: dict[str, str] = {}  # the learner's files and their pristine copies, by name
    for kata in catalog.katas:
        files = files_of(kata)
        for name, text in files.stubs(root).items():
            stubs[f"{LEARNER_TREE}/{name}"] = text
            stubs[files.pristine_name(name)] = text
            built.stubs += 1
    written = []
    for name in manifest.workbook_files(root):
        if why := _why_left_out(name, answers):
            built.left_out[why] += 1
            continue
        if name in stubs:  # katas/ as released, even where this clone's katas/ has been solved
            continue
        if _is_catalog(name):
            _write(folder, name, strip_catalog((root / name).read_text("utf-8"), built.removed))
        else:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, folder / name)
        written.append(name)
    for name, text in stubs.items():
        _write(folder, name, text)
        written.append(name)
    return sorted(written)


def build(catalog: Catalog, out: Path) -> ClassEdition:
    """Write the class edition of the workbook at `catalog.root` into `out` (new or empty)."""
    require_full_edition(catalog.root, "edition --class")
    out = out.resolve()
    _refuse_occupied(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    built = ClassEdition(out, VERSION)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.partial-"))
    try:
        names = _fill(catalog, staging, built)
        recorded = manifest.build(staging, names, VERSION, edition=manifest.CLASS)
        manifest.write(recorded, folder=staging / MANIFESTS_IN_WORKBOOK)
        _refuse_occupied(out)  # once more: something may have been put there meanwhile
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    built.files = len(names)
    built.manifest = manifest.manifest_path(VERSION, out / MANIFESTS_IN_WORKBOOK)
    return built
