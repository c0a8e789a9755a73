"""The offline bundle written (`checker bundle OUT`): where everything is, and what to hand out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from checker.cli.render.base import out

if TYPE_CHECKING:
    from checker.classroom.bundle import Bundle


def render_bundle_built(bundle: Bundle, platform_text: str) -> None:
    folder = escape(str(bundle.out))
    out.print(f"Wrote the offline bundle to {folder}:")
    out.print(f"  wheels/      {len(bundle.wheels)} wheels, for {escape(platform_text)}")
    out.print(f"  workbook/    {bundle.files} files of the workbook")
    out.print("  INSTALL.md   the commands learners run, with no network")
    out.print(
        "Copy the folder to the learners' machines (a USB stick, a file share); each runs "
        "INSTALL.md's two lines. Their machines need the same Python minor version, operating "
        "system and processor as this one."
    )
