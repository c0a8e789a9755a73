"""Mutants generated from a solution's code (`checker verify --mutate`), as small pure functions
over syntax nodes, mutmut-style, but only inside the BEGIN/END SOLUTION regions, never in a
docstring or a message, and with operators chosen for this domain:

  drop-keyword    a keyword argument that carries meaning (nullable=False, unique=True, cascade=…)
  drop-call       one link of a query chain (.where(), .order_by(), .limit(), .distinct(), …)
  flip-compare    == ↔ !=, < ↔ >=, > ↔ <=, is ↔ is not, in ↔ not in
  swap-and-or     and_() ↔ or_()
  swap-loader     selectinload ↔ joinedload
  begin-connect   `.begin()` → `.connect()` (a transaction that is never committed)
  drop-statement  one expression statement of a function body (a call: add, commit, flush, …)

Edits are made on the source text at the node's exact span, so everything else — comments,
layout, the rest of the line — stays as the author wrote it. A mutant is identified by its file,
function, operator and before → after text, not by line numbers, so that an equivalent mutant
marked in the catalog stays marked while the file around it changes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from checker.workbook.markers import BEGIN, END

MEANINGFUL_KEYWORDS = frozenset(
    {
        "nullable",
        "unique",
        "index",
        "primary_key",
        "timezone",
        "ondelete",
        "onupdate",
        "cascade",
        "back_populates",
        "passive_deletes",
        "pool_pre_ping",
        "expire_on_commit",
        "server_default",
        "default",
        "lazy",
        "order_by",
        "secondary",
        "uselist",
    }
)
CHAIN_LINKS = frozenset(
    {"where", "filter", "order_by", "limit", "offset", "distinct", "unique", "options", "having"}
)
_FLIPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "!=",
    ast.NotEq: "==",
    ast.Lt: ">=",
    ast.GtE: "<",
    ast.Gt: "<=",
    ast.LtE: ">",
    ast.Is: "is not",
    ast.IsNot: "is",
    ast.In: "not in",
    ast.NotIn: "in",
}
_LOADERS = {"selectinload": "joinedload", "joinedload": "selectinload"}
_LOGIC = {"and_": "or_", "or_": "and_"}


@dataclass(frozen=True)
class GeneratedMutant:
    file: str  # the kata's file it edits, relative to the tree (katas/, solutions/)
    function: str  # where: "Class.method", "function", or "<module>"
    operator: str
    before: str
    after: str
    start: int  # character offsets of `before` in the file's text (not part of its identity)
    end: int
    occurrence: int = 1  # the n-th time this same edit could be made in this function
    line: int = 0  # where it is now, to order the checks that run first (not part of its identity)

    @property
    def key(self) -> tuple[str, str, str, str, str, int]:
        """Its identity: file, function, operator, before → after (whitespace folded), and which
        occurrence — no line numbers, so edits elsewhere in the file leave it the same."""
        return (
            self.file,
            self.function,
            self.operator,
            fold(self.before),
            fold(self.after),
            self.occurrence,
        )

    def apply(self, text: str) -> str:
        assert text[self.start : self.end] == self.before, "the file changed since generation"
        return text[: self.start] + self.after + text[self.end :]

    def describe(self) -> str:
        nth = f" (occurrence {self.occurrence})" if self.occurrence > 1 else ""
        before, after = fold(self.before), fold(self.after)
        return f"{self.file} {self.function} [{self.operator}] {before!r} → {after!r}{nth}"


def fold(text: str) -> str:
    """Whitespace folded to single spaces: how mutants are compared and shown."""
    return " ".join(text.split())


class _Source:
    """Offsets in a file's text from ast's (line, UTF-8 byte column) positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, byte_column: int) -> int:
        raw = self.lines[line - 1].encode("utf-8")[:byte_column]
        return self.starts[line - 1] + len(raw.decode("utf-8", "replace"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end


def solution_regions(text: str) -> list[tuple[int, int]]:
    """The (first, last) line numbers inside each BEGIN/END SOLUTION region."""
    regions, opened = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        if BEGIN.match(line):
            opened = number
        elif END.match(line) and opened is not None:
            regions.append((opened + 1, number - 1))
            opened = None
    return regions


def _enclosing_names(tree: ast.Module) -> dict[int, str]:
    """id(node) -> "Class.method" or "function" for every node inside a def."""
    names: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}.{child.name}" if prefix else child.name
                for inner in ast.walk(child):
                    names[id(inner)] = name
                visit(child, name)
            else:
                visit(child, prefix)

    visit(tree, "")
    return names


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _edits(tree: ast.Module, source: _Source) -> Iterator[tuple[ast.AST, str, int, int, str]]:
    """(node, operator, start, end, replacement) for every mutation the operators find."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield from _call_edits(node, source)
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _FLIPS:
            left_end = source.span(node.left)[1]
            right_start = source.span(node.comparators[0])[0]
            between = source.text[left_end:right_start]
            symbol = between.strip()
            flipped = _FLIPS[type(node.ops[0])]
            yield node, "flip-compare", left_end, right_start, between.replace(symbol, flipped, 1)
        elif isinstance(node, ast.Expr) and not _is_docstring(node):
            # any expression statement (a call, an await) in any block: with, if, for, try
            start, end = source.span(node)
            yield node, "drop-statement", start, end, "pass"


def _call_edits(node: ast.Call, source: _Source) -> Iterator[tuple[ast.AST, str, int, int, str]]:
    name = _call_name(node)
    for index, keyword in enumerate(node.keywords):
        if keyword.arg in MEANINGFUL_KEYWORDS:
            start, end = source.span(keyword)
            positional_before = node.args or node.keywords[:index]
            if positional_before:  # remove ", keyword=value" back to the previous argument
                previous = (list(node.args) + list(node.keywords[:index]))[-1]
                start = source.span(previous)[1]
            elif index + 1 < len(node.keywords):  # the first of several: remove "keyword=…, "
                end = source.span(node.keywords[index + 1])[0]
            yield keyword, "drop-keyword", start, end, ""
    if isinstance(node.func, ast.Attribute) and node.func.attr in CHAIN_LINKS:
        start, end = source.span(node)
        inner_start, inner_end = source.span(node.func.value)
        if inner_start == start:  # a chain link: drop ".where(…)" after what it is called on
            yield node, "drop-call", inner_end, end, ""
    if name in _LOADERS or name in _LOGIC:
        name_end = source.span(node.func)[1]
        operator = "swap-loader" if name in _LOADERS else "swap-and-or"
        yield node, operator, name_end - len(name), name_end, {**_LOADERS, **_LOGIC}[name]
    if name == "begin" and isinstance(node.func, ast.Attribute) and not node.args:
        name_end = source.span(node.func)[1]
        yield node, "begin-connect", name_end - len("begin"), name_end, "connect"


def generate(file: str, text: str) -> list[GeneratedMutant]:
    """Every mutant of `text` (a solution file) inside its solution regions, in file order."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    regions = solution_regions(text)
    source = _Source(text)
    names = _enclosing_names(tree)
    found: list[GeneratedMutant] = []
    seen: dict[tuple[str, str, str, str, str], int] = {}
    for node, operator, start, end, replacement in sorted(
        _edits(tree, source), key=lambda edit: (edit[2], edit[1])
    ):
        first, last = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        if not any(low <= first and last <= high for low, high in regions):
            continue
        before = text[start:end]
        if before == replacement:
            continue
        function = names.get(id(node), "<module>")
        same = (file, function, operator, fold(before), fold(replacement))
        seen[same] = seen.get(same, 0) + 1
        found.append(
            GeneratedMutant(
                file, function, operator, before, replacement, start, end, seen[same], first
            )
        )
    return found
