"""Releases and trust: the manifest written or out of date, and the grader's edited files."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from checker.cli.render.base import out


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
