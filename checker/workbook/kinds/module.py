"""The `module` kind: a kata is one file, `pN_slug/kMM_slug.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.workbook.kinds import Kind

if TYPE_CHECKING:
    from checker.workbook.catalog import Kata


class ModuleKind(Kind):
    name = "module"

    def files(self, kata: Kata) -> tuple[str, ...]:
        return (self.entry(kata),)

    def entry(self, kata: Kata) -> str:
        return f"{kata.phase_dir}/{kata.stem}.py"
