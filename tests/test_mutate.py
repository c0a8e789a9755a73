"""`checker verify --mutate`: generated mutants are graded; a survivor is listed with its file,
function, operator and before → after text until a check kills it or the catalog marks it
equivalent (on the database where it is); a mark that matches nothing any more is reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.factory import KataSpec, write_workbook
from tests.schema import validate_output

SOLUTION = '''
"""Kata 1.1 — Adults."""


def adults(people):
    """The names of people aged 18 or more, youngest first."""
    # BEGIN SOLUTION keep those aged 18 or more, sorted by age
    found = [p for p in people if p[1] >= 18]
    found.sort(key=lambda p: p[1])
    return [p[0] for p in found]
    # END SOLUTION
'''

# Checks that see the filter but never the order: the dropped sort() survives.
WEAK_CHECKS = '''
def test_adults_only(kata):
    """Only adults."""
    got = set(kata.adults([("ann", 30), ("bob", 12), ("cy", 18)]))
    assert got == {"ann", "cy"}, f"adults(...) returned {got!r}"
'''

ORDER_CHECK = '''

def test_youngest_first(kata):
    """Youngest first."""
    got = kata.adults([("ann", 30), ("cy", 18)])
    assert got == ["cy", "ann"], f"adults(...) returned {got!r}"
'''

MARK = """
  [[kata.equivalent]]
  function = "adults"
  operator = "drop-statement"
  before = "found.sort(key=lambda p: p[1])"
  after = "pass"
  db = "any"
  reason = "{reason}"
"""


def _workbook(root: Path, checks: str, extra: str = "") -> Path:
    spec = KataSpec(1, "adults", {"k01_adults.py": SOLUTION}, checks, extra=extra)
    spec.extra = (
        '\n  [[kata.mutants]]\n  name = "minors too"\n'
        '  find = "p[1] >= 18"\n  replace = "p[1] >= 0"\n'
        '\n  [[kata.mutants]]\n  name = "pairs, not names"\n'
        '  find = "return [p[0] for p in found]"\n  replace = "return found"\n' + extra
    )
    return write_workbook(root, [spec])


@pytest.fixture
def workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    from checker.cli.main import main

    def make(checks: str, extra: str = "") -> Path:
        root = tmp_path / "wb"
        shutil.rmtree(root, ignore_errors=True)
        _workbook(root, checks, extra)
        monkeypatch.setenv("CHECKER_ROOT", str(root))
        monkeypatch.chdir(root)
        assert main(["stubs"]) == 0
        capsys.readouterr()  # what `stubs` printed is not the test's
        return root

    return make


def test_a_survivor_is_listed_with_where_and_what(workbook, cli):
    workbook(WEAK_CHECKS)
    result = cli("verify", "--mutate")
    assert result.code == 1, result.out
    assert "survivor: k01_adults.py adults [drop-statement]" in result.out
    assert "'found.sort(key=lambda p: p[1])' → 'pass'" in result.out

    data = json.loads(cli("verify", "--mutate", "--json").out)
    validate_output(data, "verify")
    (kata,) = data["mutation"]["katas"]
    assert kata["survivors"] == [
        {
            "file": "k01_adults.py",
            "function": "adults",
            "operator": "drop-statement",
            "before": "found.sort(key=lambda p: p[1])",
            "after": "pass",
            "occurrence": 1,
        }
    ]
    assert kata["generated"] == kata["killed"] + 1 and 0 < kata["score"] < 1
    assert data["mutation"]["phases"][0]["survivors"] == 1


def test_a_check_that_kills_it_resolves_it(workbook, cli):
    workbook(WEAK_CHECKS + ORDER_CHECK)
    data = json.loads(cli("verify", "--mutate", "--json").out)
    assert data["ok"], data
    assert data["mutation"]["katas"][0]["score"] == 1.0


def test_an_equivalent_mark_resolves_it_only_on_its_database(workbook, cli):
    workbook(WEAK_CHECKS, MARK.format(reason="order is not part of the task"))
    data = json.loads(cli("verify", "--mutate", "--json").out)
    assert data["ok"], data
    assert data["mutation"]["katas"][0]["equivalent"] == 1

    workbook(WEAK_CHECKS, MARK.format(reason="only on Postgres").replace('"any"', '"postgres"'))
    data = json.loads(cli("verify", "--mutate", "--json").out)
    assert not data["ok"] and len(data["mutation"]["katas"][0]["survivors"]) == 1


def test_a_mark_that_matches_nothing_is_reported(workbook, cli):
    stale = MARK.format(reason="was equivalent").replace("p[1])", "p[0])")
    workbook(WEAK_CHECKS + ORDER_CHECK, stale)
    data = json.loads(cli("verify", "--mutate", "--json").out)
    assert not data["ok"]
    (message,) = data["mutation"]["katas"][0]["stale_marks"]
    assert "matches no generated mutant" in message


def test_without_mutate_no_generated_mutant_runs(workbook, cli):
    workbook(WEAK_CHECKS)
    data = json.loads(cli("verify", "--json").out)
    assert data["ok"] and data["mutation"] is None
