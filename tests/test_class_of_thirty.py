"""A class of 30 generated learner folders through `class`, `review --group` and `report`: ten
solved kata 1.3, eight made one of its named mistakes each, six left the stub, six tampered (a
patched pytest in their kata file and a gutted check file in their copy, which the pristine rules
ignore). Minutes of grading, so in the maintainer tier (`pytest -m maintainer`)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from checker import __version__
from checker.workbook.catalog import load_catalog
from checker.workbook.kinds import files_of

pytestmark = pytest.mark.maintainer

ROOT = Path(__file__).resolve().parent.parent
KATA = "1.3"
TAMPER = "\nimport _pytest.python\n_pytest.python.Function.runtest = lambda self: None\n"


def _learner(folder: Path, texts: dict[str, str], gut_checks: bool = False) -> Path:
    files = files_of(load_catalog(ROOT).kata(KATA))  # type: ignore[arg-type]
    files.write(folder / "katas", texts)
    (folder / "pyproject.toml").write_text(f'[project]\nname = "mine"\nversion = "{__version__}"\n')
    if gut_checks:
        check = folder / files.checks
        check.parent.mkdir(parents=True, exist_ok=True)
        check.write_text("def test_anything():\n    pass\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def class_of_thirty(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    base = tmp_path_factory.mktemp("class")
    kata = load_catalog(ROOT).kata(KATA)
    assert kata is not None
    files = files_of(kata)
    solution, stub = files.read(ROOT / "solutions"), files.stubs(ROOT)
    groups: dict[str, list[Path]] = {"solved": [], "mistaken": [], "stub": [], "tampered": []}
    for n in range(10):
        groups["solved"].append(_learner(base / f"solved{n:02}", solution))
    for n, mutant in enumerate(kata.mutants[:8]):
        groups["mistaken"].append(_learner(base / f"mistake{n:02}", files.mutated(ROOT, mutant)))
    for n in range(6):
        groups["stub"].append(_learner(base / f"stub{n:02}", stub))
    for n in range(6):
        tricked = {name: text + TAMPER for name, text in stub.items()}
        groups["tampered"].append(_learner(base / f"tamper{n:02}", tricked, gut_checks=True))
    return groups


def _all(groups: dict[str, list[Path]]) -> list[Path]:
    return [folder for members in groups.values() for folder in members]


def test_the_class_dashboard_grades_thirty_clones(
    class_of_thirty: dict[str, list[Path]], cli: Any, tmp_path: Path
) -> None:
    out = tmp_path / "board"
    folders = [str(f) for f in _all(class_of_thirty)]
    result = cli("class", *folders, "--kata", KATA, "--out", str(out), "--db", "sqlite")
    assert result.code == 0, result
    with (out / "progress.csv").open(encoding="utf-8") as file:
        rows = {row["learner"]: row["status"] for row in csv.DictReader(file)}
    assert len(rows) == 30
    assert [rows[f.name] for f in class_of_thirty["solved"]] == ["passed"] * 10
    assert all(rows[f.name] == "failing" for f in class_of_thirty["mistaken"])
    assert all(rows[f.name] == "tampered" for f in class_of_thirty["tampered"])
    html = (out / "dashboard.html").read_text(encoding="utf-8")
    assert all(f.name in html for f in _all(class_of_thirty))


def test_review_groups_thirty_learners_by_shape(
    class_of_thirty: dict[str, list[Path]], cli: Any
) -> None:
    folders = [str(f) for f in _all(class_of_thirty)]
    result = cli("review", KATA, "--group", *folders, "--json", "--db", "sqlite")
    data = json.loads(result.out)
    shapes = data["shapes"]
    assert sum(s["learners"] for s in shapes) == 30, data["skipped"]
    solved = {f.name for f in class_of_thirty["solved"]}
    passing = [s for s in shapes if s["passes"]]
    assert len(passing) == 1 and set(passing[0]["members"]) == solved  # one comment for ten
    tampered = {f.name for f in class_of_thirty["tampered"]}
    assert all(s["status"] == "tampered" for s in shapes if set(s["members"]) & tampered)


def test_report_points_a_solved_and_a_tampered_learner(
    class_of_thirty: dict[str, list[Path]], cli: Any, tmp_path: Path
) -> None:
    config = tmp_path / "class.toml"
    config.write_text('[class]\nname = "thirty"\n[[count]]\nkatas = ["1.3"]\npoints = 10\n')
    points = {}
    for group in ("solved", "tampered"):
        folder = class_of_thirty[group][0]
        result = cli("report", "--config", str(config), "--pristine", str(folder), "--json")
        points[group] = json.loads(result.out)["total"]
    assert points == {"solved": 10, "tampered": 0}
