"""Stubs are generated from solutions, never written by hand (nbgrader's model).

In a solution file the answer sits between markers:

    def make_engine(url: str) -> Engine:
        # BEGIN SOLUTION create the engine, with pool_pre_ping on
        return create_engine(url, pool_pre_ping=True)
        # END SOLUTION

and the stub gets, at the same indentation, the TODO text and a `raise NotImplementedError`:

    def make_engine(url: str) -> Engine:
        # TODO: create the engine, with pool_pre_ping on
        raise NotImplementedError("create the engine, with pool_pre_ping on")

Where a `raise` cannot stand (a class body, module level), lines inside the region written as
`# STUB: <code>` become the stub's code instead.
"""

from __future__ import annotations

import re

BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION\b[:\s-]*(?P<todo>.*?)\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
STUB_LINE = re.compile(r"^(?P<indent>\s*)# STUB: ?(?P<code>.*)$")


class MarkerError(ValueError):
    """Unbalanced or nested BEGIN/END SOLUTION markers."""


def _stub_region(indent: str, todo: str, stub_code: list[str]) -> list[str]:
    lines = [f"{indent}# TODO: {todo}"] if todo else []
    if stub_code:
        return lines + stub_code
    message = todo or "write this part"
    return lines + [f"{indent}raise NotImplementedError({message!r})"]


def make_stub(solution: str) -> str:
    """The learner's file for a solution's text. Raises MarkerError on broken markers."""
    out: list[str] = []
    region: tuple[int, str, str, list[str]] | None = None  # (line, indent, todo, stub lines)
    for number, line in enumerate(solution.splitlines(), start=1):
        if begin := BEGIN.match(line):
            if region:
                raise MarkerError(
                    f"line {number}: BEGIN SOLUTION inside the region opened on line {region[0]}"
                )
            region = (number, begin["indent"], begin["todo"], [])
        elif END.match(line):
            if not region:
                raise MarkerError(f"line {number}: END SOLUTION without a BEGIN SOLUTION")
            out.extend(_stub_region(region[1], region[2], region[3]))
            region = None
        elif region:
            if stub := STUB_LINE.match(line):
                region[3].append(stub["indent"] + stub["code"])
        else:
            out.append(line)
    if region:
        raise MarkerError(f"line {region[0]}: BEGIN SOLUTION is never closed by END SOLUTION")
    return "\n".join(out) + "\n"


def count_regions(solution: str) -> int:
    return sum(1 for line in solution.splitlines() if BEGIN.match(line))
