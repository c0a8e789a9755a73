"""What the plugin knows for one pytest run: which files it grades, the databases, the capture,
the stream, and the modules it has imported."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import pytest

from checker.plugin.capture import Capture
from checker.plugin.containment import Leftovers
from checker.plugin.guard import Guard
from checker.plugin.isolation import Databases
from checker.plugin.loading import KataLoadError, KataModule, display_path, load_module
from checker.plugin.stream import StreamWriter
from checker.workbook.catalog import Catalog, Kata, load_catalog
from checker.workbook.kinds import LEARNER_TREE, SOLUTION_TREE, files_of

KATA, REFERENCE = "kata", "reference"
# The exit code of a child that stopped because the learner's code changed the grader: whatever
# ran after that could not be trusted, so the katas left are graded in a fresh child.
TAMPERED_EXIT = 86
_exit = os._exit  # taken before any learner code runs, which may replace os._exit


def _pairs(items: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise pytest.UsageError(f"{option} wants ID=VALUE, not {item!r}")
        pairs[key] = value
    return pairs


@functools.cache
def _catalog(root: Path) -> Catalog:
    return load_catalog(root)


@functools.cache  # asked several times for every check: resolve and look it up once per file
def kata_of(check_file: Path) -> tuple[Kata, Path]:
    """The kata a check file grades, and the workbook it belongs to (phases/pN_x/test_kMM_y.py)."""
    root = check_file.resolve().parent.parent.parent
    relative = check_file.resolve().relative_to(root).as_posix()
    for kata in _catalog(root).katas:
        if files_of(kata).checks == relative:
            return kata, root
    raise pytest.UsageError(
        f"{relative} grades no kata of the catalog: add its [[kata]] entry to the phase's "
        "phase.toml (a check file is phases/pN_slug/test_kMM_slug.py)."
    )


class RunState:
    def __init__(self, config: pytest.Config) -> None:
        option = config.option
        self.kata_root = Path(option.kata_root).resolve() if option.kata_root else None
        self.trees = {
            k: Path(v).resolve() for k, v in _pairs(option.kata_tree, "--kata-tree").items()
        }
        self.timeouts = {
            k: float(v) for k, v in _pairs(option.kata_timeout, "--kata-timeout").items()
        }
        self.databases = Databases(option.checker_db, option.checker_db_url)
        self.capture = Capture()
        self.stream = StreamWriter(Path(option.checker_stream) if option.checker_stream else None)
        self.first_failure_only = bool(option.checker_first_failure)
        self.first_checks = _pairs(option.kata_first_check, "--kata-first-check")
        self.failed_katas: set[str] = set()
        self.announced: set[str] = set()
        self.learner_called = False
        self.exchanges: list[dict[str, object]] = []  # the current check's HTTP requests
        self.rerunning_on_reference = False
        self.reference_passed = False
        self.modules: dict[tuple[str, str], KataModule | KataLoadError] = {}
        self.guard: Guard | None = None  # set once the session starts, before any learner code
        self.leftovers = Leftovers()
        self.exitstatus = 0

    def learner_tree(self, kata: Kata, root: Path) -> Path:
        return self.trees.get(kata.id) or self.kata_root or root / LEARNER_TREE

    def learner_code(self, kata: Kata, root: Path) -> Path:
        """The file or package folder being graded as the learner's code in this check."""
        tree = (
            root / SOLUTION_TREE if self.rerunning_on_reference else self.learner_tree(kata, root)
        )
        return tree / files_of(kata).entry

    def mark_learner_called(self) -> None:
        self.learner_called = True

    def module(self, kata: Kata, root: Path, role: str) -> KataModule | KataLoadError:
        """The kata's module (role KATA) or its solution (REFERENCE), imported once a run."""
        key = (kata.id, role)
        if key in self.modules:
            return self.modules[key]
        files = files_of(kata)
        if role == REFERENCE:
            path, name = root / SOLUTION_TREE / files.entry, files.module_name(SOLUTION_TREE)
        else:
            path, name = (
                self.learner_tree(kata, root) / files.entry,
                files.module_name(LEARNER_TREE),
            )
        shown = display_path(path, root) + ("/" if files.is_package else "")
        if role == KATA:  # a child that dies from here on died importing the learner's code
            self.stream.emit("load_start", kata_id=kata.id)
        try:
            loaded: KataModule | KataLoadError = KataModule(
                load_module(path, name, root), shown, self.mark_learner_called
            )
        except KataLoadError as exc:
            loaded = exc
        self.modules[key] = loaded
        if role == KATA and kata.id not in self.announced:
            self.announced.add(kata.id)
            error = str(loaded) if isinstance(loaded, KataLoadError) else None
            self.stream.emit("kata", kata_id=kata.id, file=shown, load_error=error)
            self.check_tampering(kata.id, "import")
        return loaded

    def check_tampering(self, kata_id: str, when: str, check_id: str | None = None) -> None:
        """If the learner's code has changed the grader, report it and end this child now: its
        later results could not be trusted. The parent grades the katas left in a fresh one."""
        if self.guard is None or self.rerunning_on_reference:
            return
        if self.guard.inspect(kata_id, when, check_id):
            try:
                self.databases.stop()
            finally:
                self.exit_now(TAMPERED_EXIT)

    def exit_now(self, code: int) -> None:
        """End the process at once (flushing what pytest printed), skipping Python's shutdown."""
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        _exit(code)

    def stop(self) -> None:
        self.databases.stop()
        self.stream.close()
