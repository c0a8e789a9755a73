"""Kata kinds: which files make up a kata. One module per kind in this package.

A kind module defines a subclass of `Kind` (with a unique `name`); it is found by scanning this
package, so adding a kind is adding a module: nothing else in the checker names the kinds. The
rest of the checker asks `files_of(kata)` for a `KataFiles`, the one place that knows a kata's
files: where they are in `katas/` and `solutions/`, the stubs generated from them, the mutants
applied to them, their fingerprint, what the plugin imports, and where the first TODO is.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, ClassVar

from checker.errors import CheckerError
from checker.workbook.markers import count_regions, make_stub
from checker.workbook.mutants import apply_mutant

if TYPE_CHECKING:
    from checker.workbook.catalog import Kata, Mutant

LEARNER_TREE, SOLUTION_TREE, CHECKS_TREE = "katas", "solutions", "phases"
# The class edition has no solutions/: it ships each phase's pristine stubs here instead, in
# `phases/<phase_dir>/stubs/` at their paths relative to `katas/<phase_dir>/`, so that
# `checker reset` works without the answers. Inside phases/ because that is the part of the
# workbook learners never edit and whose files the release's integrity check already covers (an
# edited stub there is reported as an edited grader file), and in a folder of its own because
# pytest, given a check file, puts the check's folder on sys.path: a `kMM_slug` module there
# could shadow the kata's own name. Never collected as checks (`kMM_slug.py`, not `test_*.py`).
PRISTINE_FOLDER = "stubs"


class Kind:
    """What a kind decides. Paths are relative to a tree (`katas/`, `solutions/`, or a copy)."""

    name: ClassVar[str]
    # Whether the catalog entry must list the kata's files (a package) or they follow from its
    # slug (a module).
    lists_files: ClassVar[bool] = False

    def files(self, kata: Kata) -> tuple[str, ...]:
        """Every file of the kata, relative to a tree."""
        raise NotImplementedError

    def entry(self, kata: Kata) -> str:
        """What the plugin imports as the kata's module: a file, or a package folder."""
        raise NotImplementedError

    def instructions_file(self, kata: Kata) -> str:
        """The file whose docstring is the kata's instructions."""
        return self.files(kata)[0]

    def check_listed_files(self, files: tuple[str, ...]) -> str | None:
        """A problem with the catalog's `files` list, or None."""
        return None

    def answer_files(self, kata: Kata) -> tuple[str, ...]:
        """Files beside the kata's own that give its answers away (relative to the workbook
        root), which the class edition leaves out: a kind whose learners write tests ships the
        buggy implementations their tests must catch, say. Solutions are left out anyway."""
        return ()


@cache
def kinds() -> dict[str, Kind]:
    """Every kind, by name: one instance of each `Kind` subclass defined in this package."""
    found: dict[str, Kind] = {}
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    pending = list(Kind.__subclasses__())
    while pending:  # a kind may build on another (alembic on package)
        subclass = pending.pop()
        found[subclass.name] = subclass()
        pending.extend(subclass.__subclasses__())
    return found


@dataclass(frozen=True)
class KataFiles:
    """A kata's files, for every command: stubs, verify, reset, backups, watch, solution, the
    editor hand-off, progress and the plugin's loading and statement capture."""

    kata: Kata
    kind: Kind

    @property
    def relative(self) -> tuple[str, ...]:
        return self.kind.files(self.kata)

    @property
    def entry(self) -> str:
        return self.kind.entry(self.kata)

    @property
    def checks(self) -> str:
        """The check file, relative to the workbook root."""
        return f"{CHECKS_TREE}/{self.kata.phase_dir}/test_{self.kata.stem}.py"

    @property
    def is_package(self) -> bool:
        return not self.entry.endswith(".py")

    def module_name(self, tree: str = LEARNER_TREE) -> str:
        """The importable name the kata's module is registered under (`katas.p1_core.k01_x`)."""
        return ".".join((tree, *PurePosixPath(self.entry).with_suffix("").parts))

    def paths(self, tree: Path) -> list[Path]:
        return [tree / name for name in self.relative]

    def shown(self, tree_name: str = LEARNER_TREE) -> str:
        """How the learner sees where the kata lives: its file, or its folder with a slash."""
        return f"{tree_name}/{self.entry}" + ("/" if self.is_package else "")

    def read(self, tree: Path) -> dict[str, str]:
        """Every file's text, by relative name; a missing file is left out."""
        texts = {}
        for name, path in zip(self.relative, self.paths(tree), strict=True):
            if path.exists():
                texts[name] = path.read_text(encoding="utf-8")
        return texts

    def missing(self, tree: Path) -> list[str]:
        return [
            name
            for name, path in zip(self.relative, self.paths(tree), strict=True)
            if not path.exists()
        ]

    def stubs(self, root: Path) -> dict[str, str]:
        """The learner's files generated from the solution's (raises MarkerError); in the class
        edition, which has no solutions/, the pristine stubs it ships."""
        if not (root / SOLUTION_TREE).is_dir():
            return self.pristine_stubs(root)
        return {name: make_stub(text) for name, text in self.read(root / SOLUTION_TREE).items()}

    def pristine_name(self, name: str) -> str:
        """Where the class edition keeps the stub of one of the kata's files (`name`, relative
        to a tree), relative to the workbook root: `phases/p1_core/stubs/k01_engine.py`."""
        inside_phase = PurePosixPath(name).relative_to(self.kata.phase_dir)
        return f"{CHECKS_TREE}/{self.kata.phase_dir}/{PRISTINE_FOLDER}/{inside_phase}"

    def pristine_stubs(self, root: Path) -> dict[str, str]:
        """The stubs the class edition ships, by relative name (CheckerError if one is gone:
        a reset must never hand back a kata with a file missing)."""
        texts = {}
        for name in self.relative:
            path = root / self.pristine_name(name)
            try:
                texts[name] = path.read_text(encoding="utf-8")
            except OSError:
                raise CheckerError(
                    f"{self.pristine_name(name)}, the original stub of kata {self.kata.id}, is "
                    "missing from this class edition of the workbook, so the kata's stub cannot "
                    "be rebuilt. Put the file back from the edition's repository (`git checkout "
                    f"-- {CHECKS_TREE}`) and try again."
                ) from None
        return texts

    def regions(self, root: Path) -> int:
        return sum(count_regions(text) for text in self.read(root / SOLUTION_TREE).values())

    def file_named(self, name: str | None) -> str:
        """A file by the name the catalog gives it (relative to the kata: `main.py`), relative to
        a tree; no name means the kata's first file (a module kata's only one)."""
        if name is None:
            return self.relative[0]
        base = PurePosixPath(self.entry)
        return str(base / name) if self.is_package else str(base.parent / name)

    def name_of(self, tree_file: str) -> str:
        """The catalog's name for one of the kata's files: the inverse of `file_named`."""
        path = PurePosixPath(tree_file)
        return str(path.relative_to(self.entry)) if self.is_package else path.name

    def mutant_file(self, mutant: Mutant) -> str:
        """The file a named mutant edits: its `file`, relative to the kata, or the only file."""
        return self.file_named(mutant.file)

    def mutated(self, root: Path, mutant: Mutant) -> dict[str, str]:
        """Every solution file, with `mutant` applied to the one it names (raises MutantError)."""
        texts = self.read(root / SOLUTION_TREE)
        name = self.mutant_file(mutant)
        texts[name] = apply_mutant(texts.get(name, ""), mutant)
        return texts

    def write(self, tree: Path, texts: dict[str, str]) -> Path:
        """Write `texts` into `tree` at the kata's paths; returns what the plugin imports."""
        for name, text in texts.items():
            path = tree / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tree / self.entry

    def fingerprint(self, tree: Path) -> str | None:
        """A short hash of the kata's files in `tree` (None if one is missing)."""
        digest = hashlib.sha256()
        try:
            for path in self.paths(tree):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
        except OSError:
            return None
        return digest.hexdigest()[:16]

    def owns(self, path: Path, tree: Path) -> bool:
        """Whether `path` is one of the kata's files in `tree` (watch mode: a save that counts)."""
        resolved = path.resolve()
        return any(resolved == candidate.resolve() for candidate in self.paths(tree))

    def instructions(self, root: Path) -> str:
        """The kata's instructions: its solution's docstring (the stub carries the same one), or
        in the class edition, which has no solutions/, the docstring of its pristine stub."""
        name = self.kind.instructions_file(self.kata)
        solution = root / SOLUTION_TREE / name
        path = solution if solution.is_file() else root / self.pristine_name(name)
        try:
            docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        except (OSError, SyntaxError):
            docstring = None
        return docstring or self.kata.title

    def first_todo(self, tree: Path) -> tuple[Path, int]:
        """Where the work starts: the first `# TODO` (or unwritten part) in the kata's files."""
        for path in self.paths(tree):
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            for number, line in enumerate(lines, start=1):
                if "# TODO" in line or "NotImplementedError" in line:
                    return path, number
        return tree / self.kind.instructions_file(self.kata), 1


def files_of(kata: Kata) -> KataFiles:
    return KataFiles(kata, kinds()[kata.kind])
