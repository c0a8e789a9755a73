"""The `checker` command line: parse, dispatch, and turn every known problem into one paragraph.

Exit codes: 0 everything asked passed; 1 some check failed; 2 usage or environment error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from checker import __version__
from checker.errors import CheckerError

COMMANDS = {
    "status": "show your progress, phase by phase (the default)",
    "phase": "grade every kata of a phase: checker phase 1",
    "kata": "grade one kata and show each check: checker kata 1.3 (alias: check)",
    "list": "list every kata with its last status",
    "next": "show the first kata you have not solved: what to build and what fails",
    "hint": "reveal the next hint for a kata, one more each time: checker hint 1.3",
    "show": "show a kata's instructions: checker show 1.3",
    "watch": "re-check a kata every time you save it (h hint, e edit, n next, q quit)",
    "reset": "put a kata back to its original stub (backs up your version first)",
    "backups": "list the backups of your files",
    "restore": "put a backed-up file back: checker restore 1.3 (its newest backup) or an id",
    "solution": "show a kata's reference solution and talking points, once the kata passes",
    "serve": "run a kata's app under uvicorn --reload, to try it by hand: checker serve 5.2",
    "update": "take a newer release of the workbook and keep your work",
    "review": "mentors: a kata beside the reference — diff, SQL, the mistakes it behaves like",
    "grade": "instructors: regrade a learner's kata files in a clean copy (--pristine PATH)",
    "report": "instructors: one learner's points for a class, for CI and autograders",
    "verify": "maintainers and instructors: solutions pass, stubs fail, mutants are caught",
    "stubs": "maintainers: regenerate katas/ from solutions/ (backs up changed files first)",
    "release": "maintainers: record the manifest (every file's hash) of this release",
    "edition": "instructors: write the class edition (no solutions, no answers) to a folder",
    "class": "instructors: learners' reports or clones -> an offline dashboard and a CSV",
    "bundle": "instructors: wheels and the workbook for a class offline: checker bundle OUT",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one paragraph, exit 2, no usage dump
        raise CheckerError(f"{message}. Run `{self.prog} --help` for usage.")


def _database_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("database")
    group.add_argument(
        "--db",
        choices=("sqlite", "postgres"),
        default=default,
        help="where the checks run (default: sqlite, which needs no setup)",
    )
    group.add_argument(
        "--db-url",
        default=default,
        metavar="URL",
        help="Postgres URL (default: $CHECKER_DATABASE_URL, else docker-compose.yml's)",
    )
    group.add_argument(
        "--timeout",
        type=float,
        default=argparse.SUPPRESS if suppress else None,
        metavar="SECONDS",
        help="time limit for one check (default: 5)",
    )
    group.add_argument(
        "--memory-limit",
        type=int,
        default=argparse.SUPPRESS if suppress else None,
        metavar="MB",
        help="memory the checks may use, on Linux (default: 2048; 0 for no limit)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="checker",
        description="Grade the SQLAlchemy + FastAPI katas. Edit files in katas/, then check them.",
        epilog="Start with `checker next`. "
        "Exit codes: 0 passed, 1 a check failed, 2 usage or setup error.",
    )
    parser.add_argument("--version", action="version", version=f"checker {__version__}")
    _database_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, aliases: Sequence[str] = ()) -> argparse.ArgumentParser:
        cmd = sub.add_parser(
            name, aliases=list(aliases), help=COMMANDS[name], description=COMMANDS[name]
        )
        _database_options(cmd, suppress=True)
        return cmd

    command("status").add_argument("--json", action="store_true", help="print JSON")
    phase = command("phase")
    phase.add_argument("number", help="the phase number, e.g. 1")
    phase.add_argument("--json", action="store_true", help="print JSON")
    kata = command("kata", aliases=["check"])
    kata.add_argument("kata_id", metavar="N.M", help="the kata id, e.g. 1.3")
    kata.add_argument("--json", action="store_true", help="print JSON")
    command("list").add_argument("--json", action="store_true", help="print JSON")
    command("next").add_argument(
        "--edit", action="store_true", help="also open the kata in $EDITOR"
    )
    watch = command("watch")
    watch.add_argument(
        "kata_id", metavar="N.M", nargs="?", help="the kata (default: the first unsolved)"
    )
    watch.add_argument(
        "--poll",
        action="store_true",
        help="poll for changes (for WSL on a Windows folder, network mounts, containers)",
    )
    reset = command("reset")
    which = reset.add_mutually_exclusive_group(required=True)
    which.add_argument("kata_id", metavar="N.M", nargs="?", help="the kata to reset")
    which.add_argument("--phase", metavar="N", help="every kata of a phase")
    which.add_argument("--all", action="store_true", help="every kata")
    reset.add_argument("--yes", action="store_true", help="do not ask")
    command("backups").add_argument("--json", action="store_true", help="print JSON")
    restore = command("restore")
    restore.add_argument(
        "which", metavar="N.M|ID", help="a kata id (its newest backup) or a backup id"
    )
    restore.add_argument("--yes", action="store_true", help="do not ask")
    solution = command("solution")
    solution.add_argument("kata_id", metavar="N.M", help="the kata id, e.g. 1.3")
    solution.add_argument(
        "--force", action="store_true", help="show it even though the kata does not pass yet"
    )
    command("hint").add_argument("kata_id", metavar="N.M", help="the kata id, e.g. 1.3")
    command("show").add_argument("kata_id", metavar="N.M", help="the kata id, e.g. 1.3")
    serve = command("serve")
    serve.add_argument("kata_id", metavar="N.M", help="the kata whose app to serve, e.g. 5.2")
    serve.add_argument("--port", type=int, default=8000, help="the port (default: 8000)")
    serve.add_argument(
        "--no-reload", action="store_true", help="do not restart the app when you save"
    )
    update = command("update")
    update.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="SOURCE",
        help="the newer workbook: a folder, a .zip or .tar.gz of one, or git:REF of your clone",
    )
    update.add_argument("--yes", action="store_true", help="do not ask")
    update.add_argument(
        "--dry-run", action="store_true", help="only show what would change; write nothing"
    )
    update.add_argument(
        "--force",
        action="store_true",
        help="apply a release that is not newer, or of another edition",
    )
    review = command("review")
    review.add_argument(
        "kata_id", metavar="N.M", nargs="?", help="the kata (default: the first unsolved one)"
    )
    learners = review.add_mutually_exclusive_group()
    learners.add_argument(
        "--from",
        dest="source",
        metavar="PATH",
        help="a learner's copy of the workbook: only its kata files are read",
    )
    learners.add_argument(
        "--group",
        nargs="+",
        metavar="PATH",
        help="learners' copies: group their solutions by shape (the SQL they send)",
    )
    review.add_argument(
        "--generated",
        action="store_true",
        help="also compare with the mutants generated from the solution (slower, once)",
    )
    review.add_argument("--no-mutants", action="store_true", help="with --group: grade no mutants")
    shown = review.add_mutually_exclusive_group()
    shown.add_argument("--md", action="store_true", help="print Markdown, for a pull request")
    shown.add_argument("--json", action="store_true", help="print JSON")
    regrade = command("grade")
    regrade.add_argument(
        "--pristine",
        required=True,
        metavar="PATH",
        help="the learner's copy of the workbook: only its kata files are taken",
    )
    only = regrade.add_mutually_exclusive_group()
    only.add_argument("--phase", metavar="N", help="only this phase")
    only.add_argument("--kata", metavar="N.M", dest="kata_id", help="only this kata")
    regrade.add_argument("--json", action="store_true", help="print JSON")
    report = command("report")
    report.add_argument(
        "--config",
        metavar="FILE",
        help="the class configuration (default: .github/classroom/class.toml)",
    )
    report.add_argument(
        "--pristine",
        metavar="PATH",
        help="grade a learner's copy of the workbook in a clean folder (as `checker grade`)",
    )
    form = report.add_mutually_exclusive_group()
    for flag, what in (
        ("json", "the report as JSON (the result schema's type 'report')"),
        ("junit", "JUnit XML: a test suite per kata, a test case per check"),
        ("md", "a Markdown summary"),
        ("classroom", "GitHub Classroom's autograding result (base64 `result=` with --output)"),
        ("gradescope", "Gradescope's results.json"),
    ):
        form.add_argument(f"--{flag}", dest="format", action="store_const", const=flag, help=what)
    report.add_argument(
        "--output",
        metavar="FILE",
        help="write the format to FILE instead of printing it (--classroom appends to it)",
    )
    verify = command("verify")
    verify.add_argument("--phase", metavar="N", help="only this phase")
    verify.add_argument(
        "--static",
        action="store_true",
        help="catalog and stub-sync checks only; runs no checks (seconds)",
    )
    verify.add_argument(
        "--mutate",
        action="store_true",
        help="also grade mutants generated from every solution's code, and list the survivors",
    )
    verify.add_argument("--json", action="store_true", help="print JSON")
    stubs = command("stubs")
    stubs.add_argument("--phase", metavar="N", help="only this phase")
    stubs.add_argument(
        "--check", action="store_true", help="only report stubs that are out of sync"
    )
    release = command("release")
    release.add_argument(
        "--check", action="store_true", help="only report files that differ from the manifest"
    )
    edition = command("edition")
    edition.add_argument(
        "--class",
        dest="class_out",
        metavar="OUT",
        required=True,
        help="the folder to write the class edition to (new or empty)",
    )
    board = command("class")
    board.add_argument(
        "reports",
        nargs="+",
        metavar="REPORTS",
        help="report files (--json output), folders of them, or learners' clones (with katas/)",
    )
    board.add_argument(
        "--out",
        default="class-report",
        metavar="DIR",
        help="where to write dashboard.html, progress.csv, summary.json (default: ./class-report)",
    )
    board.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="clones graded at once (default: every core)",
    )
    only_class = board.add_mutually_exclusive_group()
    only_class.add_argument("--phase", metavar="N", help="grade clones on this phase only")
    only_class.add_argument(
        "--kata", metavar="N.M", dest="kata_id", help="grade clones on this kata only"
    )
    command("bundle").add_argument(
        "out", metavar="OUT", help="the folder to write the bundle to (new or empty)"
    )
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    import os

    if args.memory_limit is not None:  # read where the grading child is started
        os.environ["CHECKER_MEMORY_MB"] = str(args.memory_limit)
    from checker.cli.dispatch import dispatch
    from checker.workbook.catalog import load_catalog
    from checker.workbook.paths import find_root

    return dispatch(load_catalog(find_root()), args)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return _dispatch(args)
    except CheckerError as exc:
        from checker.cli import render as ui

        ui.error(str(exc))
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
