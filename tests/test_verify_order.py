"""verify runs the likeliest killer of each mutant first: the check that caught it last time, or
else the checks that use what the mutant edits; the plugin puts them first, in that order."""

from __future__ import annotations

import json
import textwrap

from checker.cli.verify.killers import likely_killers
from tests.test_kinds import small  # noqa: F401 (a fixture)
from tests.test_plugin import demo  # noqa: F401 (a fixture)

SOLUTION = textwrap.dedent("""
    class Post:
        def title(self):
            return "t"


    def add(a, b):
        return a + b


    def neg(a):
        return -a
""")

CHECKS = textwrap.dedent("""
    import pytest


    @pytest.fixture
    def total(kata):
        return kata.add(1, 2)


    def test_neg(kata):
        assert kata.neg(1) == -1, "neg"


    def test_total(total):
        assert total == 3, "total"


    def test_add(kata):
        assert kata.add(2, 2) == 4, "add"


    def test_title(kata):
        assert kata.Post().title() == "t", "title"
""")


def test_likely_killers_use_what_the_mutant_edits_directly_then_through_fixtures():
    assert likely_killers(SOLUTION, "return a + b", CHECKS) == ["test_add", "test_total"]
    assert likely_killers(SOLUTION, 'return "t"', CHECKS) == ["test_title"]
    assert likely_killers(SOLUTION, "not in the solution", CHECKS) == []


def test_the_plugin_runs_the_named_checks_first_in_order(demo):  # noqa: F811
    checks = """
        def test_a(kata):
            assert kata.answer() == 42, "a"

        def test_b(kata):
            assert kata.answer() == 42, "b"

        def test_c(kata):
            assert kata.answer() == 42, "c"
    """
    result, report = demo(checks, "--kata-first-check", "1.1=test_c,test_b")
    result.assert_outcomes(passed=3)
    assert [c["name"] for c in report["checks"]] == ["test_c", "test_b", "test_a"]


def test_verify_remembers_each_mutants_killer(small, cli):  # noqa: F811
    from tests.test_kinds import PACKAGE_MUTANTS

    assert cli("verify").code == 0
    killers = json.loads((small / ".checker/verify-killers.json").read_text())
    assert set(killers["1.2"]) == {"no flush: the post has no id yet", "counts from 1"}
    assert "no flush" in PACKAGE_MUTANTS
    again = json.loads(cli("verify", "--json").out)
    assert again["ok"] and again["katas"][1]["mutants_caught"] == 2
