"""`checker update --from SOURCE`: a learner takes a newer release without losing work.

Each test builds an OLD release (0.5.0), the learner's clone of it (the root, with edits), and a
NEW release (0.6.0) in tmp_path, each with its own pyproject.toml and manifest, then updates.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from checker.release import manifest
from checker.release.update import Action, plan, read_release, version_key

ROOT = Path(__file__).resolve().parent.parent
OLD, NEW = "0.5.0", "0.6.0"

K01 = "katas/p1_core/k01_engine.py"  # edited by the learner; its stub changes in NEW
K02 = "katas/p1_core/k02_core_tables.py"  # edited by the learner; its stub stays
K04 = "katas/p1_core/k04_declarative_models.py"  # untouched; its stub changes in NEW
K05 = "katas/p1_core/k05_dataclass_models.py"  # deleted by the learner; its stub changes in NEW
K06 = "katas/p1_core/k06_transactions.py"  # deleted by the learner; its stub stays
K09 = "katas/p1_core/k09_queries.py"  # edited by the learner; gone from NEW
K207 = "katas/p2_relationships/k07_joins.py"  # untouched; gone from NEW
ADDED = "katas/p1_core/k10_added.py"  # new in NEW
CHECK2 = "phases/p1_core/test_k02_core_tables.py"  # changes in NEW
CHECK3 = "phases/p1_core/test_k03_text_params.py"  # edited by hand in the root; changes in NEW
NOTES = "docs/notes.md"  # gone from NEW
EDITED_NOTES = "docs/edited.md"  # edited by hand in the root; gone from NEW
REVISION = "katas/p4_migrations/k02_manual_revision/versions/0003_mine.py"  # the learner's own
MY_K01 = "# my engine\n"
MY_K02 = "# my tables, with CRLF\r\n"


def _write_release(tree: Path, version: str, edition: str = manifest.FULL) -> None:
    (tree / "pyproject.toml").write_text(
        f'[project]\nname = "sqla-katas"\nversion = "{version}"\n', encoding="utf-8"
    )
    names = sorted(
        path.relative_to(tree).as_posix()
        for path in tree.rglob("*")
        if path.is_file() and manifest.listed(path.relative_to(tree).as_posix())
    )
    built = manifest.build(tree, names, version=version, edition=edition)
    manifest.write(built, folder=tree / "checker/release/manifests")


def _append(path: Path, text: str) -> None:
    path.write_bytes(path.read_bytes() + text.encode())


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """OLD and NEW, built once for the module; tests copy what they change."""
    base = tmp_path_factory.mktemp("releases")
    old = base / "old"
    for folder in ("phases", "katas", "solutions"):
        shutil.copytree(
            ROOT / folder, old / folder, ignore=shutil.ignore_patterns("__pycache__", ".draft_*")
        )
    (old / ".ci").mkdir()  # an executable file whose mode an update must keep
    (old / ".ci/run").write_text("#!/usr/bin/env bash\necho ci\n", encoding="utf-8")
    (old / ".ci/run").chmod(0o755)
    (old / "README.md").write_text("# the workbook\n", encoding="utf-8")
    (old / "docs").mkdir()
    for notes in (NOTES, EDITED_NOTES):
        (old / notes).write_text("notes\n", encoding="utf-8")
    _write_release(old, OLD)
    new = base / "new"
    shutil.copytree(old, new, ignore=shutil.ignore_patterns("manifests"))
    _append(new / K01, "# a clearer TODO in 0.6.0\n")
    _append(new / K04, "# a clearer TODO in 0.6.0\n")
    _append(new / K05, "# a clearer TODO in 0.6.0\n")
    (new / K09).unlink()
    (new / K207).unlink()
    shutil.rmtree(new / "docs")
    (new / ADDED).write_text('"""A new kata in 0.6.0."""\n', encoding="utf-8")
    _append(new / CHECK2, "# a sharper check in 0.6.0\n")
    _append(new / CHECK3, "# a sharper check in 0.6.0\n")
    _append(new / ".ci/run", "# 0.6.0\n")
    _write_release(new, NEW)
    return old, new


@pytest.fixture
def learner(releases: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The learner's clone of OLD, with work in it, as the workbook the checker runs in."""
    root = tmp_path / "mine"
    shutil.copytree(releases[0], root)
    (root / K01).write_text(MY_K01, encoding="utf-8")
    (root / K02).write_bytes(MY_K02.encode())
    (root / K09).write_text("# my queries\n", encoding="utf-8")
    (root / K05).unlink()
    (root / K06).unlink()
    (root / CHECK3).write_text("def test_nothing():\n    pass\n", encoding="utf-8")
    (root / EDITED_NOTES).write_text("my notes\n", encoding="utf-8")
    (root / REVISION).write_text('revision = "0003"\n', encoding="utf-8")
    (root / ".checker").mkdir()
    (root / ".checker/state.json").write_text('{"katas": {}}\n', encoding="utf-8")
    monkeypatch.setenv("CHECKER_ROOT", str(root))
    monkeypatch.chdir(root)
    return root


def _same(a: Path, b: Path) -> bool:
    return a.read_bytes() == b.read_bytes()


def test_plan_decides_file_by_file(learner: Path, releases: tuple[Path, Path]) -> None:
    steps = {s.path: s for s in plan(read_release(learner), read_release(releases[1])).steps}
    assert steps[K04].action is Action.REPLACE and not steps[K04].backup
    assert steps[K01].action is Action.SET_ASIDE and steps[K01].kata_id == "1.1"
    assert steps[K02].action is Action.KEEP
    assert steps[K09].action is Action.KEEP  # gone from the release, but edited
    assert steps[K05].action is Action.SET_ASIDE and steps[K05].deleted  # stays deleted
    assert K06 not in steps  # deleted, stub unchanged: nothing to say
    assert steps[K207].action is Action.REMOVE
    assert steps[ADDED].action is Action.ADD
    assert steps[CHECK2].action is Action.REPLACE and not steps[CHECK2].backup
    assert steps[CHECK3].action is Action.REPLACE and steps[CHECK3].backup
    assert REVISION not in steps
    assert steps[NOTES].action is Action.REMOVE and not steps[NOTES].backup
    assert steps[EDITED_NOTES].action is Action.REMOVE and steps[EDITED_NOTES].backup
    assert steps[f"checker/release/manifests/{NEW}.json"].action is Action.ADD


def test_update_keeps_work_and_takes_the_release(
    learner: Path, releases: tuple[Path, Path], cli
) -> None:
    new = releases[1]
    result = cli("update", "--from", str(new), "--yes")
    assert result.code == 0, result
    assert _same(learner / K04, new / K04)  # untouched stub → the new stub
    assert (learner / K02).read_bytes() == MY_K02.encode()  # edited, stub unchanged: byte-for-byte
    assert (learner / K01).read_text(encoding="utf-8") == MY_K01  # edited, stub changed: kept
    aside = learner / ".checker/updates" / NEW / K01
    assert _same(aside, new / K01)  # ... and the new stub set aside
    assert "Kata 1.1" in result.out and "checker reset 1.1" in result.out, result
    assert K01 in result.out and f".checker/updates/{NEW}/{K01}" in result.out
    assert (learner / K09).read_text(encoding="utf-8") == "# my queries\n"
    assert not (learner / K05).exists() and not (learner / K06).exists()
    assert "you had deleted katas/p1_core/k05_dataclass_models.py" in result.out
    assert not (learner / K207).exists()
    assert _same(learner / ADDED, new / ADDED)
    assert _same(learner / CHECK2, new / CHECK2) and _same(learner / CHECK3, new / CHECK3)
    assert (learner / REVISION).read_text(encoding="utf-8") == 'revision = "0003"\n'
    assert os.stat(learner / ".ci/run").st_mode & stat.S_IXUSR  # still executable
    assert _same(learner / ".ci/run", new / ".ci/run")
    assert read_release(learner).version == NEW and read_release(learner).manifest is not None
    assert "pip install -e ." in result.out
    assert (learner / ".checker/state.json").read_text(encoding="utf-8") == '{"katas": {}}\n'
    log = json.loads((learner / ".checker/updates/log.json").read_text(encoding="utf-8"))
    assert [(e["from"], e["to"]) for e in log] == [(OLD, NEW)]


def test_the_backup_holds_every_edited_file_replaced(
    learner: Path, releases: tuple[Path, Path], cli
) -> None:
    edited_check = (learner / CHECK3).read_bytes()
    result = cli("update", "--from", str(releases[1]), "--yes")
    assert result.code == 0, result
    backups = list((learner / ".checker/backups").iterdir())
    assert len(backups) == 1
    saved = sorted(
        p.relative_to(backups[0]).as_posix() for p in backups[0].rglob("*") if p.is_file()
    )
    # the edited grader files, replaced or removed; the learner's kata files were all kept
    assert saved == [EDITED_NOTES, CHECK3]
    assert (backups[0] / CHECK3).read_bytes() == edited_check
    assert (backups[0] / EDITED_NOTES).read_text(encoding="utf-8") == "my notes\n"
    assert not (learner / "docs").exists()  # both notes removed, and their folder
    assert "2 backed up" in result.out and backups[0].name in result.out


def test_dry_run_writes_nothing(learner: Path, releases: tuple[Path, Path], cli) -> None:
    before = {p: p.read_bytes() for p in learner.rglob("*") if p.is_file()}
    result = cli("update", "--from", str(releases[1]), "--dry-run")
    assert result.code == 0, result
    assert "set aside" in result.out and K01 in result.out and "nothing was written" in result.out
    after = {p: p.read_bytes() for p in learner.rglob("*") if p.is_file()}
    assert after == before


def test_no_terminal_and_no_yes_changes_nothing(
    learner: Path, releases: tuple[Path, Path], cli
) -> None:
    result = cli("update", "--from", str(releases[1]))
    assert result.code == 2 and "--yes" in result.err, result
    assert read_release(learner).version == OLD


def test_answering_no_changes_nothing(
    learner: Path, releases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    from checker.cli import render

    asked = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr(render, "ask_yes_no", lambda question: asked.append(question) or False)
    result = cli("update", "--from", str(releases[1]))
    assert result.code == 0 and "Nothing was changed" in result.out, result
    assert asked == [f"Update your workbook to release {NEW}?"]
    assert read_release(learner).version == OLD


@pytest.mark.parametrize("problem", ["older", "same", "not a workbook", "no manifest", "edited"])
def test_a_source_that_is_no_newer_release_is_refused(
    problem: str, learner: Path, releases: tuple[Path, Path], tmp_path: Path, cli
) -> None:
    source = tmp_path / "source"
    shutil.copytree(releases[1], source)
    if problem == "older":
        _write_release(source, "0.4.9")
    elif problem == "same":
        source = learner
    elif problem == "not a workbook":
        shutil.rmtree(source / "phases")
    elif problem == "no manifest":
        shutil.rmtree(source / "checker/release/manifests")
    else:  # a clone whose kata was edited: its files are not the release's
        _append(source / K04, "# someone's answer\n")
    before = (learner / K04).read_bytes()
    result = cli("update", "--from", str(source), "--yes")
    assert result.code == 2, result
    expected = {
        "older": "already at 0.5.0",
        "same": "already at 0.5.0",
        "not a workbook": "is not a workbook",
        "no manifest": "has no manifest",
        "edited": "not a clean copy",
    }[problem]
    assert expected in " ".join(result.err.split()), result
    assert (learner / K04).read_bytes() == before


def test_force_applies_the_same_release(learner: Path, releases: tuple[Path, Path], cli) -> None:
    """Re-applying one's own release puts back edited grader files (backed up) and nothing else."""
    result = cli("update", "--from", str(releases[0]), "--force", "--yes")
    assert result.code == 0, result
    assert _same(learner / CHECK3, releases[0] / CHECK3)
    assert (learner / K01).read_text(encoding="utf-8") == MY_K01
    assert "2 taken, 3 kept, 0 set aside, 2 backed up" in " ".join(result.out.split()), result


def test_a_tar_gz_archive_is_a_source(
    learner: Path, releases: tuple[Path, Path], tmp_path: Path, cli
) -> None:
    archive = tmp_path / f"sqla-katas-{NEW}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(releases[1], arcname=f"sqla-katas-{NEW}")
    result = cli("update", "--from", str(archive), "--yes")
    assert result.code == 0, result
    assert _same(learner / K04, releases[1] / K04)
    assert os.stat(learner / ".ci/run").st_mode & stat.S_IXUSR


def test_a_zip_archive_is_a_source(
    learner: Path, releases: tuple[Path, Path], tmp_path: Path, cli
) -> None:
    archive = tmp_path / f"{NEW}.zip"
    shutil.make_archive(str(archive.with_suffix("")), "zip", releases[1])
    result = cli("update", "--from", str(archive), "--yes")
    assert result.code == 0, result
    assert _same(learner / ADDED, releases[1] / ADDED)


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_an_archive_that_escapes_its_folder_is_refused(
    kind: str, learner: Path, tmp_path: Path, cli
) -> None:
    archive = tmp_path / f"evil.{kind}"
    payload = tmp_path / "payload.txt"
    payload.write_text("gotcha\n", encoding="utf-8")
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as package:
            package.write(payload, "../escaped.txt")
    else:
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(payload, arcname="../escaped.txt")
    result = cli("update", "--from", str(archive), "--yes")
    assert result.code == 2 and "outside the folder" in result.err, result
    assert not (tmp_path / "escaped.txt").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_git_ref_is_a_source(
    learner: Path, releases: tuple[Path, Path], tmp_path: Path, cli
) -> None:
    upstream = tmp_path / "upstream"
    shutil.copytree(releases[1], upstream)

    def git(where: Path, *args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=where,
            check=True,
            capture_output=True,
        )

    git(upstream, "init", "-q")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", NEW)
    git(learner, "init", "-q")
    git(learner, "fetch", "-q", str(upstream), "HEAD:refs/remotes/upstream/main")
    result = cli("update", "--from", "git:upstream/main", "--yes")
    assert result.code == 0, result
    assert read_release(learner).version == NEW
    assert (learner / K01).read_text(encoding="utf-8") == MY_K01


def test_a_root_without_a_manifest_keeps_every_differing_kata_file(
    learner: Path, releases: tuple[Path, Path], cli
) -> None:
    shutil.rmtree(learner / "checker/release/manifests")
    result = cli("update", "--from", str(releases[1]), "--yes")
    assert result.code == 0, result
    assert "no manifest" in result.out
    assert (learner / K01).read_text(encoding="utf-8") == MY_K01
    assert (learner / K02).read_bytes() == MY_K02.encode()
    old_stub = releases[0] / K04
    assert _same(learner / K04, old_stub)  # could be their work: kept, the new stub set aside
    assert _same(learner / ".checker/updates" / NEW / K04, releases[1] / K04)
    assert (learner / K09).exists()  # nothing is removed without knowing it is the release's
    assert _same(learner / ADDED, releases[1] / ADDED)


def _class_edition(release: Path, into: Path) -> Path:
    shutil.copytree(release, into, ignore=shutil.ignore_patterns("solutions", "manifests"))
    _write_release(into, read_release(release).version or "", edition=manifest.CLASS)
    return into


def test_the_class_edition_updates_the_same_way(
    releases: tuple[Path, Path], tmp_path: Path
) -> None:
    """An instructor's class edition (no solutions/, a class manifest) plans as the full one."""
    root = _class_edition(releases[0], tmp_path / "mine")
    new = _class_edition(releases[1], tmp_path / "new")
    (root / K01).write_text(MY_K01, encoding="utf-8")
    steps = {s.path: s for s in plan(read_release(root), read_release(new)).steps}
    assert steps[K01].action is Action.SET_ASIDE
    assert steps[K04].action is Action.REPLACE
    assert not any(path.startswith("solutions/") for path in steps)


@pytest.mark.parametrize("root_manifest", [True, False])
def test_another_edition_is_refused(
    root_manifest: bool, learner: Path, releases: tuple[Path, Path], tmp_path: Path, cli
) -> None:
    """Without its manifest, a workbook with solutions/ is the full edition."""
    if not root_manifest:
        shutil.rmtree(learner / "checker/release/manifests")
    new = _class_edition(releases[1], tmp_path / "new")
    result = cli("update", "--from", str(new), "--yes")
    assert result.code == 2 and "class edition" in result.err, result
    assert (learner / "solutions").is_dir()


def test_a_root_without_a_manifest_uses_the_one_the_release_ships(
    learner: Path, releases: tuple[Path, Path], tmp_path: Path
) -> None:
    shutil.rmtree(learner / "checker/release/manifests")
    new = tmp_path / "new"
    shutil.copytree(releases[1], new)
    shipped = f"checker/release/manifests/{OLD}.json"
    shutil.copy2(releases[0] / shipped, new / shipped)
    planned = plan(read_release(learner), read_release(new))
    steps = {s.path: s for s in planned.steps}
    assert not planned.guessed and planned.notes
    assert steps[K04].action is Action.REPLACE  # known untouched: the new stub
    assert steps[K01].action is Action.SET_ASIDE


@pytest.mark.parametrize("bad", ["../outside.py", ".git/config", "/etc/passwd"])
def test_a_manifest_naming_paths_outside_the_workbook_is_refused(
    bad: str, learner: Path, releases: tuple[Path, Path], tmp_path: Path, cli
) -> None:
    new = tmp_path / "new"
    shutil.copytree(releases[1], new)
    written = new / f"checker/release/manifests/{NEW}.json"
    data = json.loads(written.read_text(encoding="utf-8"))
    data["files"][bad] = "0" * 64
    written.write_text(json.dumps(data), encoding="utf-8")
    result = cli("update", "--from", str(new), "--yes")
    assert result.code == 2 and "outside the workbook" in result.err, result
    assert read_release(learner).version == OLD


def test_version_order_is_numeric() -> None:
    assert version_key("0.10.0") > version_key("0.9.3")
    assert version_key("0.6") == version_key("0.6.0")
    assert version_key("1.0rc1") > version_key("0.99")


def test_the_workbook_still_grades_after_an_update(
    learner: Path, releases: tuple[Path, Path], cli
) -> None:
    assert cli("update", "--from", str(releases[1]), "--yes").code == 0
    result = cli("kata", "1.4")  # the new stub: graded, and failing as a stub should
    assert result.code == 1, result
    assert "1.4" in result.out
