"""Importing a learner's kata (or a solution, or a mutant) from its file, and explaining failures.

Katas are loaded by path, not through sys.path, so that the same checks can grade `katas/`,
`solutions/` or a mutant written to a temporary folder. The module is registered in sys.modules
under its importable name first: SQLAlchemy and dataclasses resolve annotations through it.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from checker.workbook.legacy import explain


class KataLoadError(Exception):
    """The kata's file could not be imported; `str()` is one line, file:line: what went wrong,
    then for an API SQLAlchemy 2.0 removed a paragraph on its replacement."""


def display_path(path: str | Path, root: Path) -> str:
    """A path the learner can click: relative to the workbook when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=512)
def _real(filename: str) -> str:
    return os.path.realpath(filename)


def frames_inside(exc: BaseException, inside: Path) -> list[tuple[str, int, str]]:
    """(file, line, function) of the frames of `exc`'s traceback that lie in `inside` (a file or
    a package folder), outermost first. Reads no source: this runs for every failed check."""
    target = _real(str(inside))
    found = []
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = _real(frame.f_code.co_filename)
        if filename == target or filename.startswith(target + os.sep):
            found.append((filename, line, frame.f_code.co_name))
    return found


def describe_exception_site(exc: BaseException, inside: Path, root: Path) -> str | None:
    """file:line of the deepest frame of `exc` that lies in `inside` (a file or a package)."""
    frames = frames_inside(exc, inside)
    return f"{display_path(frames[-1][0], root)}:{frames[-1][1]}" if frames else None


# What a module does at import that ends or skips the run instead of defining the kata.
_LEAVING = {
    "SystemExit": "called sys.exit() while it was being imported",
    "Skipped": "called pytest.skip() while it was being imported: a skipped check never counts "
    "as a pass",
    "Failed": "called pytest.fail() while it was being imported",
    "Exit": "called pytest.exit() while it was being imported",
}


def _describe_load_error(exc: BaseException, path: Path, root: Path) -> str:
    kind = type(exc)
    if kind.__name__ in _LEAVING and kind.__module__ in ("builtins", "_pytest.outcomes"):
        where = describe_exception_site(exc, path, root) or display_path(path, root)
        return (
            f"{where}: your module {_LEAVING[kind.__name__]}. A kata module only defines "
            "what the kata asks for; remove that call from its top level."
        )
    if isinstance(exc, SyntaxError):
        where = f"{display_path(exc.filename or path, root)}:{exc.lineno}"
        code = f" (in `{exc.text.strip()}`)" if exc.text and exc.text.strip() else ""
        return f"{where}: {type(exc).__name__}: {exc.msg}{code}"
    where = describe_exception_site(exc, path, root) or display_path(path, root)
    advice = explain(exc)
    return f"{where}: {type(exc).__name__}: {exc}" + (f"\n{advice}" if advice else "")


def load_module(path: Path, name: str, root: Path) -> ModuleType:
    """Import the file (or package folder) at `path` as `name`; KataLoadError if it fails."""
    if path.is_dir():
        spec = importlib.util.spec_from_file_location(
            name, path / "__init__.py", submodule_search_locations=[str(path)]
        )
    else:
        spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not (path.exists()):
        raise KataLoadError(f"{display_path(path, root)}: the file does not exist")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # SystemExit and pytest's skip/fail/exit too: never a pass
        del sys.modules[name]
        raise KataLoadError(_describe_load_error(exc, path, root)) from None
    return module


class KataModule:
    """The learner's module, as the checks see it: a missing name fails with a sentence, not an
    AttributeError deep inside a check. `on_use` is told whenever a check takes a name from it:
    from then on, an exception is the learner's code's, not the check's."""

    def __init__(self, module: ModuleType, shown_as: str, on_use: Callable[[], None]) -> None:
        self._module = module
        self._shown_as = shown_as
        self._on_use = on_use

    def __getattr__(self, name: str) -> Any:
        self._on_use()
        try:
            return getattr(self._module, name)
        except AttributeError:
            import pytest  # only on failure: the live server imports this module

            pytest.fail(
                f"{self._shown_as} has no `{name}`, which the checks use. Did you rename or "
                "delete it? The stub defines it; `checker show` repeats what to build.",
                pytrace=False,
            )

    def __repr__(self) -> str:
        return f"<kata {self._shown_as}>"
