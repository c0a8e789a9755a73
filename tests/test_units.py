"""Small pieces of the grader: stub generation, mutants, URLs, progress, the catalog loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli.databases import (
    DEFAULT_POSTGRES_URL,
    mask_password,
    normalize_postgres_url,
    resolve_target,
)
from checker.errors import CatalogError, CheckerError
from checker.workbook.catalog import Mutant, load_catalog
from checker.workbook.markers import MarkerError, make_stub
from checker.workbook.mutants import MutantError, apply_mutant

ROOT = Path(__file__).resolve().parent.parent

SOLUTION = '''"""Doc."""


class User:
    # BEGIN SOLUTION add the name column
    # STUB: id = 1
    id = 1
    name = "x"
    # END SOLUTION


def f(x):
    """Double x."""
    # BEGIN SOLUTION return twice x
    return 2 * x
    # END SOLUTION


def g():
    # BEGIN SOLUTION
    return 1
    # END SOLUTION
'''


def test_make_stub_replaces_regions_with_todo_and_raise():
    stub = make_stub(SOLUTION)
    assert "    # TODO: add the name column\n    id = 1\n" in stub
    assert 'name = "x"' not in stub
    assert "    # TODO: return twice x\n    raise NotImplementedError('return twice x')\n" in stub
    assert "    raise NotImplementedError('write this part')" in stub
    assert "BEGIN SOLUTION" not in stub and "STUB:" not in stub
    compile(stub, "stub.py", "exec")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("x = 1\n# END SOLUTION\n", "without a BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside the region"),
    ],
)
def test_broken_markers_are_reported(text, problem):
    with pytest.raises(MarkerError, match=problem):
        make_stub(text)


def test_mutant_must_match_exactly_once():
    assert apply_mutant("a = 1\n", Mutant("m", "1", "2")) == "a = 2\n"
    with pytest.raises(MutantError, match="occurs 0 times"):
        apply_mutant("a = 1\n", Mutant("m", "3", "2"))
    with pytest.raises(MutantError, match="occurs 2 times"):
        apply_mutant("a = 1\nb = 1\n", Mutant("m", "1", "2"))


def test_postgres_urls_are_normalised_and_passwords_masked():
    assert normalize_postgres_url("postgres://u:p@h/d") == "postgresql+psycopg2://u:p@h/d"
    assert normalize_postgres_url("postgresql://u@h/d") == "postgresql+psycopg2://u@h/d"
    assert mask_password("postgresql+psycopg2://u:secret@h/d") == "postgresql+psycopg2://u:***@h/d"
    with pytest.raises(CheckerError):
        normalize_postgres_url("mysql://u@h/d")


def test_default_postgres_url_matches_docker_compose(monkeypatch):
    monkeypatch.delenv("CHECKER_DATABASE_URL", raising=False)
    assert resolve_target("postgres", None).url == DEFAULT_POSTGRES_URL
    compose = (ROOT / "docker-compose.yml").read_text()
    for line in (
        "POSTGRES_USER: checker",
        "POSTGRES_PASSWORD: checker",
        "POSTGRES_DB: checker",
        '"5432:5432"',
    ):
        assert line in compose
    assert DEFAULT_POSTGRES_URL == "postgresql+psycopg2://checker:checker@localhost:5432/checker"
    assert DEFAULT_POSTGRES_URL in (ROOT / ".env.example").read_text()


def test_environment_url_is_used_for_postgres(monkeypatch):
    monkeypatch.setenv("CHECKER_DATABASE_URL", "postgresql://me@db/x")
    assert resolve_target("postgres", None).url == "postgresql+psycopg2://me@db/x"
    assert resolve_target(None, None).kind == "sqlite", "SQLite stays the default"


def test_catalog_loads_every_phase():
    catalog = load_catalog(ROOT)
    assert [p.number for p in catalog.phases] == list(range(1, 9))
    assert catalog.phase(1).available


def test_catalog_error_names_file_and_key(tmp_path):
    (tmp_path / "phases/p1_core").mkdir(parents=True)
    (tmp_path / "phases/curriculum.toml").write_text(
        '[[phase]]\nnumber = 1\nslug = "core"\ntitle = "Core"\ngoal = "g"\ntopics = ["engine"]\n'
    )
    (tmp_path / "phases/p1_core/phase.toml").write_text('[[kata]]\nid = "1.1"\nslug = "x"\n')
    with pytest.raises(CatalogError) as error:
        load_catalog(tmp_path)
    assert error.value.file == "phases/p1_core/phase.toml" and error.value.key == "kata[0].title"
    (tmp_path / "phases/p1_core/phase.toml").write_text('[[kata]]\nid = "2.1"\n')
    with pytest.raises(CatalogError, match="should look like '1.N'"):
        load_catalog(tmp_path)


def test_progress_is_written_atomically_and_survives_damage(tmp_path):
    from checker.cli.state.progress import Progress

    (tmp_path / ".checker").mkdir()
    (tmp_path / ".checker/state.json").write_text("{not json")
    progress = Progress.load(tmp_path)
    assert progress.katas == {}
    assert (tmp_path / ".checker/state.damaged.json").exists(), (
        "a damaged file is set aside, not lost"
    )
    progress.hints["1.1"] = 1
    progress.save()
    assert json.loads((tmp_path / ".checker/state.json").read_text())["hints"] == {"1.1": 1}
    assert not list((tmp_path / ".checker").glob("*.tmp"))


def test_kata_ids_must_increase_and_gaps_are_a_phase_problem(tmp_path):
    from checker.cli.verify import phase_problems

    (tmp_path / "phases/p1_core").mkdir(parents=True)
    (tmp_path / "phases/curriculum.toml").write_text(
        '[[phase]]\nnumber = 1\nslug = "core"\ntitle = "Core"\ngoal = "g"\ntopics = ["engine"]\n'
    )
    entry = (
        'id = "{}"\nslug = "s{}"\ntitle = "t"\nminutes = 10\ntopics = ["engine"]\n'
        'hints = ["a", "b"]\ntalking_points = ["c"]\n'
    )
    toml = "[[kata]]\n" + entry.format("1.2", 2) + "[[kata]]\n" + entry.format("1.1", 1)
    (tmp_path / "phases/p1_core/phase.toml").write_text(toml)
    with pytest.raises(CatalogError, match="does not come after '1.2'"):
        load_catalog(tmp_path)
    (tmp_path / "phases/p1_core/phase.toml").write_text("[[kata]]\n" + entry.format("1.2", 2))
    catalog = load_catalog(tmp_path)
    assert catalog.kata("1.2").stem == "k02_s2"
    assert any("without gaps" in p.what for p in phase_problems(catalog, catalog.phase(1)))


def test_lesson_topics_need_a_marked_section_with_a_python_example():
    """`checker verify --static`: every lesson-only topic has one section in its phase's lesson,
    marked under its heading, with a ```python example; a marker naming an unlisted topic, or one
    not under a heading, is a problem; markers inside fenced code count for nothing."""
    from checker.cli.verify.static import lesson_topic_problems

    good = (
        "# Phase\n\n## Virtual environments\n<!-- lesson-topic: venv -->\n\nText.\n\n"
        "### Detail\n\n```python\nimport sys\n```\n\n## Next\n"
    )
    assert lesson_topic_problems("README.md", good, ("venv",)) == []

    missing = lesson_topic_problems("README.md", "# Phase\n\n## Other\n", ("venv",))
    assert len(missing) == 1 and "'venv' has no section" in missing[0], missing

    no_example = "## Venv\n<!-- lesson-topic: venv -->\n\n```sh\npython -m venv .venv\n```\n"
    no_example += "\n## Next\n\n```python\npass\n```\n"  # the next section's block is not its own
    problems = lesson_topic_problems("README.md", no_example, ("venv",))
    assert problems == [
        "README.md:2: the section for 'venv' has no ```python example "
        "(lessons' examples run in the workbook's tests)"
    ], problems

    stray = "## Venv\n\n<!-- lesson-topic: venv -->\n```python\npass\n```\n## X\n"
    stray += "<!-- lesson-topic: other -->\n```python\npass\n```\n"
    problems = lesson_topic_problems("README.md", stray, ("venv",))
    assert any("right under its section's heading" in p for p in problems), problems
    assert any("'other', which phases/curriculum.toml does not list" in p for p in problems)

    twice = "## A\n<!-- lesson-topic: venv -->\n```python\npass\n```\n"
    twice += "## B\n<!-- lesson-topic: venv -->\n```python\npass\n```\n"
    problems = lesson_topic_problems("R", twice, ("venv",))
    assert any("marks 2 sections for 'venv'" in p for p in problems), problems

    fenced = "## A\n\n````md\n## B\n<!-- lesson-topic: venv -->\n```python\npass\n```\n````\n"
    problems = lesson_topic_problems("R", fenced, ("venv",))
    assert problems and "'venv' has no section" in problems[0], problems


def test_the_workbook_lessons_teach_their_lesson_topics():
    """The real curriculum: each phase's lesson has its lesson-only topics' sections."""
    from checker.cli.verify import phase_problems

    catalog = load_catalog(Path(__file__).resolve().parent.parent)
    for phase in catalog.phases:
        if phase.lesson_topics and (catalog.root / phase.lesson_path).exists():
            problems = [p.what for p in phase_problems(catalog, phase) if "lesson" in p.what]
            assert not problems, problems
