"""Where `checker update` takes a newer release from: a folder (a clone, an unpacked release), an
archive of one (.zip, .tar.gz, .tgz, .tar), or a git ref of the learner's clone (`git:REF`, read
with `git archive`). Archives are unpacked into a temporary folder that goes when the update
ends; an entry that would land outside it (an absolute path, `..`, a link out) is refused.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from checker.errors import CheckerError
from checker.release.update import is_workbook

GIT_PREFIX = "git:"
_TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar")


@contextmanager
def opened(spec: str, root: Path) -> Iterator[Path]:
    """The folder holding the workbook that `spec` names, for as long as the block runs."""
    if spec.startswith(GIT_PREFIX):
        with tempfile.TemporaryDirectory(prefix="checker-update-") as temporary:
            yield _workbook_in(_from_git(spec.removeprefix(GIT_PREFIX), root, Path(temporary)))
        return
    path = Path(spec).expanduser()
    if path.is_dir():
        yield path.resolve()
        return
    name = path.name.lower()
    if not path.is_file() or not name.endswith((".zip", *_TAR_SUFFIXES)):
        raise CheckerError(
            f"{spec} is neither a folder nor a .zip or .tar.gz archive. Give --from a clone or an "
            "unpacked release of the workbook, an archive of one, or a git ref of your clone "
            "(git:upstream/main, after `git fetch upstream`)."
        )
    with tempfile.TemporaryDirectory(prefix="checker-update-") as temporary:
        unpack = _unzip if name.endswith(".zip") else _untar
        unpack(path, Path(temporary))
        yield _workbook_in(Path(temporary))


def _workbook_in(folder: Path) -> Path:
    """An archive holds the workbook at its top, or in its one top folder (`sqla-katas-0.6.0/`)."""
    if is_workbook(folder):
        return folder
    inside = [child for child in folder.iterdir() if child.is_dir()]
    return inside[0] if len(inside) == 1 else folder


def _safe_name(name: str, archive: Path) -> None:
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or (posix.parts and ":" in posix.parts[0]):
        raise CheckerError(
            f"{archive} holds an entry that would be written outside the folder it unpacks into "
            f"({name!r}); nothing was unpacked. Use the workbook's published archive."
        )


def _untar(archive: Path, into: Path) -> None:
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar.getmembers():
                _safe_name(member.name, archive)
            # The "data" filter also refuses links that point outside, devices and setuid bits.
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise CheckerError(f"Could not unpack {archive}: {exc}.") from exc


def _unzip(archive: Path, into: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as package:
            for entry in package.infolist():
                _safe_name(entry.filename, archive)
            for entry in package.infolist():
                written = Path(package.extract(entry, into))
                mode = (entry.external_attr >> 16) & 0o777
                if mode and not entry.is_dir():  # zipfile drops modes: keep .ci/run executable
                    written.chmod(mode)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CheckerError(f"Could not unpack {archive}: {exc}.") from exc


def _from_git(ref: str, root: Path, into: Path) -> Path:
    if shutil.which("git") is None:
        raise CheckerError("--from git:REF needs git, which is not on PATH.")
    tar = into / "release.tar"
    done = subprocess.run(
        ["git", "archive", "--format=tar", "-o", str(tar), ref],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CheckerError(
            f"git could not read {ref!r} in {root}: {done.stderr.strip()}. Fetch it first "
            "(`git fetch upstream`), then give a ref such as git:upstream/main or git:v0.6.0."
        )
    unpacked = into / "workbook"
    unpacked.mkdir()
    _untar(tar, unpacked)
    return unpacked
