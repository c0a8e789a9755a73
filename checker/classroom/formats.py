"""A learner's `Report` in the formats other tools read: JUnit XML (CI test tabs), Markdown (a pull
request or a job summary), GitHub Classroom's autograding result and Gradescope's results.json.
Each is built from the same `Report`, so a kata's points are the same everywhere.
"""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from typing import Any

from checker.classroom.report import KataPoints, Report, rounded_points
from checker.results import (
    CHECK_ERROR,
    FAILED,
    KATA_PASSED,
    LEARNER_ERROR,
    NEEDS_POSTGRES,
    PASSED,
    SKIPPED,
    TIMED_OUT,
    CheckResult,
)


def _seconds(check: CheckResult) -> float:
    return check.timings.setup + check.timings.call + check.timings.teardown


def _kata_seconds(kata: KataPoints) -> float:
    return sum(_seconds(c) for c in kata.result.checks)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _failing(kata: KataPoints) -> list[CheckResult]:
    return [c for c in kata.result.checks if c.outcome not in (PASSED, NEEDS_POSTGRES)]


def _kata_problem(kata: KataPoints) -> str | None:
    """Why a kata that is not a pass fails beyond its checks (it does not load, was edited…)."""
    if kata.result.status == KATA_PASSED or (_failing(kata) and not kata.note):
        return None
    return kata.note or kata.result.problem or kata.result.headline


def failure_text(kata: KataPoints) -> str:
    """What a learner reads for a kata that is not a pass: its problem, then each failing check."""
    lines = [problem] if (problem := _kata_problem(kata)) else []
    for check in _failing(kata):
        lines.append(f"{check.name} ({check.outcome.replace('_', ' ')}): {check.message.strip()}")
    return "\n".join(lines)


# --- JUnit XML ------------------------------------------------------------------------------
# The de facto schema read by CI test tabs (Jenkins, GitLab, GitHub test reporters): testsuites >
# testsuite (tests, failures, errors, skipped, time) > properties + testcase (classname, name,
# time) > failure | error | skipped (message attribute, details as text).


def to_junit(report: Report) -> str:
    suites = ET.Element("testsuites", name=report.config.name)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for kata in report.katas:
        suite, counts = _junit_suite(kata)
        suites.append(suite)
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        suites.set(key, str(value))
    suites.set("time", f"{sum(_kata_seconds(k) for k in report.katas):.3f}")
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _junit_suite(kata: KataPoints) -> tuple[ET.Element, dict[str, int]]:
    result = kata.result
    suite = ET.Element("testsuite", name=f"kata {kata.kata_id}: {result.title}")
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("points", rounded_points(kata.points)),
        ("max_points", rounded_points(kata.max_points)),
        ("status", result.status),
        ("due", kata.due.isoformat() if kata.due else ""),
        ("late", str(kata.late).lower()),
    ):
        ET.SubElement(properties, "property", name=name, value=str(value))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    classname = f"kata_{kata.kata_id.replace('.', '_')}"
    if problem := _kata_problem(kata):  # a kata-level failure no single check shows
        case = ET.SubElement(suite, "testcase", classname=classname, name="kata status", time="0")
        ET.SubElement(
            case, "failure", message=_first_line(problem), type=result.status
        ).text = problem
        counts["tests"] += 1
        counts["failures"] += 1
    for check in result.checks:
        case = ET.SubElement(
            suite, "testcase", classname=classname, name=check.name, time=f"{_seconds(check):.3f}"
        )
        counts["tests"] += 1
        details = check.message.strip() + (f"\n{check.where}" if check.where else "")
        if check.outcome in (FAILED, LEARNER_ERROR, TIMED_OUT):
            element = ET.SubElement(
                case, "failure", message=_first_line(check.message), type=check.outcome
            )
            element.text = details
            counts["failures"] += 1
        elif check.outcome == CHECK_ERROR:  # the workbook's fault, not the learner's
            element = ET.SubElement(
                case, "error", message=_first_line(check.message), type=check.outcome
            )
            element.text = details
            counts["errors"] += 1
        elif check.outcome in (SKIPPED, NEEDS_POSTGRES):
            ET.SubElement(case, "skipped", message=check.message or check.outcome)
            counts["skipped"] += 1
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", f"{_kata_seconds(kata):.3f}")
    return suite, counts


# --- Markdown -------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report) -> str:
    total = f"{rounded_points(report.total)}/{rounded_points(report.max_total)}"
    credit = "partial credit per check" if report.config.partial_credit else "all or nothing"
    lines = [
        f"# {report.config.name}: {total} points",
        "",
        f"Graded {report.graded_at:%Y-%m-%d %H:%M} with workbook release "
        f"{report.workbook_version or 'unknown'} on {report.run.database} ({credit}).",
        "",
        "| Kata | Title | Status | Checks | Points | Due |",
        "| --- | --- | --- | ---: | ---: | --- |",
    ]
    for kata in report.katas:
        due = kata.due.isoformat() if kata.due else ""
        if kata.late:
            due += " **late**"
        lines.append(
            f"| {kata.kata_id} | {_cell(kata.result.title)} | {_cell(kata.result.headline)} | "
            f"{kata.result.passed_count}/{kata.applicable} | "
            f"{rounded_points(kata.points)}/{rounded_points(kata.max_points)} | {due} |"
        )
    failing = [k for k in report.katas if k.result.status != KATA_PASSED]
    if failing:
        lines += ["", "## What fails"]
    for kata in failing:
        lines += ["", f"### Kata {kata.kata_id}: {kata.result.title}", ""]
        if problem := _kata_problem(kata):
            lines += [problem, ""]
        for check in _failing(kata):
            where = f" ({check.where})" if check.where else ""
            lines.append(f"- `{check.name}` — {check.outcome.replace('_', ' ')}{where}")
            if check.message.strip():
                lines += ["", "  ```text", *("  " + m for m in check.message.strip().splitlines())]
                lines += ["  ```"]
    return "\n".join(lines) + "\n"


# --- GitHub Classroom -----------------------------------------------------------------------
# Sources (checked December 2026):
# - github-education-resources/autograding-grading-reporter, src/main.js: reads each runner's
#   output from the environment variable <RUNNER-ID>_RESULTS, base64-decodes it and parses the
#   JSON; fails the job when a runner's `status` is "fail" or "error". src/notify-classroom.js:
#   the points posted to Classroom are the sum of `tests[].score` over the sum of `max_score`.
#   src/console-results.js prints each test's `name`, `status` ("pass" or not) and `message`.
# - github-education-resources/autograding-command-grader, src/main.js: a runner's output
#   `result` is base64(JSON) of {version: 1, status, tests: [{name, status, message, test_code,
#   filename, line_no, duration}]}; classroom-resources/autograding-python-grader adds
#   `max_score` and a `score` per test. We write both `duration` (ms, the command grader's) and
#   `execution_time` (seconds).
# One test per counted kata, so that the scores add up to the points of `checker report`.


def to_classroom(report: Report) -> dict[str, Any]:
    tests = []
    for kata in report.katas:
        passed = kata.result.status == KATA_PASSED
        seconds = _kata_seconds(kata)
        tests.append(
            {
                "name": f"kata {kata.kata_id}: {kata.result.title}",
                "status": "pass" if passed else "fail",
                "score": rounded_points(kata.points),
                "message": failure_text(kata) or kata.result.headline,
                "test_code": f"checker kata {kata.kata_id}",
                "filename": kata.result.file,
                "line_no": 0,
                "execution_time": round(seconds, 3),
                "duration": round(seconds * 1000),
            }
        )
    return {
        "version": 1,
        "status": "pass" if report.all_passed else "fail",
        "max_score": rounded_points(report.max_total),
        "tests": tests,
    }


def classroom_output_line(report: Report) -> str:
    """The line a step appends to $GITHUB_OUTPUT: `result=<base64 of the JSON>`, as the graders
    do, for the reporter's `runners` input to find."""
    encoded = base64.b64encode(json.dumps(to_classroom(report)).encode()).decode()
    return f"result={encoded}\n"


# --- Gradescope -----------------------------------------------------------------------------
# Source: Gradescope's autograder specification (gradescope-autograders.readthedocs.io/en/latest/
# specs/, and gradescope/autograder_samples docs/specs.md): /autograder/results/results.json with
# a top-level `score` (overrides the tests' total when given), `execution_time` (seconds),
# `output`, and `tests`, each with `score`, `max_score`, `name`, `number`, `output`, `visibility`
# ("visible" shows it to the student at once) and, in the current spec, `status` ("passed" or
# "failed"). One test per counted kata.


def to_gradescope(report: Report) -> dict[str, Any]:
    lateness = [k.kata_id for k in report.katas if k.late]
    total = f"{rounded_points(report.total)}/{rounded_points(report.max_total)}"
    output = (
        f"{report.config.name}: {total} points, "
        f"graded with workbook release {report.workbook_version or 'unknown'} on "
        f"{report.run.database}."
    )
    if lateness:
        output += f" Late: kata {', '.join(lateness)}."
    return {
        "score": rounded_points(report.total),
        "execution_time": round(sum(_kata_seconds(k) for k in report.katas), 3),
        "output": output,
        "tests": [
            {
                "name": f"kata {kata.kata_id}: {kata.result.title}",
                "number": kata.kata_id,
                "score": rounded_points(kata.points),
                "max_score": rounded_points(kata.max_points),
                "status": "passed" if kata.result.status == KATA_PASSED else "failed",
                "output": failure_text(kata) or kata.result.headline,
                "visibility": "visible",
            }
            for kata in report.katas
        ],
    }
