"""The learner's loop: reset, backups and restore, solutions after passing, the editor hand-off,
the warm runner and watch mode."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from checker.cli.databases import DatabaseTarget
from checker.cli.editor import editor_command
from checker.cli.runner.run import run_checks
from checker.cli.runner.warm import WarmRunner
from checker.workbook.catalog import load_catalog
from tests.schema import validate_output

KATA = "katas/p1_core/k01_engine.py"
SOLUTION = "solutions/p1_core/k01_engine.py"


def solve(workbook: Path) -> None:
    shutil.copy(workbook / SOLUTION, workbook / KATA)


def test_reset_backs_up_then_restores_the_stub(workbook, cli):
    solve(workbook)
    mine = (workbook / KATA).read_text()
    result = cli("reset", "1.1", "--yes")
    assert result.code == 0 and "backed up" in result.out, result
    assert "NotImplementedError" in (workbook / KATA).read_text()
    backups = json.loads(cli("backups", "--json").out)
    validate_output(backups, "backups")
    listed = backups["backups"]
    assert [b["files"] for b in listed] == [[KATA]]
    restored = cli("restore", "1.1", "--yes")
    assert restored.code == 0, restored
    assert (workbook / KATA).read_text() == mine
    # the stub that the restore replaced was itself backed up: nothing is ever lost
    assert len(json.loads(cli("backups", "--json").out)["backups"]) == 2


def test_reset_without_a_terminal_asks_for_yes(workbook, cli, monkeypatch):
    solve(workbook)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    result = cli("reset", "--all")
    assert result.code == 2 and "--yes" in result.err, result
    assert "NotImplementedError" not in (workbook / KATA).read_text(), "nothing changed"


def test_reset_an_untouched_kata_changes_nothing(workbook, cli):
    result = cli("reset", "--phase", "1", "--yes")
    assert result.code == 0 and "Nothing to reset" in result.out, result
    assert not (workbook / ".checker" / "backups").exists()


def test_restore_of_an_unknown_backup_explains(workbook, cli):
    result = cli("restore", "2099")
    assert result.code == 2 and "No backup matches '2099'" in result.err, result


def test_solution_is_shown_only_after_passing(workbook, cli):
    refused = cli("solution", "1.1")
    assert refused.code == 2 and "does not pass yet" in refused.err, refused
    solve(workbook)
    assert cli("kata", "1.1").code == 0
    shown = cli("solution", "1.1")
    assert shown.code == 0 and "pool_pre_ping=True" in shown.out and "Talking points" in shown.out
    assert cli("solution", "1.2", "--force").code == 0


def test_editor_commands_put_the_cursor_on_the_first_todo(workbook):
    from checker.workbook.kinds import files_of

    path, line = files_of(load_catalog(workbook).kata("1.1")).first_todo(workbook / "katas")
    assert path == workbook / KATA
    assert "TODO" in path.read_text().splitlines()[line - 1]
    assert editor_command(path, 7, {"EDITOR": "vim"}) == ["vim", "+7", str(path)]
    assert editor_command(path, 7, {"EDITOR": "code --wait"}) == [
        "code",
        "--wait",
        "-g",
        f"{path}:7",
    ]
    assert editor_command(path, 7, {"VISUAL": "subl", "EDITOR": "vi"}) == ["subl", f"{path}:7"]
    assert editor_command(path, 7, {"EDITOR": "myeditor"}) == ["myeditor", str(path)]


def test_next_edit_opens_the_editor(workbook, cli, monkeypatch, tmp_path):
    log = tmp_path / "opened"
    script = tmp_path / "fake-editor"
    script.write_text(f'#!/bin/sh\necho "$@" > {log}\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    result = cli("next", "--edit")
    assert result.code == 1, result
    assert log.read_text().strip().endswith("k01_engine.py")


@pytest.mark.skipif(not WarmRunner.available(), reason="the warm runner needs fork")
def test_warm_runner_sees_every_edit_and_survives_a_crash(workbook):
    catalog = load_catalog(workbook)
    kata = catalog.kata("1.1")
    target = DatabaseTarget("sqlite")
    with WarmRunner(1) as warm:
        first = run_checks(workbook, [kata], target, launch=warm.launch).katas[0]
        assert first.status == "failing"
        solve(workbook)
        assert run_checks(workbook, [kata], target, launch=warm.launch).katas[0].status == "passed"
        path = workbook / KATA
        path.write_text(path.read_text() + "\nimport os\nos._exit(9)\n")  # kills the child outright
        crashed = run_checks(workbook, [kata], target, launch=warm.launch)
        assert crashed.katas[0].status != "passed"
        solve(workbook)
        assert run_checks(workbook, [kata], target, launch=warm.launch).katas[0].status == "passed"


def test_watch_session_coalesces_saves_into_one_run(workbook):
    from checker.cli.commands.watch import CHANGE, KEY, WatchSession
    from checker.cli.runner.launch import subprocess_launch

    catalog = load_catalog(workbook)
    verdicts = []
    session = WatchSession(
        catalog,
        catalog.kata("1.1"),
        DatabaseTarget("sqlite"),
        5.0,
        subprocess_launch,
        on_verdict=lambda result, started: verdicts.append(result.status),
    )
    for _ in range(5):  # five saves while a run was in progress
        session.events.put((CHANGE, (time.perf_counter(), [KATA])))
    session.events.put((KEY, "h"))
    changed_at, keys = session.drain()
    assert changed_at is not None and keys == ["h"]
    session.run(changed_at)
    assert verdicts == ["failing"], "one run for five saves"
    solve(workbook)
    session.run()
    assert verdicts[-1] == "passed"
    assert session.next_kata().id == "1.2"
