"""`checker bundle OUT`: a wheelhouse, the workbook and INSTALL.md for a workshop without internet.

The fast tests give the bundle a fake pip that writes a wheel and records its command line; the
maintainer test builds the real wheelhouse and installs from it with `--no-index` (minutes).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker.classroom import bundle
from checker.errors import CheckerError
from tests.conftest import ROOT


def fake_pip(calls: list[list[str]]) -> bundle.Runner:
    def run(argv: list[str]) -> tuple[int, str]:
        calls.append(argv)
        folder = Path(argv[argv.index("--wheel-dir" if "wheel" in argv else "--dest") + 1])
        name = "sqla_katas-0.5.0-py3-none-any.whl" if "wheel" in argv else "setuptools.whl"
        (folder / name).write_text("a wheel")
        return 0, ""

    return run


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A workbook source tree (with checker/, as a clone has): the real one, or where the tests
    run from a copy without checker/ (CI), a small one with the parts these tests look at."""
    if (ROOT / "checker").is_dir():
        return ROOT
    tree = tmp_path / "source"
    for name in ("pyproject.toml", "README.md", "phases/p1_core/phase.toml"):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tree / name)
    shutil.copytree(ROOT / "katas/p1_core", tree / "katas/p1_core")
    (tree / "checker").mkdir()
    (tree / "checker/__init__.py").write_text('__version__ = "0"\n')
    return tree


def test_the_bundle_holds_wheels_the_workbook_and_install_md(tmp_path: Path, source: Path) -> None:
    calls: list[list[str]] = []
    built = bundle.build(source, tmp_path / "out", runner=fake_pip(calls))
    wheels, workbook = tmp_path / "out" / "wheels", tmp_path / "out" / "workbook"
    pip = [sys.executable, "-m", "pip"]
    assert calls[0] == [*pip, "wheel", "--wheel-dir", str(wheels), str(workbook)]  # the copy
    assert calls[1][:6] == [*pip, "download", "--dest", str(wheels)]
    assert any(r.startswith("setuptools") for r in calls[1])  # to build the workbook offline
    assert built.wheels == ["setuptools.whl", "sqla_katas-0.5.0-py3-none-any.whl"]
    for name in ("pyproject.toml", "README.md", "phases/p1_core/phase.toml", "katas/p1_core"):
        assert (workbook / name).exists(), name
    assert not (workbook / ".venv").exists() and not (workbook / ".git").exists()
    install = (tmp_path / "out" / "INSTALL.md").read_text(encoding="utf-8")
    command = "python -m venv .venv && .venv/bin/pip install --no-index --find-links ../wheels '.'"
    assert command in install
    assert bundle.platform_line() in install


def test_an_occupied_folder_is_refused(tmp_path: Path, source: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(CheckerError, match="not an empty folder"):
        bundle.build(source, tmp_path, runner=fake_pip([]))
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_a_failing_pip_says_so_in_a_paragraph(tmp_path: Path, source: Path) -> None:
    def offline(argv: list[str]) -> tuple[int, str]:
        return 1, "ERROR: Could not find a version that satisfies the requirement sqlalchemy"

    with pytest.raises(CheckerError, match="failed .exit 1.*sqlalchemy.*package index"):
        bundle.build(source, tmp_path / "out", runner=offline)


def test_a_copy_without_checker_is_refused(tmp_path: Path) -> None:
    (tmp_path / "copy").mkdir()
    with pytest.raises(CheckerError, match="has no checker/ folder"):
        bundle.build(tmp_path / "copy", tmp_path / "out", runner=fake_pip([]))


def test_checker_bundle_refuses_a_file_with_exit_2(tmp_path: Path, cli) -> None:
    target = tmp_path / "a-file"
    target.write_text("x")
    result = cli("bundle", str(target))
    assert result.code == 2 and "not an empty folder" in result.err


@pytest.mark.maintainer
@pytest.mark.skipif(
    not (ROOT / "checker").is_dir(),
    reason="a bundle is built from a clone with checker/; CI grades a copy without it",
)
def test_the_bundle_installs_with_no_index(tmp_path: Path) -> None:
    """The real thing: build the wheelhouse, then install from it in a new venv, offline."""
    built = bundle.build(ROOT, tmp_path / "out")
    assert any(w.startswith("sqla_katas-") for w in built.wheels)
    workbook = tmp_path / "out" / "workbook"
    assert not (workbook / "build").exists() and not list(workbook.glob("*.egg-info"))
    subprocess.run([sys.executable, "-m", "venv", ".venv"], cwd=workbook, check=True)
    pip = [str(workbook / ".venv" / "bin" / "pip"), "install", "-q", "--no-index"]
    subprocess.run([*pip, "--find-links", "../wheels", "."], cwd=workbook, check=True)
    done = subprocess.run(
        [str(workbook / ".venv" / "bin" / "checker"), "list"],
        cwd=workbook,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
