"""The SQL a learner's code sent, next to the reference's, check by check.

Two statements are "the same" when they are the same query: whitespace is folded, the driver's
placeholder style (`?`, `%(name)s`, `$1`, `%s`) reads as `?`, and a literal written into the SQL
(`'ada'`, `42`) reads as `<literal>` whatever its value. Bound parameter values are not compared
at all. So two learners who send `WHERE name = 'x'` with different names send the same shape of
query, and one who binds `WHERE name = ?` sends a different one: exactly what a mentor wants to
see about an f-string in `text()`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from checker.results import CheckResult, KataResult

_STRING = re.compile(r"'(?:[^']|'')*'")
_PLACEHOLDER = re.compile(r"%\(\w+\)s|\$\d+\b|%s|\?")
_NUMBER = re.compile(r"(?<![\w.$])-?\d+(?:\.\d+)?(?![\w.])")
LITERAL = "<literal>"


def normalise(sql: str) -> str:
    """One statement as a query shape (see the module docstring)."""
    text = " ".join(sql.split()).rstrip(";").strip()
    text = _STRING.sub("\0", text)  # first, so a placeholder or number in a string is a literal
    text = _PLACEHOLDER.sub("?", text)
    text = _NUMBER.sub(LITERAL, text)
    return text.replace("\0", LITERAL)


def learner_sql(check: CheckResult) -> tuple[str, ...]:
    """The shapes of what the learner's code sent in one check (transactions included: a missing
    COMMIT is a difference worth talking about)."""
    return tuple(normalise(s.sql) for s in check.learner_statements)


def repeats(statements: Iterable[str]) -> list[tuple[str, int]]:
    """(statement, times) for each run of identical statements: an N+1 loop reads as one ×N."""
    runs: list[tuple[str, int]] = []
    for sql in statements:
        if runs and runs[-1][0] == sql:
            runs[-1] = (sql, runs[-1][1] + 1)
        else:
            runs.append((sql, 1))
    return runs


@dataclass(frozen=True)
class CheckSql:
    """One check whose SQL differs: how many statements each side sent, and those only one side
    sent (as (statement, times) runs, in order)."""

    check: str  # the check's name
    yours: int
    reference: int
    only_yours: tuple[tuple[str, int], ...]
    only_reference: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, object]:
        return {
            "check": self.check,
            "yours": self.yours,
            "reference": self.reference,
            "only_yours": [{"sql": sql, "times": n} for sql, n in self.only_yours],
            "only_reference": [{"sql": sql, "times": n} for sql, n in self.only_reference],
        }


def _differences(yours: Sequence[str], reference: Sequence[str]) -> tuple[list[str], list[str]]:
    mine: list[str] = []
    theirs: list[str] = []
    matcher = difflib.SequenceMatcher(None, list(yours), list(reference), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            mine.extend(yours[i1:i2])
            theirs.extend(reference[j1:j2])
    return mine, theirs


def compare(learner: KataResult, reference: KataResult) -> list[CheckSql]:
    """Every check (in the learner's order, then any only the reference ran) whose learner SQL
    differs from the reference's; an empty list means the same SQL as the reference."""
    theirs = {check.id: check for check in reference.checks}
    mine = {check.id: check for check in learner.checks}
    order = [c.id for c in learner.checks] + [c.id for c in reference.checks if c.id not in mine]
    found = []
    for check_id in order:
        a = learner_sql(mine[check_id]) if check_id in mine else ()
        b = learner_sql(theirs[check_id]) if check_id in theirs else ()
        if a == b:
            continue
        only_a, only_b = _differences(a, b)
        name = (mine.get(check_id) or theirs[check_id]).name
        found.append(CheckSql(name, len(a), len(b), tuple(repeats(only_a)), tuple(repeats(only_b))))
    return found


def signature(result: KataResult) -> tuple[tuple[str, bool, tuple[str, ...]], ...]:
    """A solution's shape, exercism-representer style: per check (sorted by id) whether it
    passed and the learner SQL it sent. Passing is part of it, so that a right answer and a
    wrong one that happen to send the same SQL (a bad bound value) never share a shape."""
    return tuple(
        (check.id, check.ok, learner_sql(check))
        for check in sorted(result.checks, key=lambda c: c.id)
    )
