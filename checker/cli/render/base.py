"""The consoles and the small pieces every renderer shares."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape

from checker.cli.state.progress import EDITED
from checker.results import (
    KATA_BROKEN,
    KATA_FAILED,
    KATA_INCOMPLETE,
    KATA_NOT_RUN,
    KATA_PASSED,
    KATA_TAMPERED,
    KATA_TIMEOUT,
    KATA_WORKBOOK_ERROR,
)

plain = bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()
out = Console(
    highlight=False, no_color=plain, soft_wrap=plain, width=None if sys.stdout.isatty() else 100
)
err = Console(
    stderr=True,
    highlight=False,
    no_color=plain,
    soft_wrap=plain,
    width=None if sys.stderr.isatty() else 100,
)

_SYMBOL = {
    KATA_PASSED: ("✓", "PASS", "green"),
    KATA_FAILED: ("✗", "FAIL", "red"),
    KATA_BROKEN: ("!", "BROKEN", "red bold"),
    KATA_TIMEOUT: ("⏱", "TIMEOUT", "yellow"),
    KATA_INCOMPLETE: ("?", "INCOMPLETE", "yellow"),
    KATA_WORKBOOK_ERROR: ("!", "WORKBOOK ERROR", "magenta bold"),
    KATA_NOT_RUN: ("·", "-", "dim"),
    KATA_TAMPERED: ("⚠", "TAMPERED", "magenta bold"),
    EDITED: ("~", "EDITED", "yellow"),
}


def table_box() -> box.Box:
    return box.ASCII if plain else box.SIMPLE_HEAD


def badge(status: str, headline: str | None = None) -> str:
    """A kata's status: a word when plain, a coloured symbol on a terminal; `headline` (such as
    "passed on SQLite — 2 checks need Postgres") replaces the bare status word."""
    symbol, word, style = _SYMBOL.get(status, ("?", status.upper(), ""))
    words = headline or status
    if plain:
        return word if not headline or headline == status else f"{word} ({headline})"
    return f"[{style}]{symbol} {escape(words)}[/]"


def clickable(rel_path: str | None, root: Path) -> str:
    """A path relative to where the learner stands, which terminals make clickable."""
    if not rel_path:
        return ""
    path, _, line = rel_path.partition(":")
    full = Path(path) if Path(path).is_absolute() else root / path
    try:
        shown = os.path.relpath(full)
    except ValueError:  # another drive on Windows
        shown = str(full)
    if path.endswith("/") and not shown.endswith("/"):
        shown += "/"
    return f"{shown}:{line}" if line else shown


def error(message: str) -> None:
    err.print(("error: " if plain else "[red bold]error:[/] ") + escape(message))


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def ask_yes_no(question: str) -> bool:
    answer = out.input(f"{escape(question)} [y/N] ")
    return answer.strip().lower() in ("y", "yes")
