"""Grading learners' clones for `checker class`: each with `checker grade --pristine CLONE --json`
in a child process, several at once, each inside the sandbox where this machine has one.

The child never gets the instructor's environment: it gets the sandbox's prepared one, or where
there is no sandbox a minimal one (PATH, a throwaway HOME, LANG, and the CHECKER_* settings the
grade needs). Its database URL is passed the same way, never on the command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from checker.classroom import sandbox as sandboxes
from checker.classroom.reports import BadReport, LearnerReport, Note, parse_report
from checker.cli.databases import DatabaseTarget
from checker.workbook.catalog import Catalog
from checker.workbook.kinds import LEARNER_TREE, files_of

CLONE_TIME_LIMIT = 1800.0  # seconds for one clone; every check also has its own time limit


@dataclass(frozen=True)
class Graded:
    name: str
    report: LearnerReport | None
    notes: tuple[Note, ...]
    seconds: float


def is_clone(folder: Path) -> bool:
    return (folder / LEARNER_TREE).is_dir()


def has_kata_files(catalog: Catalog, clone: Path) -> bool:
    tree = clone / LEARNER_TREE
    for kata in catalog.katas:
        files = files_of(kata)
        if files.is_package and (tree / files.entry).is_dir():
            return True
        if any((tree / name).is_file() for name in files.relative):
            return True
    return False


def git_problem(clone: Path) -> str | None:
    """What `git rev-parse` says about the clone's `.git`, when it rejects it; None when there is
    no `.git`, it is fine, or git is not installed. The learner's repository is untrusted: no
    hooks, no fsmonitor, and never a repository above it."""
    if not (clone / ".git").exists():
        return None
    try:
        found = subprocess.run(
            [
                "git",
                "-c",
                "core.fsmonitor=false",
                "-c",
                "core.hooksPath=/dev/null",
                f"--git-dir={clone / '.git'}",
                "rev-parse",
                "--verify",
                "HEAD",
            ],
            cwd=clone,
            capture_output=True,
            text=True,
            timeout=30,
            env=_minimal_env(clone, {"GIT_CEILING_DIRECTORIES": str(clone.parent)}),
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if found.returncode == 0:
        return None
    said = " ".join(found.stderr.split()) or f"exit {found.returncode}"
    return said[:300]


def _minimal_env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }
    env.update(extra)
    return env


def _checker_env(root: Path, target: DatabaseTarget) -> dict[str, str]:
    """The CHECKER_* settings the child needs: where the workbook is, the memory limit, the
    database URL. Nothing else of the instructor's environment."""
    env = {"CHECKER_ROOT": str(root), "NO_COLOR": "1"}
    if memory := os.environ.get("CHECKER_MEMORY_MB"):
        env["CHECKER_MEMORY_MB"] = memory
    if target.url:
        env["CHECKER_DATABASE_URL"] = target.url
    return env


def grade_clone(
    catalog: Catalog,
    clone: Path,
    name: str,
    target: DatabaseTarget,
    box: sandboxes.Sandbox,
    extra_args: list[str],
) -> Graded:
    import time

    started = time.monotonic()
    notes: list[Note] = []
    if problem := git_problem(clone):
        notes.append(
            Note(
                name,
                f"{clone}'s git history is broken (git says: {problem}). Its katas/ was graded "
                "anyway; only what is on disk counts, so ask the learner whether it is the work "
                "they meant to hand in.",
            )
        )
    argv = [sys.executable, "-m", "checker", "--db", target.kind, "grade", "--pristine"]
    argv += [str(clone), "--json", *extra_args]
    with tempfile.TemporaryDirectory(prefix="checker-class-") as scratch:
        home = Path(scratch)
        readable = [catalog.root, clone, Path(sys.prefix), Path(sys.base_prefix)]
        env = _checker_env(catalog.root, target)
        if box.available:
            prepared = box.wrap(argv, writable=[home], readable=readable, database_url=target.url)
            run_argv, child_env = prepared.argv, dict(prepared.env)
            if prepared.database_url:
                env["CHECKER_DATABASE_URL"] = prepared.database_url
            for key, value in {**env, "TMPDIR": str(home)}.items():
                child_env.setdefault(key, value)
        else:
            run_argv, child_env = argv, _minimal_env(home, {**env, "TMPDIR": str(home)})
        try:
            done = subprocess.run(
                run_argv,
                cwd=catalog.root,
                env=child_env,
                capture_output=True,
                text=True,
                timeout=CLONE_TIME_LIMIT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            notes.append(
                Note(
                    name,
                    f"Grading {clone} took longer than {CLONE_TIME_LIMIT:.0f} s and was "
                    "stopped; the rest of the class was still graded.",
                )
            )
            return Graded(name, None, tuple(notes), time.monotonic() - started)
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1):
        said = " ".join(done.stderr.split())[-600:] or f"exit code {done.returncode}"
        notes.append(Note(name, f"{clone} could not be graded: {said}"))
        return Graded(name, None, tuple(notes), seconds)
    try:
        report = parse_report(name, str(clone), done.stdout)
    except BadReport as exc:
        notes.append(Note(name, f"Grading {clone} gave no usable report: {exc}."))
        return Graded(name, None, tuple(notes), seconds)
    return Graded(name, report, tuple(notes), seconds)


def grade_clones(
    catalog: Catalog,
    clones: Iterable[tuple[str, Path]],
    target: DatabaseTarget,
    jobs: int,
    extra_args: list[str],
    box: sandboxes.Sandbox,
    on_done: Callable[[Graded, int, int], None] = lambda graded, done, total: None,
) -> list[Graded]:
    """Grade each clone, `jobs` at a time; `on_done` hears of each as it finishes."""
    todo = list(clones)
    results: list[Graded] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [
            pool.submit(grade_clone, catalog, clone, name, target, box, extra_args)
            for name, clone in todo
        ]
        for future in as_completed(futures):
            graded = future.result()
            results.append(graded)
            on_done(graded, len(results), len(todo))
    return results
