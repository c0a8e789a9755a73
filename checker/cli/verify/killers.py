"""Which check caught each mutant last time (.checker/verify-killers.json), so that the next
`checker verify` runs that check first and skips the rest once it fails — mutmut's trick. Without
the file (a fresh clone) every check runs in its file's order until one fails, as before; a stale
entry (a check renamed) only costs that speed-up."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from checker.cli.state.atomic import write_json_atomic
from checker.results import PASSED, SKIPPED, KataResult, RunResult
from checker.workbook.catalog import Kata
from checker.workbook.kinds import SOLUTION_TREE, files_of
from checker.workbook.paths import state_dir

_FILE = "verify-killers.json"


def mutant_round(index: int) -> str:
    """The name of verify's round that grades every kata's index-th named mutant."""
    return f"mutant{index}"


def mutant_index(round_name: str) -> int:
    return int(round_name.removeprefix("mutant"))


@dataclass
class Killers:
    """kata id -> mutant key -> the check that caught it last time. A named mutant's key is its
    name; a generated one's is its identity (`generated:` + file, function, operator, …)."""

    root: Path
    by_kata: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Killers:
        try:
            data = json.loads((state_dir(root) / _FILE).read_text(encoding="utf-8"))
            by_kata = {str(k): {str(m): str(c) for m, c in v.items()} for k, v in data.items()}
        except (OSError, ValueError, AttributeError):
            by_kata = {}  # none yet, or damaged: it is only a cache
        return cls(root, by_kata)

    def order(self, kata: Kata, key: str, file: str, line: int) -> str:
        """The checks to run first against one mutant of `kata`, comma-separated (may be empty):
        the one that caught it last time if known, else the likeliest (`likely_killers`) for an
        edit at `line` of the solution's `file` (relative to the tree)."""
        known = self.by_kata.get(kata.id, {}).get(key)
        if known:
            return known
        files = files_of(kata)
        solution = files.read(self.root / SOLUTION_TREE).get(file, "")
        try:
            checks = (self.root / files.checks).read_text(encoding="utf-8")
        except OSError:
            return ""
        return ",".join(likely_killers_at(solution, line, checks))

    def first_checks(self, katas: list[Kata], index: int) -> dict[str, str]:
        """For each kata with an index-th named mutant: the checks to run first."""
        first = {}
        for kata in katas:
            if index >= len(kata.mutants):
                continue
            mutant = kata.mutants[index]
            file = files_of(kata).mutant_file(mutant)
            solution = files_of(kata).read(self.root / SOLUTION_TREE).get(file, "")
            line = solution[: max(0, solution.find(mutant.find))].count("\n") + 1
            if order := self.order(kata, mutant.name, file, line):
                first[kata.id] = order
        return first

    def caught(self, kata_id: str, key: str, result: KataResult | None) -> None:
        """Remember the first check that failed on a mutant (if one did)."""
        failing = (
            [c.name for c in result.checks if c.outcome not in (PASSED, SKIPPED)] if result else []
        )
        if failing:
            self.by_kata.setdefault(kata_id, {})[key] = failing[0]

    def remember(self, katas: list[Kata], outcome: dict[str, RunResult]) -> None:
        for kata in katas:
            for index, mutant in enumerate(kata.mutants):
                run = outcome.get(mutant_round(index))
                self.caught(kata.id, mutant.name, run.find(kata.id) if run else None)
        self.save()

    def save(self) -> None:
        write_json_atomic(state_dir(self.root) / _FILE, self.by_kata)


def likely_killers(solution: str, find: str, checks: str) -> list[str]:
    """`likely_killers_at` for the line where `find` first occurs in the solution."""
    if find not in solution:
        return []
    return likely_killers_at(solution, solution[: solution.index(find)].count("\n") + 1, checks)


def likely_killers_at(solution: str, line: int, checks: str) -> list[str]:
    """Without a cached killer: the checks most likely to catch a mutant at `line`, most likely
    first — those that use the function or class the mutant edits (directly, then through a
    fixture). Read from the source, so a fresh clone's first `verify` skips most checks of most
    mutants too."""
    try:
        edited = _names_around(ast.parse(solution), line)
        tree = ast.parse(checks)
    except (SyntaxError, ValueError):
        return []
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]

    def mentions(node: ast.AST) -> bool:
        return any(
            isinstance(n, ast.Attribute)
            and n.attr in edited
            or isinstance(n, ast.Name)
            and n.id in edited
            for n in ast.walk(node)
        )

    fixtures = {f.name for f in functions if not f.name.startswith("test") and mentions(f)}
    direct = [f.name for f in functions if f.name.startswith("test") and mentions(f)]
    via_fixture = [
        f.name
        for f in functions
        if f.name.startswith("test")
        and f.name not in direct
        and fixtures & {a.arg for a in f.args.args}
    ]
    return direct + via_fixture


def _names_around(tree: ast.Module, line: int) -> set[str]:
    """The names of the classes and functions whose body holds `line` (outermost to innermost)."""
    names: set[str] = set()
    body: list[ast.stmt] = list(tree.body)
    while body:
        node = next((n for n in body if n.lineno <= line <= (n.end_lineno or n.lineno)), None)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            break
        names.add(node.name)
        body = list(node.body)
    return names
