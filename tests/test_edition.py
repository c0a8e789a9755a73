"""The class edition (`checker edition --class OUT`): the workbook without anything that gives the
answers away, on which a learner's `checker` works and grades exactly as on the full one."""

from __future__ import annotations

import hashlib
import json
import shutil
import tomllib
from pathlib import Path

import pytest

from checker.release import manifest
from checker.release.class_edition import ANSWER_FILES, build
from checker.release.edition import edition_of
from checker.release.toml_text import dumps_checked
from checker.workbook.catalog import load_catalog
from checker.workbook.kinds import files_of

ROOT = Path(__file__).resolve().parent.parent
FULL_CATALOG = load_catalog(ROOT)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One class edition of this workbook, built once for the module: never edited."""
    out = tmp_path_factory.mktemp("class") / "edition"
    build(FULL_CATALOG, out)
    return out


@pytest.fixture
def edition(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the class edition, which `checker` runs on."""
    copy = tmp_path / "edition"
    shutil.copytree(built, copy)
    monkeypatch.setenv("CHECKER_ROOT", str(copy))
    monkeypatch.chdir(copy)
    return copy


# What the edition leaves out


def test_no_solutions_tests_or_maintainer_material(built: Path) -> None:
    shipped = {path.relative_to(built).as_posix() for path in _files(built)}
    for tree in ("solutions/", "tests/", "bench/", ".ci/"):
        assert not [name for name in shipped if name.startswith(tree)], tree
    assert "katas/p1_core/k01_engine.py" in shipped
    # CI grades a copy without checker/ (the installed wheel runs): only a source tree ships it.
    assert "checker/cli/main.py" in shipped or not (ROOT / "checker").is_dir()


def test_no_file_holds_a_solution(built: Path) -> None:
    """No file of the edition is a solution file that differs from its stub, anywhere."""
    shipped = {_digest(path.read_bytes()): path for path in _files(built)}
    checked = 0
    for kata in FULL_CATALOG.katas:
        files = files_of(kata)
        stubs = files.stubs(ROOT)
        for name, text in files.read(ROOT / "solutions").items():
            if text == stubs[name]:
                continue  # a file without markers is handed to the learner as it is
            checked += 1
            leak = shipped.get(_digest(text.encode("utf-8")))
            assert leak is None, f"solutions/{name} is shipped as {leak}"
    assert checked >= len(FULL_CATALOG.katas)  # every kata has answers to hide


def test_catalogs_keep_the_lessons_and_lose_the_answers(built: Path) -> None:
    catalog = load_catalog(built)
    assert [k.id for k in catalog.katas] == [k.id for k in FULL_CATALOG.katas]
    for mine, full in zip(catalog.katas, FULL_CATALOG.katas, strict=True):
        assert (mine.title, mine.hints, mine.files, mine.timeout, mine.db) == (
            full.title,
            full.hints,
            full.files,
            full.timeout,
            full.db,
        )
        assert not (mine.mutants or mine.equivalents or mine.talking_points), mine.id
    # The catalogs only: the lessons (README.md) teach the APIs that some mutants take away.
    texts = "\n".join(path.read_text("utf-8") for path in built.glob("phases/*/phase.toml"))
    kept = "\n".join(h for k in FULL_CATALOG.katas for h in (k.title, *k.hints))
    quoted = [
        text
        for kata in FULL_CATALOG.katas
        for text in (
            *kata.talking_points,
            *(e.reason for e in kata.equivalents),
            *(t for m in kata.mutants for t in (m.find, m.replace)),
        )
        if len(text.strip()) >= 20 and text not in kept
    ]
    assert len(quoted) > 300
    for text in quoted:
        assert text not in texts and json.dumps(text)[1:-1] not in texts, text


def test_pristine_stubs_are_the_released_katas(built: Path) -> None:
    for kata in FULL_CATALOG.katas:
        files = files_of(kata)
        released = files.stubs(ROOT)
        assert files.pristine_stubs(built) == released, kata.id
        assert files.read(built / "katas") == released, kata.id
        assert files.stubs(built) == released, kata.id  # no solutions/: the pristine ones


def test_its_manifest_says_class_and_lists_what_it_ships(built: Path) -> None:
    recorded = manifest.load(folder=built / "checker/release/manifests")
    assert recorded is not None and recorded.edition == manifest.CLASS
    shipped = {
        path.relative_to(built).as_posix(): manifest.file_hash(path) for path in _files(built)
    }
    assert recorded.files == {name: h for name, h in shipped.items() if manifest.listed(name)}
    assert edition_of(built) == "class" and edition_of(ROOT) == "full"


# The command


def test_edition_command_writes_and_refuses_a_folder_in_use(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKER_ROOT", str(ROOT))
    out = tmp_path / "empty"
    out.mkdir()
    written = cli("edition", "--class", str(out))
    assert written.code == 0, written
    for words in ("the reference solutions", "named mutants", "talking points", "git init"):
        assert words in written.out, written
    assert "checker grade --pristine" in written.out
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "staging left behind"
    again = cli("edition", "--class", str(out))
    assert again.code == 2 and "not an empty folder" in again.err, again
    assert "Traceback" not in again.out + again.err


# The checker on the edition


def test_the_checker_finds_it_and_not_a_half_copy(edition: Path, cli, tmp_path: Path) -> None:
    assert cli("list").code == 0
    half = tmp_path / "half"
    for folder in ("phases", "katas"):
        shutil.copytree(edition / folder, half / folder)
    from checker.workbook.paths import find_root

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHECKER_ROOT", str(half))
        with pytest.raises(Exception, match="class edition"):
            find_root()


def test_solution_says_where_the_solutions_are(edition: Path, cli) -> None:
    for args in (("solution", "1.1"), ("solution", "1.1", "--force")):
        result = cli(*args)
        assert result.code == 2, result
        assert "class edition" in result.err and "instructor's autograder" in result.err, result
        assert "Traceback" not in result.out + result.err


def test_show_takes_the_instructions_from_the_pristine_stub(edition: Path, cli) -> None:
    for kata_id in ("1.1", "4.1", "5.2"):
        kata = FULL_CATALOG.kata(kata_id)
        assert kata is not None
        expected = files_of(kata).instructions(ROOT).split("\n\n")[0].splitlines()[0]
        result = cli("show", kata_id)
        assert result.code == 0 and expected in result.out, result


def test_reset_restores_the_stub_after_a_backup(edition: Path, cli) -> None:
    mine = edition / "katas/p1_core/k01_engine.py"
    stub = mine.read_text("utf-8")
    mine.write_text("def make_engine(url, echo=False):\n    return 'mine'\n", "utf-8")
    result = cli("reset", "1.1", "--yes")
    assert result.code == 0 and "backed up" in result.out, result
    assert mine.read_text("utf-8") == stub
    saved = list((edition / ".checker/backups").rglob("k01_engine.py"))
    assert len(saved) == 1 and "'mine'" in saved[0].read_text("utf-8")


def test_reset_without_its_pristine_stub_says_so_and_keeps_the_file(edition: Path, cli) -> None:
    (edition / "phases/p1_core/stubs/k01_engine.py").unlink()
    mine = edition / "katas/p1_core/k01_engine.py"
    mine.write_text("# mine\n", "utf-8")
    result = cli("reset", "1.1", "--yes")
    assert result.code == 2 and "phases/p1_core/stubs/k01_engine.py" in result.err, result
    assert "Traceback" not in result.out + result.err
    assert mine.read_text("utf-8") == "# mine\n"


@pytest.mark.parametrize(
    "args", [("verify", "--static"), ("stubs",), ("release",), ("edition", "--class", "x")]
)
def test_maintainer_commands_need_the_full_edition(edition: Path, cli, args) -> None:
    result = cli(*args)
    assert result.code == 2 and "needs the full edition" in result.err, result
    assert not (edition / "x").exists()


# Grading: the same checks, the same verdicts


def _grade(cli, monkeypatch: pytest.MonkeyPatch, root: Path, kata_id: str):
    monkeypatch.setenv("CHECKER_ROOT", str(root))
    result = cli("kata", kata_id, "--db", "sqlite", "--json")
    assert result.code in (0, 1), result
    return result.code, json.loads(result.out)["katas"][0]


def _verdict(kata: dict) -> tuple:
    failing = sorted(c["name"] for c in kata["checks"] if c["outcome"] != "passed")
    return kata["status"], kata["passed_checks"], kata["total_checks"], failing


@pytest.mark.parametrize("kata_id", ["1.1", "5.2", "4.1"])  # a module, a package, alembic
def test_it_grades_like_the_full_edition(
    workbook: Path, edition: Path, cli, monkeypatch: pytest.MonkeyPatch, kata_id: str
) -> None:
    kata = FULL_CATALOG.kata(kata_id)
    assert (
        kata is not None
        and kata.kind == {"1": "module", "5": "package", "4": "alembic"}[kata_id[0]]
    )
    full_code, full = _grade(cli, monkeypatch, workbook, kata_id)
    class_code, mine = _grade(cli, monkeypatch, edition, kata_id)
    assert full_code == class_code == 1
    assert _verdict(mine) == _verdict(full) and full["passed_checks"] < full["total_checks"]
    files = files_of(kata)
    files.write(edition / "katas", files.read(ROOT / "solutions"))
    solved_code, solved = _grade(cli, monkeypatch, edition, kata_id)
    assert solved_code == 0 and solved["status"] == "passed", solved
    assert solved["total_checks"] == full["total_checks"]


def test_compare_sql_without_the_reference_keeps_the_grade(
    workbook: Path, edition: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing `compare_sql` check re-runs on the reference to count its statements; the
    class edition has none, so the count is left out and nothing else changes."""
    kata = FULL_CATALOG.kata("2.6")
    assert kata is not None
    n_plus_one = next(m for m in kata.mutants if m.name.startswith("the N+1 loop"))
    files = files_of(kata)
    for root in (workbook, edition):
        files.write(root / "katas", files.mutated(ROOT, n_plus_one))
    _, full = _grade(cli, monkeypatch, workbook, "2.6")
    code, mine = _grade(cli, monkeypatch, edition, "2.6")
    assert code == 1 and _verdict(mine) == _verdict(full), mine
    budget = {c["name"]: c for c in mine["checks"]}["test_feed_statement_budget"]
    full_budget = {c["name"]: c for c in full["checks"]}["test_feed_statement_budget"]
    assert budget["outcome"] == full_budget["outcome"] == "failed", budget
    assert isinstance(full_budget["reference_statements"], int)
    assert budget["reference_statements"] is None
    assert budget["message"] == full_budget["message"]


# Writing the catalogs back


def test_toml_text_round_trips_what_catalogs_hold() -> None:
    data = {
        "title": 'quotes " and \\ backslashes, tabs\t, a newline\n, é, \x7f and \x01',
        "number": 3,
        "ratio": 1.5,
        "on": True,
        "empty": [],
        "words": ["a", "b"],
        "long": ["x" * 50, "y" * 50],
        "kata": [
            {"id": "1.1", "mutants": [{"find": "a\nb", "replace": ""}], "key with space": 1},
            {"id": "1.2", "sub": {"deep": "yes"}},
        ],
    }
    text = dumps_checked(data, "# a header\n")
    assert text.startswith("# a header\n") and tomllib.loads(text) == data
    for path in sorted((ROOT / "phases").glob("*/phase.toml")):
        original = tomllib.loads(path.read_text("utf-8"))
        assert tomllib.loads(dumps_checked(original)) == original, path


def test_a_kinds_answer_files_are_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a kind declares as giving answers away (Phase 7's buggy implementations, say) is not
    shipped, and is counted."""
    from checker.workbook.kinds.module import ModuleKind

    declared = "phases/p1_core/README.md"  # any shipped file will do for the test
    monkeypatch.setattr(
        ModuleKind,
        "answer_files",
        lambda self, kata: (declared,) if kata.id == "1.1" else (),
    )
    built = build(FULL_CATALOG, tmp_path / "edition")
    assert not (tmp_path / "edition" / declared).exists()
    assert built.left_out[ANSWER_FILES] == 1
