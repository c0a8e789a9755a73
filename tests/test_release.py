"""Releases: the manifest on record matches the files of this release, and the version agrees
with the package's metadata."""

from __future__ import annotations

import tomllib
from pathlib import Path

from checker import __version__
from checker.release import integrity, manifest

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_the_packages() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == __version__


def test_the_manifest_matches_the_workbook() -> None:
    """Every file of the release on disk here has the hash on record, and the checker package
    that runs is the release's (`checker release` records them after a change)."""
    recorded = manifest.load()
    assert recorded is not None, f"no manifest for {__version__}: run `checker release`"
    changed = [
        path
        for path, digest in recorded.files.items()
        if (ROOT / path).is_file() and manifest.file_hash(ROOT / path) != digest
    ]
    on_disk = [
        path
        for path in manifest.workbook_files(ROOT)
        if path.split("/")[0] in ("phases", "katas", "solutions", "tests")
    ]
    unlisted = [path for path in on_disk if path not in recorded.files]
    package = integrity.check(ROOT)
    assert not (changed or unlisted or package.edited or package.missing or package.extra), (
        "the manifest is out of date, run `checker release`: "
        f"{changed + unlisted + package.changes()}"
    )
