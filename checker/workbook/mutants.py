"""Mutants: a solution with one named common mistake applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker.workbook.catalog import Mutant


class MutantError(ValueError):
    """The mutant's `find` text does not occur exactly once in the solution."""


def apply_mutant(solution: str, mutant: Mutant) -> str:
    occurrences = solution.count(mutant.find)
    if occurrences != 1:
        where = f" file {mutant.file!r} of" if mutant.file else ""
        raise MutantError(
            f"mutant {mutant.name!r}: its `find` text occurs {occurrences} times in the{where} "
            "solution (it must occur exactly once)"
        )
    return solution.replace(mutant.find, mutant.replace)
