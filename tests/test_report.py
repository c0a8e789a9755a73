"""The class configuration, the points it gives, `checker report` in every format, and each kata's
estimated minutes in the catalog, `list` and `status`.

Fast: the formats are built from results made in memory; only two reports grade a real kata."""

from __future__ import annotations

import base64
import json
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from checker.classroom import formats
from checker.classroom.config import ClassConfigError, load_class_config
from checker.classroom.report import build_report, kata_points
from checker.errors import CatalogError
from checker.results import (
    CHECK_ERROR,
    FAILED,
    KATA_BROKEN,
    KATA_FAILED,
    KATA_PASSED,
    KATA_TAMPERED,
    KATA_TIMEOUT,
    LEARNER_ERROR,
    NEEDS_POSTGRES,
    PASSED,
    CheckResult,
    KataResult,
    RunResult,
    Timings,
)
from checker.workbook.catalog import load_catalog
from tests.factory import module_kata, write_workbook
from tests.schema import validate_output

ROOT = Path(__file__).resolve().parent.parent
CATALOG = load_catalog(ROOT)
SOLUTION, KATA = "solutions/p1_core/k01_engine.py", "katas/p1_core/k01_engine.py"

GOOD = """
[class]
name = "Spring workshop"
partial_credit = true

[[count]]
phases = [1, 2]
points = 10

[[count]]
katas = ["1.1", "3.1"]
points = 20

[due]
"1" = "2027-01-15"
"1.2" = 2027-02-01
"""


def config_from(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "class.toml"
    path.write_text(text)
    return load_class_config(CATALOG, path)


# --- the class configuration ------------------------------------------------------------------


def test_the_configuration_counts_phases_and_katas_with_their_points_and_due_dates(tmp_path):
    config = config_from(tmp_path, GOOD)
    counted = {kata.id: points for kata, points in config.counted()}
    assert len(counted) == 9 + 7 + 1
    assert counted["1.1"] == 20, "a later [[count]] overrides an earlier one"
    assert counted["1.2"] == 10 and counted["3.1"] == 20
    assert list(counted) == [k.id for k in CATALOG.katas if k.id in counted], "catalog order"
    by_id = {kata.id: kata for kata, _ in config.counted()}
    assert config.due(by_id["1.1"]) == date(2027, 1, 15), "the phase's date"
    assert config.due(by_id["1.2"]) == date(2027, 2, 1), "a kata's own date wins (TOML date)"
    assert config.due(by_id["2.1"]) is None
    assert config.partial_credit and config.late_penalty is None and config.name


def test_the_shipped_example_is_valid_and_counts_phases_1_and_2():
    config = load_class_config(CATALOG, ROOT / ".github/classroom/class.toml")
    assert {kata.phase for kata, _ in config.counted()} == {1, 2}
    assert {points for _, points in config.counted()} == {10}
    assert config.partial_credit and config.due_dates


BAD = [
    ("[class]\nname='x'\n[[count]]\nkatas=['9.9']\npoints=1\n", "count[0].katas", "9.9"),
    ("[class]\nname='x'\n[[count]]\nphases=[12]\npoints=1\n", "count[0].phases", "phase 12"),
    ("[class]\nname='x'\n[[count]]\nphases=[7]\npoints=1\n", "count[0].phases", "no katas"),
    ("[class]\nname='x'\n[[count]]\nphases=[1]\npoints=-5\n", "count[0].points", "-5"),
    ("[class]\nname='x'\n[[count]]\nphases=[1]\npoints=true\n", "count[0].points", "True"),
    ("[class]\nname='x'\n[[count]]\nphases=[1]\n", "count[0].points", "None"),
    ("[class]\nname='x'\n[[count]]\npoints=3\n", "count[0]", "counts nothing"),
    ("[class]\nname='x'\n[[count]]\nphases=['1']\npoints=3\n", "count[0].phases", "numbers"),
    ("[class]\nname='x'\n[[count]]\nphases=[1]\npoint=3\n", "count[0].point", "not a setting"),
    ("[class]\nname='x'\n", "count", "is missing"),
    ("[[count]]\nphases=[1]\npoints=1\n", "class.name", "name the class"),
    ("[class]\nname='x'\npartial_credit='yes'\n[[count]]\nphases=[1]\npoints=1\n",
     "class.partial_credit", "true or false"),
    ("[class]\nname='x'\nlate_penalty=2\n[[count]]\nphases=[1]\npoints=1\n",
     "class.late_penalty", "from 0 to 1"),
    ("[class]\nname='x'\n[[count]]\nphases=[1]\npoints=1\n[due]\n'1'='15/01/2027'\n",
     "due.1", "ISO date"),
    ("[class]\nname='x'\n[[count]]\nphases=[1]\npoints=1\n[due]\n'1'='2027-02-30'\n",
     "due.1", "ISO date"),
    ("[class]\nname='x'\n[[count]]\nphases=[1]\npoints=1\n[due]\n'7.1'='2027-01-15'\n",
     "due.7.1", "names no phase or kata"),
    ("[class]\nname='x'\n[[count]]\nphases=[1]\npoints=1\n[grading]\n", "grading", "not a setting"),
    ("[class\nname='x'\n", "(syntax)", "not valid TOML"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "key", "words"), BAD, ids=[key for _, key, _ in BAD])
def test_a_bad_configuration_names_the_file_and_the_key(tmp_path, text, key, words):
    with pytest.raises(ClassConfigError) as error:
        config_from(tmp_path, text)
    assert error.value.key == key and words in str(error.value), str(error.value)
    assert str(error.value).startswith(str(tmp_path / "class.toml"))


def test_a_bad_or_missing_configuration_is_one_paragraph_and_exit_2(workbook, cli, tmp_path):
    (tmp_path / "bad.toml").write_text(BAD[3][0])
    result = cli("report", "--config", str(tmp_path / "bad.toml"), "--json")
    assert result.code == 2 and "bad.toml: `count[0].points`" in result.err, result
    assert "Traceback" not in result.err and result.out == ""
    result = cli("report", "--config", str(tmp_path / "none.toml"))
    assert result.code == 2 and "no class configuration at" in result.err, result
    result = cli("report", "--config", str(tmp_path / "bad.toml"), "--output", "x.xml")
    assert result.code == 2 and "--output needs a format" in result.err, result


# --- points -----------------------------------------------------------------------------------


def check(name: str, outcome: str = PASSED, message: str = "", seconds: float = 0.5) -> CheckResult:
    return CheckResult(
        id=f"phases/p1_core/test_k01_engine.py::{name}",
        kata_id="1.1",
        name=name,
        description=name,
        outcome=outcome,
        message=message,
        where="katas/p1_core/k01_engine.py:31" if outcome != PASSED else None,
        timings=Timings(0.0, seconds, 0.0),
    )


def kata(kata_id: str, status: str, *checks: CheckResult, **extra: Any) -> KataResult:
    return KataResult(kata_id, f"Kata {kata_id}", f"katas/k{kata_id}.py", status, checks, **extra)


THREE_OF_FOUR = kata(
    "1.1",
    KATA_FAILED,
    check("test_a"),
    check("test_b"),
    check("test_c"),
    check("test_d", FAILED, "expected 3 rows, got 2\nSELECT * FROM post"),
)


def test_partial_credit_is_points_times_passed_checks_over_checks():
    points = kata_points(THREE_OF_FOUR, 20, True, None, date(2027, 1, 1))
    assert points.points == 15 and not points.late
    assert kata_points(THREE_OF_FOUR, 20, False, None, date(2027, 1, 1)).points == 0
    passed = kata("1.2", KATA_PASSED, check("test_a"), check("test_b"))
    assert kata_points(passed, 20, False, None, date(2027, 1, 1)).points == 20


@pytest.mark.parametrize("status", [KATA_TAMPERED, KATA_BROKEN, KATA_TIMEOUT])
def test_tampered_broken_or_timed_out_katas_earn_nothing(status):
    result = kata("1.1", status, check("test_a"), check("test_b"), problem="why")
    points = kata_points(result, 10, True, None, date(2027, 1, 1))
    assert points.points == 0 and status in (points.note or "")


def test_checks_needing_postgres_count_for_neither_side_and_none_at_all_earns_nothing():
    result = kata("1.1", KATA_PASSED, check("test_a"), check("test_b", NEEDS_POSTGRES))
    assert kata_points(result, 10, True, None, date(2027, 1, 1)).points == 10
    only_postgres = kata("4.6", KATA_PASSED, check("test_b", NEEDS_POSTGRES), needs_postgres=1)
    points = kata_points(only_postgres, 10, True, None, date(2027, 1, 1))
    assert points.points == 0 and "--db postgres" in (points.note or "")


def test_late_is_reported_and_deducted_only_with_a_late_penalty():
    due = date(2027, 1, 15)
    on_time = kata_points(THREE_OF_FOUR, 20, True, due, date(2027, 1, 15))
    assert not on_time.late, "the due day itself is on time"
    late = kata_points(THREE_OF_FOUR, 20, True, due, date(2027, 1, 16))
    assert late.late and late.points == 15
    penalised = kata_points(THREE_OF_FOUR, 20, True, due, date(2027, 1, 16), late_penalty=0.5)
    assert penalised.points == 7.5 and "late" in (penalised.note or "")


# --- the formats, from a report made in memory ------------------------------------------------


@pytest.fixture
def report(tmp_path):
    text = (
        "[class]\nname = 'Demo class'\n[[count]]\nkatas = ['1.1', '1.2', '1.3']\npoints = 20\n"
        "[due]\n'1.3' = '2027-01-15'\n"
    )
    run = RunResult(
        "SQLite",
        (
            THREE_OF_FOUR,
            kata("1.2", KATA_PASSED, check("test_a"), check("test_b")),
            kata(
                "1.3",
                KATA_FAILED,
                check("test_a", LEARNER_ERROR, "`f()` is not written yet"),
                check("test_b", CHECK_ERROR, "fixture broke"),
                check("test_c", NEEDS_POSTGRES, "needs Postgres"),
            ),
        ),
        workbook={"version": "0.5.0", "intact": True, "changes": [], "unchecked": None},
    )
    graded_at = datetime(2027, 1, 20, 9, 30, tzinfo=UTC)
    return build_report(config_from(tmp_path, text), run, graded_at)


def test_the_report_json_validates_against_the_schema(report):
    data = report.to_json()
    validate_output(data, "report")
    assert (data["total"], data["max_total"], data["all_passed"]) == (35, 60, False)
    assert data["workbook_version"] == "0.5.0" and data["class_name"] == "Demo class"
    by_id = {k["kata_id"]: k for k in data["katas"]}
    assert by_id["1.1"]["points"] == 15 and by_id["1.2"]["points"] == 20
    assert by_id["1.3"] == by_id["1.3"] | {"points": 0, "due": "2027-01-15", "late": True}
    assert by_id["1.3"]["total_checks"] == 2, "the check that needs Postgres does not count"
    validate_output(data["run"], "run")


def test_junit_has_a_suite_per_kata_a_case_per_check_and_the_points(report):
    root = ET.fromstring(formats.to_junit(report))
    assert root.tag == "testsuites" and root.get("name") == "Demo class"
    suites = root.findall("testsuite")
    assert len(suites) == 3
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("9", "2", "1")
    assert root.get("skipped") == "1"
    first = suites[0]
    assert len(first.findall("testcase")) == 4 and first.get("failures") == "1"
    failure = first.find("testcase[@name='test_d']/failure")
    assert failure is not None and failure.get("message") == "expected 3 rows, got 2"
    assert "SELECT * FROM post" in (failure.text or "")
    props = {p.get("name"): p.get("value") for p in first.iter("property")}
    assert props["points"] == "15" and props["max_points"] == "20" and props["status"] == "failing"
    late = {p.get("name"): p.get("value") for p in suites[2].iter("property")}
    assert late["late"] == "true" and late["due"] == "2027-01-15"


def test_markdown_has_the_table_and_each_failing_check_with_its_message(report):
    text = formats.to_markdown(report)
    assert text.startswith("# Demo class: 35/60 points")
    assert "| 1.1 | Kata 1.1 | failing | 3/4 | 15/20 |  |" in text
    assert "| 1.3 | Kata 1.3 | failing | 0/2 | 0/20 | 2027-01-15 **late** |" in text
    assert "- `test_d` — failed (katas/p1_core/k01_engine.py:31)" in text
    assert "expected 3 rows, got 2" in text and "`f()` is not written yet" in text
    assert "### Kata 1.2" not in text, "a passed kata has nothing to fix"


def test_the_classroom_result_has_the_reporters_keys_and_its_scores_add_up(report):
    data = formats.to_classroom(report)
    assert (data["version"], data["status"], data["max_score"]) == (1, "fail", 60)
    assert sum(test["score"] for test in data["tests"]) == 35
    keys = {"name", "status", "score", "message", "test_code", "filename", "line_no"}
    assert all(keys <= set(test) and "execution_time" in test for test in data["tests"])
    assert [test["status"] for test in data["tests"]] == ["fail", "pass", "fail"]
    assert "expected 3 rows" in data["tests"][0]["message"]
    line = formats.classroom_output_line(report)
    assert line.startswith("result=") and line.endswith("\n")
    assert json.loads(base64.b64decode(line.removeprefix("result="))) == data


def test_the_gradescope_results_add_up(report):
    data = formats.to_gradescope(report)
    assert data["score"] == 35 == sum(test["score"] for test in data["tests"])
    assert sum(test["max_score"] for test in data["tests"]) == 60
    assert all(test["visibility"] == "visible" for test in data["tests"])
    assert [test["status"] for test in data["tests"]] == ["failed", "passed", "failed"]
    assert "Late: kata 1.3" in data["output"]


# --- end to end: the real workbook ------------------------------------------------------------


def _only_kata_1_1(folder: Path) -> Path:
    path = folder / "only-1.1.toml"
    path.write_text("[class]\nname = 'One kata'\n[[count]]\nkatas = ['1.1']\npoints = 10\n")
    return path


def test_report_json_on_the_real_workbook_gives_a_solved_kata_full_points(workbook, cli, tmp_path):
    shutil.copy(workbook / SOLUTION, workbook / KATA)
    config = _only_kata_1_1(tmp_path)
    result = cli("report", "--config", str(config), "--json")
    data = json.loads(result.out)
    validate_output(data, "report")
    assert result.code == 0, data["katas"]
    assert (data["total"], data["max_total"], data["all_passed"]) == (10, 10, True)
    assert data["katas"][0]["status"] == "passed"
    output = tmp_path / "gradescope" / "results.json"
    # The same kata, graded again, written for Gradescope.
    written = cli("report", "--config", str(config), "--gradescope", "--output", str(output))
    assert written.code == 0 and json.loads(output.read_text())["score"] == 10, written


def test_report_pristine_grades_a_learners_copy(workbook, cli, tmp_path):
    clone = tmp_path / "clone"
    shutil.copytree(workbook, clone)
    shutil.copy(clone / SOLUTION, clone / KATA)
    github_output = tmp_path / "github_output"
    github_output.write_text("earlier=1\n")
    config = str(_only_kata_1_1(tmp_path))
    result = cli("report", "--config", config, "--pristine", str(clone), "--classroom")
    data = json.loads(result.out)
    assert result.code == 0 and data["tests"][0]["score"] == 10 == data["max_score"], data
    written = cli(
        "report", "--config", config, "--pristine", str(clone), "--classroom",
        "--output", str(github_output),
    )  # fmt: skip
    assert written.code == 0, written
    earlier, line = github_output.read_text().splitlines()
    assert earlier == "earlier=1", "$GITHUB_OUTPUT is appended to, never replaced"
    assert json.loads(base64.b64decode(line.removeprefix("result=")))["status"] == "pass"


# --- minutes ----------------------------------------------------------------------------------


def test_every_kata_has_its_estimated_minutes():
    assert all(10 <= kata.minutes <= 60 for kata in CATALOG.katas)


@pytest.mark.parametrize(
    ("line", "words"),
    [("", "is missing"), ("minutes = -5", "positive"), ("minutes = 0", "positive"),
     ("minutes = 'ten'", "should be a int")],
)  # fmt: skip
def test_the_catalog_rejects_a_missing_or_negative_estimate(tmp_path, line, words):
    spec = module_kata("def f():\n    return 1\n", "def test_f(kata):\n    assert kata.f()\n")
    root = write_workbook(tmp_path, [spec])
    catalog = root / "phases/p1_demo/phase.toml"
    catalog.write_text(catalog.read_text().replace("minutes = 10", line))
    with pytest.raises(CatalogError) as error:
        load_catalog(root)
    assert error.value.key == "kata[0].minutes" and words in str(error.value), str(error.value)


def test_list_and_status_show_the_minutes(workbook, cli):
    listed = cli("list", "--json")
    data = json.loads(listed.out)
    validate_output(data, "list")
    assert data["katas"][0]["minutes"] == CATALOG.katas[0].minutes
    status = json.loads(cli("status", "--json").out)
    validate_output(status, "status")
    first = status["phases"][0]
    assert first["minutes_left"] == sum(k.minutes for k in CATALOG.phases[0].katas)
    text = cli("status").out
    hours, rest = divmod(first["minutes_left"], 60)
    assert f"~{hours} h {rest} min left" in text or f"~{hours} h left" in text, text
    assert " min " in cli("list").out
