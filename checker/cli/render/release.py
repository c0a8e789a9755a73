"""Releases and trust: the manifest written or out of date, and the grader's edited files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from checker.cli.render.base import out

if TYPE_CHECKING:
    from checker.release.class_edition import ClassEdition


def render_manifest_drift(version: str, drift: list[str]) -> None:
    for line in drift:
        out.print(f"differs: {escape(line)}")
    out.print(
        f"The manifest of release {version} is out of date ({len(drift)} file(s)): run "
        "`checker release` to record it."
        if drift
        else f"The manifest of release {version} matches every file."
    )


def render_manifest_written(version: str, files: int, drift: list[str], path: Path) -> None:
    for line in drift:
        out.print(f"recorded: {escape(line)}")
    out.print(f"Wrote the manifest of release {version}: {files} files, in {escape(str(path))}.")


def render_edition_built(built: ClassEdition) -> None:
    out.print(f"Wrote the class edition of release {built.version} to {escape(str(built.out))}:")
    out.print(f"  {built.files} files, {built.stubs} of them pristine stubs for `checker reset`")
    for why, count in sorted(built.left_out.items()):
        out.print(f"  left out: {count} file(s) — {escape(why)}")
    for what, count in sorted(built.removed.items()):
        out.print(f"  taken out of the phase.toml catalogs: {count} {escape(what)}")
    out.print(f"  its own manifest: {escape(str(built.manifest))}")
    out.print(
        "To publish it, make it a repository of its own and push it where your class clones "
        f"from (`cd {escape(str(built.out))} && git init && git add -A && git commit -m "
        f"'Class edition {built.version}'`, then add your remote and push). Keep the full "
        "workbook, with its solutions, for your autograder: it regrades each learner's katas/ "
        "with `checker grade --pristine PATH`."
    )
