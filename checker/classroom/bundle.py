"""`checker bundle OUT`: the workbook for a workshop without internet.

OUT gets three things: `wheels/`, a wheelhouse of the workbook and every package it needs
(`pip wheel`, for this machine's Python and platform), plus what building the workbook itself
needs (`[build-system] requires`, by `pip download`); `workbook/`, the files the release ships
(`git ls-files`, as `checker release` lists them); and `INSTALL.md`, the commands a learner runs
with no network: `python -m venv .venv && .venv/bin/pip install --no-index --find-links ../wheels .`

Run it in the edition you hand out (the class edition: `checker edition --class`) on a machine
like the learners' (same OS, CPU and Python minor version: the wheels of psycopg2-binary,
asyncpg, greenlet, argon2-cffi… are built for one platform).
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from checker.errors import CheckerError
from checker.release import VERSION, manifest

# (argv) -> (exit code, what it printed): pip, or a fake one in the tests.
Runner = Callable[[list[str]], tuple[int, str]]


def run_pip(argv: list[str]) -> tuple[int, str]:
    done = subprocess.run(argv, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


@dataclass
class Bundle:
    out: Path
    files: int = 0
    wheels: list[str] = field(default_factory=list)
    commands: list[list[str]] = field(default_factory=list)


def build_requirements(root: Path) -> list[str]:
    """What pip needs to build the workbook itself offline (setuptools, for pyproject.toml)."""
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return list(data.get("build-system", {}).get("requires", ["setuptools"]))


def pip_commands(root: Path, wheels: Path) -> list[list[str]]:
    pip = [sys.executable, "-m", "pip"]
    return [
        [*pip, "wheel", "--wheel-dir", str(wheels), str(root)],
        [*pip, "download", "--dest", str(wheels), "--only-binary", ":all:"]
        + build_requirements(root),
    ]


def platform_line() -> str:
    version = ".".join(platform.python_version_tuple()[:2])
    return f"Python {version} on {sysconfig.get_platform()}"


def install_text(version: str, platform_text: str) -> str:
    return f"""# Installing the workbook offline

Release {version}, with every package it needs in `wheels/`, built for {platform_text}.
Learners' machines need the same Python minor version, operating system and processor (the
database drivers and password hashing are compiled); nothing is downloaded.

On macOS and Linux:

```sh
cd workbook
python -m venv .venv && .venv/bin/pip install --no-index --find-links ../wheels '.'
.venv/bin/checker phase 1
```

On Windows (PowerShell):

```powershell
cd workbook
python -m venv .venv; .venv\\Scripts\\pip install --no-index --find-links ..\\wheels .
.venv\\Scripts\\checker phase 1
```

SQLite needs nothing more. For Postgres, the workshop's server URL goes in
`CHECKER_DATABASE_URL` (or `--db-url`); `docker compose up -d` needs the `postgres:17` image
loaded beforehand (`docker save postgres:17 -o postgres.tar`, then `docker load -i postgres.tar`).
"""


def _refuse_occupied(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CheckerError(
            f"{out} is not an empty folder: give `checker bundle` a new or empty folder, so "
            "nothing of yours is mixed into (or overwritten by) the bundle."
        )


def _run(argv: list[str], runner: Runner) -> None:
    code, printed = runner(argv)
    if code != 0:
        last = "\n".join(printed.strip().splitlines()[-5:])
        raise CheckerError(
            f"`{' '.join(argv[2:4])}` failed (exit {code}), so the bundle is not complete: "
            f"{last or 'it printed nothing'}. It needs the package index (or a local mirror "
            "set in pip's configuration) while the bundle is built; the workshop will not."
        )


def build(root: Path, out: Path, runner: Runner = run_pip) -> Bundle:
    """Write the offline bundle of the workbook at `root` into `out` (new or empty)."""
    out = out.expanduser().resolve()
    _refuse_occupied(out)
    if not (root / "checker" / "__init__.py").is_file():
        raise CheckerError(
            f"{root} has no checker/ folder, so there is no grader to put in the bundle's wheels: "
            "build the bundle from a clone of the workbook (where checker/ is), not from a copy "
            "that runs an installed checker."
        )
    bundle = Bundle(out)
    workbook, wheels = out / "workbook", out / "wheels"
    for name in manifest.workbook_files(root):
        target = workbook / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
        bundle.files += 1
    wheels.mkdir(parents=True, exist_ok=True)
    # Built from the copy: the wheel holds exactly what ships, and setuptools' build/ and
    # *.egg-info land there (removed below), never in the instructor's workbook.
    for argv in pip_commands(workbook, wheels):
        bundle.commands.append(argv)
        _run(argv, runner)
    for leftover in [workbook / "build", *workbook.glob("*.egg-info")]:
        shutil.rmtree(leftover, ignore_errors=True)
    bundle.wheels = sorted(p.name for p in wheels.iterdir() if p.is_file())
    (out / "INSTALL.md").write_text(install_text(VERSION, platform_line()), encoding="utf-8")
    return bundle
