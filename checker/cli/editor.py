"""Opening a kata in the learner's editor, at the first line with work to do."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from checker.errors import CheckerError

_LINE_PLUS = {
    "vi",
    "vim",
    "nvim",
    "nano",
    "emacs",
    "emacsclient",
    "micro",
    "kak",
    "hx",
    "helix",
    "joe",
    "ne",
}
_GOTO = {"code", "codium", "code-insiders", "cursor", "windsurf"}
_COLON = {"subl", "sublime_text", "zed", "gedit"}


def editor_command(path: Path, line: int, environ: dict[str, str] | None = None) -> list[str]:
    environ = dict(os.environ if environ is None else environ)
    configured = environ.get("VISUAL") or environ.get("EDITOR")
    if configured:
        words = shlex.split(configured)
    elif shutil.which("code"):
        words = ["code"]
    else:
        raise CheckerError(
            f"No editor is set up: set the EDITOR environment variable (for example "
            f"`export EDITOR=nano`, or `code --wait` for VS Code), or open {path}:{line} yourself."
        )
    name = Path(words[0]).name.lower().removesuffix(".exe")
    if name in _LINE_PLUS:
        return [*words, f"+{line}", str(path)]
    if name in _GOTO:
        return [*words, "-g", f"{path}:{line}"]
    if name in _COLON:
        return [*words, f"{path}:{line}"]
    return [*words, str(path)]


def open_in_editor(path: Path, line: int) -> str:
    """Open `path` at `line` (a kata's first TODO); returns the command, for the learner to see."""
    command = editor_command(path, line)
    try:
        subprocess.run(command, check=False)
    except OSError as exc:
        raise CheckerError(
            f"Could not start the editor `{command[0]}` ({exc.strerror}). Check EDITOR."
        ) from None
    return shlex.join(command)
