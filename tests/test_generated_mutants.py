"""Mutants generated from a solution: only inside its solution regions, never in docstrings or
messages, each a small edit that still parses, identified without line numbers."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from checker.workbook.catalog import load_catalog
from checker.workbook.generated import generate
from checker.workbook.kinds import files_of

ROOT = Path(__file__).resolve().parent.parent

SOLUTION = textwrap.dedent('''
    """Kata — a docstring with == and .where( in it, never mutated."""
    from sqlalchemy import and_, select


    def outside(session):
        return session.scalars(select(User).where(User.id == 1)).all()


    def inside(session, name):
        """What it does; == here is prose."""
        # BEGIN SOLUTION find the users
        session.flush()
        query = select(User).where(and_(User.name == name, User.active)).order_by(User.id)
        with engine.begin() as connection:
            connection.execute(query)
        return Column(String, nullable=False, unique=True)
        # END SOLUTION
''')


def test_operators_fire_only_inside_solution_regions():
    found = {(m.function, m.operator, m.before, m.after) for m in generate("k.py", SOLUTION)}
    assert found == {
        ("inside", "drop-statement", "session.flush()", "pass"),
        ("inside", "drop-call", ".order_by(User.id)", ""),
        ("inside", "drop-call", ".where(and_(User.name == name, User.active))", ""),
        ("inside", "swap-and-or", "and_", "or_"),
        ("inside", "flip-compare", " == ", " != "),
        ("inside", "begin-connect", "begin", "connect"),
        ("inside", "drop-statement", "connection.execute(query)", "pass"),
        ("inside", "drop-keyword", ", nullable=False", ""),
        ("inside", "drop-keyword", ", unique=True", ""),
    }, found


def test_every_generated_mutant_of_the_workbook_parses_and_differs():
    for kata in load_catalog(ROOT).katas:
        files = files_of(kata)
        for name, text in files.read(ROOT / "solutions").items():
            keys = set()
            for mutant in generate(name, text):
                mutated = mutant.apply(text)
                assert mutated != text, mutant.describe()
                ast.parse(mutated)
                assert mutant.key not in keys, f"two mutants with one identity: {mutant.describe()}"
                keys.add(mutant.key)


def test_identity_survives_edits_elsewhere_in_the_file():
    shifted = SOLUTION.replace("def outside(", "# a new comment\n\n\ndef outside(")
    before = {m.key for m in generate("k.py", SOLUTION)}
    after = {m.key for m in generate("k.py", shifted)}
    assert before == after
