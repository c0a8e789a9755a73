"""`checker review`: a mentor's review of one kata, and learners' solutions grouped by shape.

Kata 1.3 only (raw SQL with bound parameters: its mutants change the SQL that is sent). The
workbook copy is shared by the module so the mutants are graded once (the review cache) and
every later review grades just the learner and the reference.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.classroom.review import diff_files
from checker.classroom.review_sql import compare, normalise, signature
from checker.cli.commands.review import current_kata
from checker.results import ORIGIN_FIXTURE, CheckResult, KataResult, Statement
from checker.workbook.catalog import load_catalog
from checker.workbook.kinds import files_of
from tests.conftest import ROOT

KATA = "1.3"
FILE = "p1_core/k03_text_params.py"
MUTANT = "f-string into text()"


@pytest.fixture(scope="module")
def shared_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("review") / "workbook"
    for folder in ("phases", "katas", "solutions"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture
def book(shared_workbook: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHECKER_ROOT", str(shared_workbook))
    monkeypatch.chdir(shared_workbook)
    return shared_workbook


def learner(folder: Path, text: str) -> Path:
    """A learner's copy of the workbook holding only kata 1.3's file."""
    (folder / "katas" / FILE).parent.mkdir(parents=True)
    (folder / "katas" / FILE).write_text(text, encoding="utf-8")
    return folder


def mutant_text(root: Path, name: str = MUTANT) -> str:
    kata = load_catalog(root).kata(KATA)
    assert kata is not None
    mutant = next(m for m in kata.mutants if m.name == name)
    return files_of(kata).mutated(root, mutant)[FILE]


def _check(check_id: str, *sql: str, outcome: str = "passed") -> CheckResult:
    statements = (Statement("CREATE TABLE t (id INTEGER)", origin=ORIGIN_FIXTURE),)
    statements += tuple(Statement(s, "(1,)") for s in sql)
    return CheckResult(check_id, KATA, check_id, "", outcome, statements=statements)


def _kata(*checks: CheckResult) -> KataResult:
    return KataResult(KATA, "t", "f", "passed", checks)


# --- no grading --------------------------------------------------------------------------------


def test_normalise_folds_whitespace_placeholders_and_literals() -> None:
    assert normalise("SELECT *\n  FROM t WHERE id = %(id_1)s;") == "SELECT * FROM t WHERE id = ?"
    assert normalise("SELECT * FROM t WHERE id = $1") == "SELECT * FROM t WHERE id = ?"
    same = normalise("SELECT * FROM t WHERE name = 'ada' LIMIT 5")
    assert same == normalise("SELECT * FROM t WHERE name = 'O''Brien' LIMIT 10")
    assert same != normalise("SELECT * FROM t WHERE name = ? LIMIT 5")  # bound vs written in
    assert normalise("SELECT param_1, k01 FROM t") == "SELECT param_1, k01 FROM t"


def test_compare_flags_extra_statements_and_passes_the_same_sql() -> None:
    reference = _kata(
        _check("c1", "SELECT * FROM post JOIN tag ON tag.post_id = post.id"), _check("c2")
    )
    n_plus_one = _kata(
        _check("c1", "SELECT * FROM post", *["SELECT * FROM tag WHERE post_id = ?"] * 3),
        _check("c2"),
    )
    [found] = compare(n_plus_one, reference)
    assert (found.check, found.yours, found.reference) == ("c1", 4, 1)
    assert found.only_yours == (
        ("SELECT * FROM post", 1),
        ("SELECT * FROM tag WHERE post_id = ?", 3),
    )
    assert found.only_reference == (("SELECT * FROM post JOIN tag ON tag.post_id = post.id", 1),)
    assert compare(reference, reference) == []
    failing = _kata(_check("c1", "SELECT 1", outcome="failed"))
    assert signature(failing) != signature(_kata(_check("c1", "SELECT 2")))  # pass is in it


def test_diff_shows_the_changed_lines(tmp_path: Path) -> None:
    catalog = load_catalog(ROOT)
    kata = catalog.kata(KATA)
    assert kata is not None
    tree = learner(tmp_path / "ann", mutant_text(ROOT)) / "katas"
    [diff] = diff_files(kata, tree, ROOT / "solutions")
    assert diff.diff.startswith(f"--- solutions/{FILE}\n+++ katas/{FILE}\n")
    assert '-    statement = text("SELECT id, name, email FROM user_account' in diff.diff
    assert '+    statement = text(f"SELECT id, name, email FROM user_account' in diff.diff
    [same] = diff_files(kata, ROOT / "solutions", ROOT / "solutions")
    assert same.diff == ""


def test_the_current_kata_is_the_first_unsolved(book: Path) -> None:
    catalog = load_catalog(book)
    assert current_kata(catalog, None).id == catalog.katas[0].id


def test_bad_input_is_one_paragraph(book: Path, tmp_path: Path, cli) -> None:
    (tmp_path / "empty").mkdir()
    result = cli("review", KATA, "--from", str(tmp_path / "empty"))
    assert result.code == 2 and "has no katas/ folder" in result.err
    assert "Traceback" not in result.err
    result = cli("review", "9.9", "--from", str(tmp_path / "empty"))
    assert result.code == 2 and "There is no kata '9.9'" in result.err
    result = cli("review", "--from", str(tmp_path / "empty"))
    assert result.code == 2 and "Name the kata to review" in result.err
    (tmp_path / "other" / "katas").mkdir(parents=True)
    result = cli("review", KATA, "--from", str(tmp_path / "other"))
    assert result.code == 2 and "has none of kata 1.3's files" in result.err


# --- grading kata 1.3 ----------------------------------------------------------------------


def test_a_mutant_as_markdown(book: Path, tmp_path: Path, cli) -> None:
    """The learner's file is a named mutant: the diff, the SQL that differs, the mutant."""
    ann = learner(tmp_path / "ann", mutant_text(book))
    result = cli("review", KATA, "--from", str(ann), "--md")
    assert result.code == 1, result
    md = result.out
    assert md.startswith("## Review of kata 1.3")
    assert "### Your files against the reference" in md and "```diff\n--- solutions/" in md
    assert '+    statement = text(f"SELECT' in md
    assert "### The SQL your code sent, beside the reference's" in md
    assert "+ SELECT id, name, email FROM user_account WHERE name = <literal>" in md
    assert "- SELECT id, name, email FROM user_account WHERE name = ?" in md
    behaves = md.split("### Behaves like", 1)[1].split("**Talking points:**")[0]
    assert f"- {MUTANT}" in behaves
    assert list((book / ".checker" / "review-cache").glob("1.3-*.json"))  # for the next review


def test_the_solution_sends_the_same_sql(book: Path, tmp_path: Path, cli) -> None:
    bob = learner(tmp_path / "bob", (book / "solutions" / FILE).read_text(encoding="utf-8"))
    result = cli("review", KATA, "--from", str(bob))
    assert result.code == 0, result
    assert "identical to the reference solution" in result.out
    assert "same SQL as the reference" in result.out
    assert "none of the" in result.out  # passing code behaves like no mutant


def test_learners_grouped_by_shape(book: Path, tmp_path: Path, cli) -> None:
    solution = (book / "solutions" / FILE).read_text(encoding="utf-8")
    folders = [
        learner(tmp_path / "ann", solution),
        learner(tmp_path / "bob", solution),
        learner(tmp_path / "cy", mutant_text(book)),
        learner(tmp_path / "dee", (book / "katas" / FILE).read_text(encoding="utf-8")),
    ]
    result = cli("review", KATA, "--group", *map(str, folders), "--json")
    assert result.code == 1, result
    shapes = json.loads(result.out)["shapes"]
    assert [(s["members"], s["passes"]) for s in shapes] == [
        (["ann", "bob"], True),
        (["cy"], False),
        (["dee"], False),
    ]
    assert shapes[0]["sql"] == []
    assert [m["name"] for m in shapes[1]["behaves_like"]] == [MUTANT]
