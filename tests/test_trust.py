"""Grades that hold: tampering with the grader, exits, leftovers, edited checks and hand-written
state never make a pass, and the instructor's pristine regrade grades only the learner's files.

Each case appends its trick to kata 1.1's stub (or replaces it with the solution plus the trick,
where a trick should not turn a pass into something else) and grades it through the CLI, as a
learner would. Kata 1.1 has nine quick checks.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from checker import __version__
from checker.cli.databases import DatabaseTarget
from checker.cli.runner.run import run_checks
from checker.plugin.guard import differences
from checker.release.integrity import Integrity
from checker.workbook.catalog import load_catalog
from tests.schema import validate_output

KATA = "katas/p1_core/k01_engine.py"
SOLUTION = "solutions/p1_core/k01_engine.py"


def _write(workbook: Path, trick: str, base: str = KATA) -> None:
    text = (workbook / base).read_text(encoding="utf-8")
    (workbook / KATA).write_text(text + "\n" + textwrap.dedent(trick), encoding="utf-8")


def _grade_two(workbook: Path, target: DatabaseTarget) -> dict[str, Any]:
    """Katas 1.1 and 1.2 in one run (1.2 solved), straight through the runner: what happens
    to the kata after a misbehaving one."""
    shutil.copy(workbook / "solutions/p1_core/k02_core_tables.py", workbook / "katas/p1_core")
    catalog = load_catalog(workbook)
    katas = [catalog.kata("1.1"), catalog.kata("1.2")]
    run = run_checks(workbook, [k for k in katas if k], target)
    return {k.kata_id: k.to_json() for k in run.katas}


def _grade(cli: Any, *args: str) -> dict[str, Any]:
    result = cli(*args, "--json")
    assert "Traceback" not in result.err, result
    data = json.loads(result.out)
    validate_output(data, "run")
    return {k["kata_id"]: k for k in data["katas"]}


TAMPERING = {
    "patched Function.runtest": """
        import _pytest.python
        _pytest.python.Function.runtest = lambda self: None
    """,
    "patched result writer": """
        from checker.plugin import stream

        _emit = stream.StreamWriter.emit

        def emit(self, type_, **fields):
            if type_ == "check":
                fields.update(outcome="passed", kind=None, message="")
            _emit(self, type_, **fields)

        stream.StreamWriter.emit = emit
    """,
    "blinded guard": """
        import _pytest.python
        from checker.plugin import guard

        guard.Guard.inspect = guard.Guard._inspect = lambda self, *args, **kwargs: False
        guard.differences = lambda before, after: []
        _pytest.python.Function.runtest = lambda self: None
    """,
    "patched makereport hook": """
        import _pytest.runner
        _original = _pytest.runner.CallInfo.from_call
        _pytest.runner.CallInfo.from_call = classmethod(
            lambda cls, func, when, reraise=None: _original(lambda: None, when, reraise)
        )
    """,
}


@pytest.mark.parametrize("trick", sorted(TAMPERING))
def test_patching_the_grader_is_tampering_never_a_pass(workbook: Path, cli: Any, trick: str):
    _write(workbook, TAMPERING[trick])
    kata = _grade(cli, "kata", "1.1")["1.1"]
    assert kata["status"] == "tampered", kata
    assert "the grader was changed" in kata["problem"]
    assert "import" in kata["problem"] or "check" in kata["problem"]


def test_a_tampering_kata_leaves_the_next_katas_graded_in_a_fresh_process(
    workbook: Path, target_db: DatabaseTarget
) -> None:
    _write(workbook, TAMPERING["patched Function.runtest"])
    katas = _grade_two(workbook, target_db)
    assert katas["1.1"]["status"] == "tampered"
    assert katas["1.2"]["status"] == "passed", katas["1.2"]  # graded with pytest unpatched


@pytest.mark.parametrize(
    ("trick", "says"),
    [
        ("import pytest\npytest.skip('done', allow_module_level=True)", "called pytest.skip()"),
        ("import sys\nsys.exit(0)", "called sys.exit()"),
        ("import os\nos._exit(0)", "ended the process while it was being imported"),
    ],
    ids=["module-level skip", "sys.exit(0)", "os._exit(0)"],
)
def test_leaving_at_import_is_broken_and_the_others_are_graded(
    workbook: Path, target_db: DatabaseTarget, trick: str, says: str
) -> None:
    _write(workbook, trick, base=SOLUTION)  # a correct solution that then leaves
    katas = _grade_two(workbook, target_db)
    assert katas["1.1"]["status"] == "broken", katas["1.1"]
    assert says in katas["1.1"]["problem"]
    assert katas["1.2"]["status"] == "passed", katas["1.2"]


def test_exiting_in_a_check_is_contained_to_its_kata(
    workbook: Path, target_db: DatabaseTarget
) -> None:
    _write(
        workbook,
        """
        import os

        def server_says_hello(engine):
            os._exit(0)
        """,
        base=SOLUTION,
    )
    katas = _grade_two(workbook, target_db)
    assert katas["1.1"]["status"] == "broken", katas["1.1"]
    assert "exit code 0" in katas["1.1"]["problem"]
    assert katas["1.2"]["status"] == "passed", katas["1.2"]


def test_a_thread_left_running_fails_its_check_and_the_run_still_ends(
    workbook: Path, cli: Any
) -> None:
    _write(
        workbook,
        """
        import threading, time

        def server_says_hello(engine, _forever=threading.Event()):
            threading.Thread(target=_forever.wait, name="lingering").start()
            with engine.connect() as connection:
                return connection.exec_driver_sql("SELECT 'hello'").scalar_one()
        """,
        base=SOLUTION,
    )
    katas = _grade(cli, "kata", "1.1")
    kata = katas["1.1"]
    assert kata["status"] == "failing", kata
    left = [c for c in kata["checks"] if c["kind"] == "left_running"]
    assert left and "thread 'lingering'" in left[0]["message"]


def test_a_process_left_running_is_stopped_and_fails_its_check(
    workbook: Path, cli: Any, tmp_path: Path
) -> None:
    marker = tmp_path / "sleeper.pid"
    _write(
        workbook,
        f"""
        import subprocess
        from pathlib import Path

        from sqlalchemy import text

        def save_note(engine, body):
            sleeper = subprocess.Popen(["sleep", "300"])
            Path({str(marker)!r}).write_text(str(sleeper.pid))
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO note (body) VALUES (:b)"), {{"b": body}})
        """,
        base=SOLUTION,
    )
    kata = _grade(cli, "kata", "1.1")["1.1"]
    assert kata["status"] == "failing", kata
    assert any(c["kind"] == "left_running" and "sleep 300" in c["message"] for c in kata["checks"])
    pid = int(marker.read_text())
    stat = Path(f"/proc/{pid}/stat")
    assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] in "ZX"


def test_running_out_of_memory_says_so(workbook: Path, cli: Any) -> None:
    _write(
        workbook,
        """
        def server_says_hello(engine):
            return bytearray(600 * 1024 * 1024)
        """,
        base=SOLUTION,
    )
    kata = _grade(cli, "kata", "1.1", "--memory-limit", "400")["1.1"]
    hello = next(c for c in kata["checks"] if "server_says_hello" in c["name"])
    assert "ran out of memory" in hello["message"], hello


def test_an_edited_check_file_is_tampered(workbook: Path, cli: Any) -> None:
    shutil.copy(workbook / SOLUTION, workbook / KATA)
    checks = workbook / "phases/p1_core/test_k01_engine.py"
    checks.write_text("def test_nothing():\n    pass\n", encoding="utf-8")
    kata = _grade(cli, "kata", "1.1")["1.1"]
    assert kata["status"] == "tampered", kata
    assert "test_k01_engine.py (edited)" in kata["problem"]
    shown = cli("kata", "1.1")
    assert "differ from release" in shown.out and shown.code == 1


def test_hand_written_state_is_not_a_pass(workbook: Path, cli: Any) -> None:
    state = workbook / ".checker" / "state.json"
    state.parent.mkdir()
    forged = {"status": "passed", "file": None, "needs_postgres": 0, "database": "SQLite"}
    state.write_text(json.dumps({"katas": {"1.1": forged}}), encoding="utf-8")
    status = json.loads(cli("status", "--json").out)
    validate_output(status, "status")
    assert status["forged"] == ["1.1"] and status["next_kata"] == "1.1"
    listed = {k["kata_id"]: k for k in json.loads(cli("list", "--json").out)["katas"]}
    assert listed["1.1"]["status"] == "tampered"
    assert "edited by hand" in listed["1.1"]["headline"]
    refused = cli("solution", "1.1")
    assert refused.code != 0 and "BEGIN SOLUTION" not in refused.out


def test_a_state_the_checker_wrote_is_trusted(workbook: Path, cli: Any) -> None:
    shutil.copy(workbook / SOLUTION, workbook / KATA)
    _grade(cli, "kata", "1.1")
    status = json.loads(cli("status", "--json").out)
    assert status["forged"] == [] and status["phases"][0]["passed"] == 1


def test_reaching_into_the_grader_is_flagged(workbook: Path, cli: Any) -> None:
    _write(workbook, "import sys\n_GRADER = sys.modules.get('checker')\n", base=SOLUTION)
    kata = _grade(cli, "kata", "1.1")["1.1"]
    assert kata["status"] == "passed"  # a flag is for a person to look at; it grades nothing
    assert any("sys.modules" in flag for flag in kata["flags"]), kata["flags"]
    status = json.loads(cli("status", "--json").out)
    assert any(
        flag.startswith("kata 1.1: katas/p1_core/k01_engine.py:") for flag in status["flags"]
    )


def test_pristine_regrade_takes_only_the_learners_kata_files(
    workbook: Path, cli: Any, tmp_path: Path
) -> None:
    """A clone where 1.1 is solved honestly, 1.2's checks are gutted, a conftest.py forces passes,
    the state claims 1.3 passed and the checker copy is edited: only 1.1 passes."""
    clone = tmp_path / "clone"
    shutil.copytree(workbook, clone)
    shutil.copy(clone / SOLUTION, clone / KATA)
    (clone / "phases/p1_core/test_k02_core_tables.py").write_text("def test_x():\n    pass\n")
    (clone / "phases/p1_core/conftest.py").write_text(
        "import pytest\n\n@pytest.hookimpl(wrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n"
        "    report = yield\n    report.outcome = 'passed'\n    return report\n"
    )
    (clone / ".checker").mkdir(exist_ok=True)
    (clone / ".checker/state.json").write_text('{"katas": {"1.3": {"status": "passed"}}}')
    (clone / "pyproject.toml").write_text(f'[project]\nname = "x"\nversion = "{__version__}"\n')
    before = sorted((p.relative_to(clone), p.read_bytes()) for p in clone.rglob("*") if p.is_file())
    result = cli("grade", "--pristine", str(clone), "--phase", "1", "--json")
    data = json.loads(result.out)
    validate_output(data, "run")
    katas = {k["kata_id"]: k["status"] for k in data["katas"]}
    assert katas["1.1"] == "passed" and result.code == 1
    assert all(status == "failing" for kata, status in katas.items() if kata != "1.1"), katas
    assert data["pristine"]["recorded_version"] == data["pristine"]["graded_with"]
    after = sorted((p.relative_to(clone), p.read_bytes()) for p in clone.rglob("*") if p.is_file())
    assert after == before  # the learner's copy is read, never written


def test_pristine_regrade_of_a_folder_without_katas_is_one_paragraph(
    workbook: Path, cli: Any, tmp_path: Path
) -> None:
    result = cli("grade", "--pristine", str(tmp_path))
    assert result.code == 2 and "has no katas/ folder" in result.err


def test_the_guard_reports_replacements_and_removals_not_additions() -> None:
    before = {"a.f": (1, 2), "a.g": (3,), "hook h": (4, 5)}
    after = {"a.f": (1, 9), "hook h": (4, 5, 6), "a.new": (7,)}
    assert differences(before, after) == [
        "a.f replaced",
        "a.g was removed",
        "hook h hook implementations changed",
    ]


def test_an_edit_touches_the_katas_it_grades() -> None:
    catalog = load_catalog(Path(__file__).resolve().parent.parent)
    found = Integrity(
        "0.5.0",
        edited=("phases/p1_core/test_k02_core_tables.py", "phases/p2_relationships/phase.toml"),
    )
    kata = {k.id: k for k in catalog.katas}
    assert found.affecting(kata["1.1"]) == []
    assert found.affecting(kata["1.2"]) == ["phases/p1_core/test_k02_core_tables.py (edited)"]
    assert found.affecting(kata["2.3"]) == ["phases/p2_relationships/phase.toml (edited)"]
    anywhere = Integrity("0.5.0", extra=("phases/p1_core/conftest.py",))
    assert anywhere.affecting(kata["4.1"]) == ["phases/p1_core/conftest.py (added)"]


def _gone(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] in "ZX"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_a_grandchild_that_escaped_its_parent_dies_with_the_process_group(
    workbook: Path, cli: Any, tmp_path: Path
) -> None:
    """`sh -c 'sleep 300 &'` leaves a sleep whose parent is gone: no check sees it as its own
    child, but it is in the grading process's group, which is killed when grading ends."""
    marker = tmp_path / "grandchild.pid"
    _write(
        workbook,
        f"""
        import subprocess

        subprocess.run(["sh", "-c", "sleep 300 & echo $! > {marker}"], check=True)
        """,
        base=SOLUTION,
    )
    _grade(cli, "kata", "1.1")
    assert _gone(int(marker.read_text()))


@pytest.mark.parametrize("warm", [False, True], ids=["subprocess", "warm fork"])
def test_ctrl_c_reaches_the_child_in_its_own_process_group(tmp_path: Path, warm: bool) -> None:
    """The child leads a process group of its own, so the terminal's Ctrl-C reaches only the
    CLI: the launcher passes it on, and the child's test run ends as interrupted, tidily."""
    import os
    import signal
    import threading

    from checker.cli.runner.launch import subprocess_launch
    from checker.cli.runner.warm import WarmRunner

    if warm and not WarmRunner.available():
        pytest.skip("no fork here")
    (tmp_path / "test_wait.py").write_text(
        textwrap.dedent(f"""
            import time
            from pathlib import Path

            def test_wait():
                Path({str(tmp_path / "started")!r}).write_text("")
                try:
                    time.sleep(60)
                except KeyboardInterrupt:
                    Path({str(tmp_path / "interrupted")!r}).write_text("")
                    raise
        """)
    )
    stream = tmp_path / "stream.jsonl"
    args = ["-p", "no:cacheprovider", "-q", str(tmp_path / "test_wait.py")]

    def interrupt_when_started() -> None:
        for _ in range(600):
            if (tmp_path / "started").exists():
                break
            threading.Event().wait(0.05)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_when_started, daemon=True).start()
    with WarmRunner() as runner, pytest.raises(KeyboardInterrupt):
        (runner.launch if warm else subprocess_launch)(args, tmp_path, stream, 120.0)
    for _ in range(100):
        if (tmp_path / "interrupted").exists():
            break
        threading.Event().wait(0.05)
    assert (tmp_path / "interrupted").exists()
