"""The `checker` command line: every command, and every bad input answered in one paragraph."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.cli.main import COMMANDS
from tests.schema import validate_output

ROOT = Path(__file__).resolve().parent.parent


def solve(workbook: Path, rel: str = "p1_core/k01_engine.py") -> None:
    shutil.copy(workbook / "solutions" / rel, workbook / "katas" / rel)


def no_traceback(result) -> None:
    assert "Traceback" not in result.out + result.err, result


def test_help_lists_every_command(cli):
    with pytest.raises(SystemExit) as exit_info:
        cli("--help")
    assert exit_info.value.code == 0


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_and_is_in_the_readme(command, capsys):
    from checker.cli.main import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    assert COMMANDS[command] in capsys.readouterr().out
    assert f"checker {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_status_is_the_default_and_shows_all_phases(workbook, cli):
    result = cli()
    assert result.code == 0, result
    for title in ("Core", "Relationships", "Migrations", "Bonus"):
        assert title in result.out
    assert "coming soon" in result.out
    assert "Next: kata 1.1" in result.out
    assert cli("status").out == result.out


def test_list_shows_every_kata(workbook, cli):
    from checker.workbook.catalog import load_catalog

    result = cli("list")
    assert result.code == 0, result
    for kata in load_catalog(workbook).katas:
        assert kata.id in result.out


def test_show_prints_the_instructions(workbook, cli):
    result = cli("show", "1.1")
    assert result.code == 0, result
    assert "make_engine" in result.out and "katas/p1_core/k01_engine.py" in result.out


def test_hints_are_revealed_one_at_a_time_and_remembered(workbook, cli):
    from checker.workbook.catalog import load_catalog

    hints = load_catalog(workbook).kata("1.1").hints
    first = cli("hint", "1.1")
    assert first.code == 0 and "Hint 1/" in first.out and "Hint 2/" not in first.out, first
    second = cli("hint", "1.1")
    assert "Hint 1/" in second.out and "Hint 2/" in second.out, second
    for _ in hints:
        last = cli("hint", "1.1")
    assert "last hint" in last.out, last
    state = json.loads((workbook / ".checker" / "state.json").read_text())
    assert state["hints"]["1.1"] == len(hints)


def test_kata_on_the_stub_fails_and_says_what_to_write(workbook, cli):
    result = cli("kata", "1.1")
    assert result.code == 1, result
    assert "not written yet" in result.out
    assert "katas/p1_core/k01_engine.py" in result.out
    assert "\x1b[" not in result.out, "piped output must be plain text"


def test_check_is_an_alias_and_a_solved_kata_passes(workbook, cli):
    solve(workbook)
    result = cli("check", "1.1")
    assert result.code == 0, result
    assert "passes" in result.out
    status = cli("status")
    assert "1/" in status.out and "Next: kata 1.2" in status.out, status


def test_editing_a_passed_kata_marks_it_edited(workbook, cli):
    solve(workbook)
    assert cli("kata", "1.1").code == 0
    kata_file = workbook / "katas/p1_core/k01_engine.py"
    kata_file.write_text(kata_file.read_text() + "\n# an edit\n")
    assert "EDITED" in cli("list").out


def test_phase_grades_every_kata(workbook, cli):
    from checker.workbook.catalog import load_catalog

    result = cli("phase", "1")
    assert result.code == 1, result
    for kata in load_catalog(workbook).phase(1).katas:
        assert kata.id in result.out
    assert "Next: kata 1.1" in result.out


def test_next_shows_instructions_and_failing_checks(workbook, cli):
    solve(workbook)
    result = cli("next")
    assert result.code == 1, result
    assert "Kata 1.1 already passes" in result.out
    assert "Kata 1.2" in result.out and "katas/p1_core/k02_" in result.out
    assert "FAIL" in result.out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("kata", "9.9"), "There is no kata '9.9'"),
        (("kata", "one"), "Kata ids look like 1.3"),
        (("hint", "1.99"), "checker list"),
        (("phase", "12"), "There is no phase '12'"),
        (("phase", "7"), "has no katas yet"),
        (("verify", "--phase", "x"), "There is no phase 'x'"),
        (("frobnicate",), "invalid choice"),
        (("kata",), "required"),
        (
            ("kata", "1.1", "--db", "sqlite", "--db-url", "postgresql://x@y/z"),
            "--db-url is for Postgres",
        ),
        (("kata", "1.1", "--db-url", "sqlite:///x.db"), "is not a PostgreSQL URL"),
        (("kata", "1.1", "--db-url", "mysql://x@y/z"), "is not a PostgreSQL URL"),
    ],
)
def test_bad_input_gets_one_paragraph_and_exit_2(workbook, cli, args, expected):
    result = cli(*args)
    assert result.code == 2, result
    assert expected in result.err, result
    assert "Available" in result.err or "usage" in result.err or expected in result.err
    no_traceback(result)


def test_postgres_down_names_the_url_and_the_fix(workbook, cli):
    result = cli(
        "kata",
        "1.1",
        "--db",
        "postgres",
        "--db-url",
        "postgresql://learner:secret@127.0.0.1:1/nowhere",
    )
    assert result.code == 2, result
    assert "127.0.0.1:1/nowhere" in result.err
    assert "secret" not in result.err, "the password must not be printed"
    assert "docker compose up -d" in result.err
    no_traceback(result)


def test_malformed_phase_toml_names_file_and_key(workbook, cli):
    catalog = workbook / "phases/p1_core/phase.toml"
    catalog.write_text(catalog.read_text().replace('title = "The engine', 'titel = "The engine', 1))
    result = cli("list")
    assert result.code == 2, result
    assert "phases/p1_core/phase.toml" in result.err and "kata[0].title" in result.err
    no_traceback(result)
    catalog.write_text("[[kata]\nid = ")
    result = cli("status")
    assert result.code == 2 and "is not valid TOML" in result.err, result


def test_syntax_error_in_a_kata_is_file_line_and_message(workbook, cli):
    kata_file = workbook / "katas/p1_core/k01_engine.py"
    kata_file.write_text(kata_file.read_text().replace("def make_engine(", "def make_engine(:", 1))
    result = cli("kata", "1.1")
    assert result.code == 1, result
    assert "katas/p1_core/k01_engine.py:" in result.out and "SyntaxError" in result.out
    assert "broken" in result.out.lower()
    no_traceback(result)


def test_exception_at_import_is_reported_with_its_line(workbook, cli):
    kata_file = workbook / "katas/p1_core/k01_engine.py"
    lines = kata_file.read_text().splitlines()
    lines.append("undefined_name + 1")
    kata_file.write_text("\n".join(lines) + "\n")
    result = cli("kata", "1.1", "--json")
    data = json.loads(result.out)
    kata = data["katas"][0]
    assert kata["status"] == "broken"
    assert f"katas/p1_core/k01_engine.py:{len(lines)}: NameError" in kata["problem"]


def _make_hang(workbook: Path, ignore_alarm: bool) -> None:
    kata_file = workbook / "katas/p1_core/k01_engine.py"
    solve(workbook)
    body = "    while True:\n        pass\n"
    if ignore_alarm:  # defeats pytest-timeout's signal: only the runner's backstop can stop it
        body = "    import signal\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n" + body
    text = kata_file.read_text().replace(
        '    """Run SELECT \'hello\' on a pooled connection that is returned when done."""\n',
        '    """Run SELECT \'hello\' on a pooled connection that is returned when done."""\n'
        + body,
    )
    kata_file.write_text(text)


def test_a_hanging_kata_is_stopped_and_the_others_still_graded(workbook, cli):
    _make_hang(workbook, ignore_alarm=False)
    solve(workbook, "p1_core/k02_core_tables.py") if (
        workbook / "solutions/p1_core/k02_core_tables.py"
    ).exists() else None
    result = cli("phase", "1", "--timeout", "1", "--json")
    validate_output(json.loads(result.out), "run")
    katas = {k["kata_id"]: k for k in json.loads(result.out)["katas"]}
    assert katas["1.1"]["status"] == "timeout", katas["1.1"]
    assert "time limit" in katas["1.1"]["problem"]
    assert all(k["status"] != "not run" for k in katas.values()), "every other kata is graded"


def test_a_hang_that_ignores_the_alarm_is_killed_by_the_backstop(workbook, cli):
    _make_hang(workbook, ignore_alarm=True)
    result = cli("phase", "1", "--timeout", "0.5", "--json")
    katas = {k["kata_id"]: k for k in json.loads(result.out)["katas"]}
    assert katas["1.1"]["status"] == "timeout", katas["1.1"]
    others = [k for k in katas.values() if k["kata_id"] != "1.1"]
    assert all(k["status"] != "not run" and k["checks"] for k in others), others
    before = [c["outcome"] for c in katas["1.1"]["checks"]]
    assert before[:4] == ["passed"] * 4, "a kill loses nothing the child already reported"


def test_kata_json_matches_the_schema(workbook, cli):
    data = json.loads(cli("kata", "1.1", "--json").out)
    validate_output(data, "run")
    kata = data["katas"][0]
    assert kata["kata_id"] == "1.1" and kata["status"] == "failing"
    assert kata["checks"][0]["kata_id"] == "1.1"


def test_status_and_list_json(workbook, cli):
    status = json.loads(cli("status", "--json").out)
    validate_output(status, "status")
    assert [p["number"] for p in status["phases"]] == list(range(1, 9))
    listed = json.loads(cli("list", "--json").out)
    validate_output(listed, "list")
    assert listed["katas"][0] == {
        "kata_id": "1.1",
        "title": listed["katas"][0]["title"],
        "topics": ["engine"],
        "db": "any",
        "kind": "module",
        "file": "katas/p1_core/k01_engine.py",
        "status": "not run",
        "headline": "not run",
        "minutes": listed["katas"][0]["minutes"],
    }
    assert listed["katas"][0]["minutes"] > 0


def test_verify_static_is_quick_and_ends_with_a_summary(workbook, cli):
    result = cli("verify", "--static")
    assert result.code == 0, result
    last = result.out.strip().splitlines()[-1]
    assert last.startswith("katas: ") and "all good" in last


def test_stubs_check_and_regenerate_with_backup(workbook, cli):
    assert cli("stubs", "--check").code == 0
    solve(workbook)
    check = cli("stubs", "--check")
    assert check.code == 1 and "katas/p1_core/k01_engine.py" in check.out, check
    static = cli("verify", "--static")
    assert static.code == 1 and "out of sync" in static.out, static
    written = cli("stubs")
    assert written.code == 0 and "backed up" in written.out, written
    backups = list((workbook / ".checker" / "backups").rglob("k01_engine.py"))
    assert (
        backups
        and backups[0].read_text() == (workbook / "solutions/p1_core/k01_engine.py").read_text()
    )
    assert cli("stubs", "--check").code == 0


def test_python_dash_m_checker_works(workbook):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "checker", "list"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1.1" in done.stdout


def test_verify_json_matches_the_schema(workbook, cli):
    data = json.loads(cli("verify", "--static", "--json").out)
    validate_output(data, "verify")
    assert data["ok"] and data["katas"][0]["kata_id"] == "1.1"
