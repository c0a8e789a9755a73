"""`checker class`: a generated class of 30+ learners' reports aggregated into the dashboard, the
CSV and the summary — fast, nothing is graded — and every kind of bad input, each one paragraph
while the rest of the class is still aggregated."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from checker.classroom.aggregate import build_view
from checker.classroom.clones import git_problem
from checker.classroom.reports import BadReport, parse_report
from checker.workbook.catalog import Catalog, load_catalog
from tests.classgen import (
    BROKEN,
    OLD_RELEASE,
    PLANTED_KATA,
    PLANTED_MESSAGE,
    TAMPERED,
    planted_checks,
    planted_learners,
    write_class,
)
from tests.schema import validate_output

ROOT = Path(__file__).resolve().parent.parent
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT)


@pytest.fixture
def board(catalog: Catalog, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch):
    """The generated class written as report files and aggregated by `checker class`."""
    monkeypatch.setenv("CHECKER_ROOT", str(ROOT))
    reports = write_class(catalog, tmp_path / "reports")
    out = tmp_path / "out"
    result = cli("class", str(tmp_path / "reports"), "--out", str(out))
    assert result.code == 0, result
    return reports, out, result


class _Balanced(HTMLParser):
    """Every element that is opened is closed, in order (void elements excepted)."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "line", "rect"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.learners: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get("data-learner"):
            self.learners.append(found["data-learner"] or "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <line/>, <rect/>: opened and closed

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]} at {self.getpos()}")
        else:
            self.stack.pop()


def test_every_generated_report_is_a_valid_run(catalog: Catalog) -> None:
    from tests.classgen import generated_class

    for data in generated_class(catalog, 3).values():
        validate_output(data, "run")


def test_the_csv_has_one_row_per_learner_and_kata(board: Any) -> None:
    reports, out, _ = board
    rows = list(csv.DictReader((out / "progress.csv").open(encoding="utf-8")))
    katas = {k["kata_id"] for data in reports.values() for k in data["katas"]}
    assert len(rows) == len(reports) * len(katas) and len(reports) >= 30
    assert list(rows[0]) == ["learner", "kata", "status", "passed_checks", "total_checks"]
    expected = {k["kata_id"]: k for k in reports["learner05"]["katas"]}
    for row in (r for r in rows if r["learner"] == "learner05"):
        kata = expected[row["kata"]]
        assert row["status"] == kata["status"]
        assert int(row["passed_checks"]) == kata["passed_checks"]
        assert int(row["total_checks"]) == kata["total_checks"]
    statuses = {(r["learner"], r["status"]) for r in rows}
    assert all((name, "broken") in statuses for name in BROKEN)
    assert all((name, "tampered") in statuses for name in TAMPERED)


def test_the_planted_misconception_comes_first_with_its_learners(
    board: Any, catalog: Catalog
) -> None:
    _, out, result = board
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    first = summary["misconceptions"][0]
    assert {(c["kata_id"], c["name"]) for c in first["checks"]} == {
        (PLANTED_KATA, name) for name in planted_checks(catalog)
    }
    assert set(first["learners"]) == planted_learners(catalog)
    assert first["message"] == PLANTED_MESSAGE
    assert catalog.kata(PLANTED_KATA).title in first["name"]  # type: ignore[union-attr]
    assert "1. " + PLANTED_KATA in result.out  # the terminal names it too
    # Stubs not written yet are not misconceptions: no group is made of "todo" failures.
    assert all("not written yet" not in m["message"] for m in summary["misconceptions"])


def test_the_html_is_well_formed_offline_and_shows_everyone(board: Any) -> None:
    reports, out, _ = board
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    parser = _Balanced()
    parser.feed(page)
    parser.close()
    assert parser.problems == [] and parser.stack == []
    assert sorted(parser.learners) == sorted(reports)
    assert "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "https://" not in page
    assert 'id="progress-grid"' in page and "<svg" in page and 'class="misconception"' in page
    assert page.count('data-status="tampered"') == len(TAMPERED)
    assert "imports _pytest" in page  # the flag, in the tampering section
    assert "different releases of the workbook" in page and OLD_RELEASE  # mixed versions noted


def _report(catalog: Catalog, **changes: Any) -> dict[str, Any]:
    from tests.classgen import generated_class

    data = generated_class(catalog, 1)["learner00"]
    data.update(changes)
    return data


def test_a_report_wrapping_a_run_is_read(catalog: Catalog) -> None:
    run = _report(catalog)
    wrapped = {"schema_version": run["schema_version"], "type": "report", "run": run}
    learner = parse_report("ann", "ann.json", json.dumps(wrapped))
    assert learner.name == "ann" and len(learner.katas) == len(catalog.katas)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"schema_version": 2, "type": "run", "katas": []}', "schema_version 2"),
        ('{"schema_version": 3, "type": "run", "katas": [{"kata_id": "1.1"', "not complete JSON"),
        ("", "empty"),
        ('{"schema_version": 3, "type": "run", "katas": [{"kata_id": 1}]}', "shape of a run"),
        ('{"schema_version": 3, "type": "status", "phases": []}', "not a grading run"),
        ("[1, 2]", "not a report"),
    ],
)
def test_a_bad_report_says_what_is_wrong(text: str, said: str) -> None:
    with pytest.raises(BadReport, match=said):
        parse_report("x", "x.json", text)


def test_bad_inputs_are_notes_and_the_rest_of_the_class_is_aggregated(
    catalog: Catalog, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKER_ROOT", str(ROOT))
    folder = tmp_path / "class"
    write_class(catalog, folder, 4)
    (folder / "old.json").write_text(json.dumps(_report(catalog, schema_version=2)))
    good = json.dumps(_report(catalog))
    (folder / "cut.json").write_text(good[: len(good) // 2])
    (folder / "nokatas").mkdir()  # a learner's folder with no kata files
    (folder / "nokatas" / "README.md").write_text("hello")
    empty_clone = folder / "emptyclone"
    (empty_clone / "katas").mkdir(parents=True)  # a katas/ without any kata file
    result = cli("class", str(folder), str(tmp_path / "missing"), "--out", str(tmp_path / "o"))
    assert result.code == 0, result
    for said in (
        "schema_version 2",
        "not complete JSON",
        "nokatas holds no kata files",
        "none of the workbook's kata files",
        "missing does not exist",
    ):
        assert said in " ".join(result.out.split()), said
    rows = list(csv.DictReader((tmp_path / "o/progress.csv").open(encoding="utf-8")))
    assert {r["learner"] for r in rows} == {f"learner{i:02d}" for i in range(4)}
    page = (tmp_path / "o/dashboard.html").read_text(encoding="utf-8")
    assert "schema_version 2" in page and "none of the workbook" in page


def test_an_empty_class_is_one_paragraph_and_exit_2(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKER_ROOT", str(ROOT))
    (tmp_path / "empty").mkdir()
    result = cli("class", str(tmp_path / "empty"), "--out", str(tmp_path / "o"))
    assert result.code == 2 and "No usable report" in result.err
    assert "Traceback" not in result.err + result.out
    assert not (tmp_path / "o").exists()


def test_only_bad_reports_is_exit_2_with_each_reason(
    catalog: Catalog, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKER_ROOT", str(ROOT))
    (tmp_path / "a.json").write_text("{")
    (tmp_path / "b.json").write_text(json.dumps(_report(catalog, schema_version=99)))
    result = cli("class", str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    assert result.code == 2 and "see the notes above" in result.err
    assert "not complete JSON" in result.out and "schema_version 99" in result.out


def test_a_broken_git_history_is_named_and_a_good_one_is_not(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / ".git").write_text("gitdir: /nowhere\n")
    assert git_problem(broken) is not None
    empty = tmp_path / "emptygit"
    (empty / ".git").mkdir(parents=True)  # a .git git does not recognise: not its parent's
    assert git_problem(empty) is not None
    fine = tmp_path / "fine"
    fine.mkdir()
    subprocess.run(["git", "init", "-q", str(fine)], check=True)
    (fine / "f").write_text("x")
    git = ["git", "-C", str(fine), "-c", "user.name=a", "-c", "user.email=a@b"]
    subprocess.run([*git, "add", "f"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    assert git_problem(fine) is None
    assert git_problem(tmp_path) is None  # no .git at all: nothing to say


def test_duplicate_names_are_kept_apart(catalog: Catalog) -> None:
    text = json.dumps(_report(catalog))
    one, two = parse_report("sam", "a/sam.json", text), parse_report("sam", "b/sam.json", text)
    notes: list[Any] = []
    view = build_view([one, two], notes, catalog)
    assert [lr.name for lr in view.learners] == ["sam", "sam (2)"]
    assert any("sam" in n.subject for n in view.notes)


def test_clones_are_graded_in_parallel_with_the_pristine_rules(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three learners' clones, graded on kata 1.1 through `checker grade --pristine` children:
    solved, a stub, and a stub beside a gutted check file (which the pristine grade ignores);
    the stub's clone also has a broken .git, which is noted and graded anyway."""
    from checker.classroom import sandbox

    monkeypatch.setenv("CHECKER_ROOT", str(ROOT))
    monkeypatch.setenv("CHECKER_SECRET_OF_THE_INSTRUCTOR", "do-not-pass-me")
    clones = tmp_path / "class"
    for name in ("solved", "stub", "cheat"):
        shutil.copytree(ROOT / "katas", clones / name / "katas", ignore=_IGNORED)
    shutil.copy(ROOT / "solutions/p1_core/k01_engine.py", clones / "solved/katas/p1_core")
    (clones / "stub/.git").write_text("gitdir: /nowhere\n")
    gutted = clones / "cheat/phases/p1_core/test_k01_engine.py"
    gutted.parent.mkdir(parents=True)
    gutted.write_text("def test_everything():\n    pass\n")
    result = cli("class", str(clones), "--kata", "1.1", "--jobs", "3", "--out", str(tmp_path / "o"))
    assert result.code == 0, result
    rows = list(csv.DictReader((tmp_path / "o/progress.csv").open(encoding="utf-8")))
    assert {(r["learner"], r["kata"], r["status"]) for r in rows} == {
        ("cheat", "1.1", "failing"),
        ("solved", "1.1", "passed"),
        ("stub", "1.1", "failing"),
    }
    said = " ".join(result.out.split())
    assert "stub" in said and "git history is broken" in said
    page = (tmp_path / "o/dashboard.html").read_text(encoding="utf-8")
    if not sandbox.detect().available:
        assert "learners' code ran without a sandbox" in page
        assert "learners' code ran without a sandbox" in said


def test_a_clones_child_never_gets_the_instructors_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, catalog: Catalog
) -> None:
    from checker.classroom import clones
    from checker.classroom.sandbox import Prepared, Sandbox
    from checker.cli.databases import DatabaseTarget

    seen: list[dict[str, Any]] = []

    def fake_run(argv: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        seen.append({"argv": argv, **options})
        return subprocess.CompletedProcess(argv, 2, "", "no such thing")

    class Boxed(Sandbox):
        def wrap(self, argv, *, writable, readable, database_url):  # type: ignore[no-untyped-def]
            seen.append({"writable": writable, "readable": readable, "url": database_url})
            return Prepared(["bwrap", "--", *argv], {"PATH": "/usr/bin", "HOME": "/h"}, "pg://in")

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "instructor-secret")
    monkeypatch.setattr(clones.subprocess, "run", fake_run)
    allowed = {"PATH", "HOME", "LANG", "TMPDIR", "CHECKER_ROOT", "NO_COLOR", "CHECKER_MEMORY_MB"}
    bare = clones.grade_clone(
        catalog, tmp_path, "ann", DatabaseTarget("sqlite"), Sandbox("none", "no bwrap"), []
    )
    assert set(seen[-1]["env"]) <= allowed and bare.report is None
    assert "could not be graded: no such thing" in bare.notes[0].text
    boxed = Boxed("bubblewrap")
    clones.grade_clone(catalog, tmp_path, "ann", DatabaseTarget("postgres", "pg://out"), boxed, [])
    wrapped, ran = seen[-2], seen[-1]
    assert wrapped["url"] == "pg://out" and tmp_path in wrapped["readable"]
    assert ran["argv"][0] == "bwrap" and ran["env"]["CHECKER_DATABASE_URL"] == "pg://in"
    assert ran["env"]["HOME"] == "/h"  # the sandbox's own settings win
    assert "AWS_SECRET_ACCESS_KEY" not in ran["env"]
    assert "pg://out" not in " ".join(ran["argv"])  # a URL with a password is never an argument
