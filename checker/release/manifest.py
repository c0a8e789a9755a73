"""The manifest of a release: every file the workbook ships, with its SHA-256.

One JSON file per release in `checker/release/manifests/<version>.json`, written by the maintainer
command `checker release` from the files git tracks, and checked for drift by the project's tests.
It is what makes grader edits visible (`integrity`), what `checker update` compares a learner's
files with (a kata file whose hash is still the release's stub is untouched), and what the class
edition rewrites for the files it ships. Hashes read text with LF line endings, so a checkout on
Windows (autocrlf) matches.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from checker.cli.state.atomic import write_json_atomic
from checker.release import VERSION

MANIFESTS = Path(__file__).resolve().parent / "manifests"
PACKAGE = Path(__file__).resolve().parents[1]  # the running checker package
# Where a workbook keeps its release manifests, relative to its root.
MANIFESTS_IN_WORKBOOK = MANIFESTS.relative_to(PACKAGE.parent).as_posix()
FULL, CLASS = "full", "class"  # editions: everything, or without the answers (`checker edition`)

# Never listed: the manifests themselves (a file cannot hold its own hash) and what tools make.
_SKIPPED_PARTS = {"__pycache__", ".git", ".venv", ".checker", ".pytest_cache", ".mypy_cache"}
_SKIPPED_SUFFIXES = (".pyc", ".pyo", ".db", ".egg-info")


def listed(path: str) -> bool:
    """Whether a file at this workbook-relative path belongs in a manifest."""
    parts = PurePosixPath(path).parts
    if path.startswith("checker/release/manifests/"):
        return False
    if any(part in _SKIPPED_PARTS or part.endswith(".egg-info") for part in parts):
        return False
    if parts and parts[-1] == ".env":  # local settings, perhaps a password: never shipped
        return False
    return not path.endswith(_SKIPPED_SUFFIXES)


def file_hash(path: Path) -> str:
    """SHA-256 of the file, with CRLF read as LF."""
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


@dataclass(frozen=True)
class Manifest:
    version: str
    files: dict[str, str]  # workbook-relative POSIX path -> SHA-256
    edition: str = FULL
    notes: dict[str, str] = field(default_factory=dict)

    def under(self, prefix: str) -> dict[str, str]:
        """The entries whose path starts with `prefix` (a folder name with its slash)."""
        return {path: digest for path, digest in self.files.items() if path.startswith(prefix)}

    def to_json(self) -> dict[str, object]:
        return {
            "note": "Written by `checker release`; do not edit. The SHA-256 of every file of "
            "this release, to tell edited grader files and untouched kata stubs apart.",
            "version": self.version,
            "edition": self.edition,
            "files": dict(sorted(self.files.items())),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Manifest:
        files = data.get("files")
        if not isinstance(files, dict):
            raise ValueError("a manifest needs a `files` table")
        return cls(
            str(data["version"]),
            {str(k): str(v) for k, v in files.items()},
            str(data.get("edition", FULL)),
        )


def manifest_path(version: str = VERSION, folder: Path = MANIFESTS) -> Path:
    return folder / f"{version}.json"


def load(version: str = VERSION, folder: Path = MANIFESTS) -> Manifest | None:
    """The manifest of `version` (default: the running release), or None if there is none."""
    try:
        return Manifest.from_json(json.loads(manifest_path(version, folder).read_text("utf-8")))
    except (OSError, ValueError, KeyError):
        return None


def workbook_files(root: Path) -> list[str]:
    """The files a release of the workbook at `root` ships: what git tracks there (plus what is
    staged), or in a copy without git every file but tool output and state."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        names = [name for name in out.split("\0") if name and (root / name).is_file()]
    except (OSError, subprocess.CalledProcessError):
        names = [
            Path(folder, name).relative_to(root).as_posix()
            for folder, _, files in os.walk(root)
            for name in files
        ]
    return sorted(name for name in names if listed(name))


def build(
    root: Path, names: Iterable[str], version: str = VERSION, edition: str = FULL
) -> Manifest:
    return Manifest(version, {name: file_hash(root / name) for name in names}, edition)


def write(manifest: Manifest, folder: Path = MANIFESTS) -> Path:
    path = manifest_path(manifest.version, folder)
    write_json_atomic(path, manifest.to_json())
    return path


def differences(recorded: Manifest | None, built: Manifest) -> list[str]:
    """How `built` differs from the manifest on record, one line per file."""
    if recorded is None:
        return [f"no manifest for release {built.version} yet"]
    old, new = recorded.files, built.files
    return (
        [f"{path} (changed)" for path in sorted(old.keys() & new.keys()) if old[path] != new[path]]
        + [f"{path} (new)" for path in sorted(new.keys() - old.keys())]
        + [f"{path} (gone)" for path in sorted(old.keys() - new.keys())]
    )


def recorded_version(source: Path) -> str | None:
    """The release a learner's copy says it is: its pyproject.toml's version, else its
    checker/__init__.py's (read as text: nothing of theirs is imported)."""
    try:
        project = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))
        return str(project["project"]["version"])
    except (OSError, KeyError, TypeError, ValueError):  # TOMLDecodeError is a ValueError
        pass
    try:
        text = (source / "checker" / "__init__.py").read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", text)
    return found.group(1) if found else None
