"""Small workbooks of the tests' own: a curriculum, one phase, and the katas a test asks for,
module or package, written the way a maintainer writes them."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

CURRICULUM = """
[[phase]]
number = 1
slug = "demo"
title = "Demo"
goal = "Tests of the grader."
topics = ["demo"]
"""


@dataclass
class KataSpec:
    number: int
    slug: str
    solution: dict[str, str]  # file name (relative to the kata's folder, or the module) -> text
    checks: str
    kind: str = "module"
    extra: str = ""  # more TOML lines for the catalog entry (mutants, timeout, db …)
    stubs: dict[str, str] | None = field(default=None)  # learner files; default: the solution

    @property
    def stem(self) -> str:
        return f"k{self.number:02d}_{self.slug}"

    def entry(self) -> str:
        files = ""
        if self.kind in ("package", "alembic"):
            files = f"files = {sorted(self.solution)!r}\n".replace("'", '"')
        return (
            textwrap.dedent(f"""
            [[kata]]
            id = "1.{self.number}"
            slug = "{self.slug}"
            title = "Demo kata {self.number}"
            minutes = 10
            kind = "{self.kind}"
            topics = ["demo"]
            hints = ["first hint", "second hint"]
            talking_points = ["a point"]
            """)
            + files
            + textwrap.dedent(self.extra)
        )

    def write_files(self, tree: Path, texts: dict[str, str]) -> None:
        for name, text in texts.items():
            folder = self.kind in ("package", "alembic")
            path = tree / "p1_demo" / (f"{self.stem}/{name}" if folder else name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"))


def write_workbook(root: Path, katas: list[KataSpec]) -> Path:
    (root / "phases" / "p1_demo").mkdir(parents=True, exist_ok=True)
    (root / "phases" / "curriculum.toml").write_text(CURRICULUM)
    (root / "phases" / "p1_demo" / "README.md").write_text("# Demo\n")
    (root / "phases" / "p1_demo" / "phase.toml").write_text("".join(k.entry() for k in katas))
    for kata in katas:
        kata.write_files(root / "solutions", kata.solution)
        kata.write_files(root / "katas", kata.stubs if kata.stubs is not None else kata.solution)
        checks = root / "phases" / "p1_demo" / f"test_{kata.stem}.py"
        checks.write_text(textwrap.dedent(kata.checks))
    return root


def module_kata(solution: str, checks: str, extra: str = "") -> KataSpec:
    return KataSpec(1, "demo", {"k01_demo.py": solution}, checks, extra=extra)
