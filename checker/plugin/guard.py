"""Tamper evidence inside the grading process.

The learner's code runs in the grader's process, so it can reach the grader: replace pytest's
`Function.runtest` with a function that does nothing, rewrite the result stream's writer, swap a
builtin that a check relies on. Nothing in one process can prevent that; the guard makes it
visible. Before any learner code is imported it records the identity of every function and class
in pytest, pluggy, the checker and the few standard modules the grader leans on (builtins, os,
json), and of each hook implementation registered with pytest. After the learner's module is
imported and after each check it looks again: a difference is reported as a `tamper` record
(written with the stream's own file descriptor and the `os.write` taken at the start), and the
kata it happened in cannot pass.

A determined learner can hide from this (restore what they patched before the check ends, reach
the stream's file descriptor): it catches naive patches, the kind a search engine suggests. The
grade that counts is the instructor's regrade in a clean copy (`checker grade --pristine`).
"""

from __future__ import annotations

import builtins
import json
import os
import sys
from collections.abc import Callable, Iterator
from types import FunctionType, ModuleType
from typing import Any

import pytest

# The modules whose functions and classes the grading depends on; submodules included.
WATCHED_PACKAGES = ("_pytest", "pytest", "pluggy", "checker", "pytest_timeout", "pytest_asyncio")
WATCHED_MODULES = (builtins, os, json)
# The hooks that run a check and report it: a plugin's implementation added, removed or swapped.
WATCHED_HOOKS = (
    "pytest_runtest_protocol",
    "pytest_runtest_setup",
    "pytest_runtest_call",
    "pytest_runtest_teardown",
    "pytest_runtest_makereport",
    "pytest_runtest_logreport",
    "pytest_pyfunc_call",
    "pytest_report_teststatus",
    "pytest_fixture_setup",
    "pytest_collection_modifyitems",
    "pytest_sessionfinish",
)
_MAX_SHOWN = 5  # differences listed in one report; the rest are counted

Identity = tuple[int, ...]


def _identity(value: Any) -> Identity:
    """What stays the same unless someone swaps the object or its code."""
    code = getattr(value, "__code__", None)
    return (id(value), id(code)) if code is not None else (id(value),)


def _watched_module(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in WATCHED_PACKAGES)


def _members(module: ModuleType) -> Iterator[tuple[str, Any]]:
    """A module's functions and classes (each class's own methods too), by qualified name."""
    prefix = module.__name__
    for name, value in list(vars(module).items()):
        if isinstance(value, type):
            yield f"{prefix}.{name}", value
            if getattr(value, "__module__", None) == prefix:
                for attr, member in list(vars(value).items()):
                    inner = getattr(member, "__func__", member)  # static and class methods
                    if isinstance(inner, FunctionType) or isinstance(member, property):
                        yield f"{prefix}.{name}.{attr}", inner
        elif callable(value):
            yield f"{prefix}.{name}", value


def snapshot(config: pytest.Config) -> dict[str, Identity]:
    """The identity of everything the guard watches, right now."""
    taken: dict[str, Identity] = {}
    modules = [m for n, m in list(sys.modules.items()) if m and _watched_module(n)]
    for module in (*modules, *WATCHED_MODULES):
        for name, value in _members(module):
            taken[name] = _identity(value)
    for hook in WATCHED_HOOKS:
        caller = getattr(config.hook, hook, None)
        if caller is not None:
            impls = caller.get_hookimpls()
            taken[f"hook {hook}"] = tuple(id(impl.function) for impl in impls)
    return taken


def differences(before: dict[str, Identity], after: dict[str, Identity]) -> list[str]:
    """What was replaced or removed since `before`. Additions are not tampering (a module that
    imports lazily defines new functions), except a hook implementation added."""
    found = []
    for name, identity in before.items():
        now = after.get(name)
        if now is None:
            found.append(f"{name} was removed")
        elif now != identity:
            what = "hook implementations changed" if name.startswith("hook ") else "replaced"
            found.append(f"{name} {what}")
    return found


class Guard:
    """Compares the watched objects with their state before any learner code ran."""

    def __init__(self, config: pytest.Config, emit: Callable[[str], None]) -> None:
        self._config = config
        self._emit = emit  # writes one line with the stream's original writer
        # Held here, taken before any learner code ran: replacing this module's functions
        # afterwards does not blind the guard (replacing them is itself a difference).
        self._snapshot, self._differences, self._dumps = snapshot, differences, json.dumps
        self._baseline = snapshot(config)
        self.reported: set[str] = set()  # katas already reported: one report each
        self.inspect = self._inspect  # bound now: a replaced Guard.inspect is never called

    def _inspect(self, kata_id: str, when: str, check_id: str | None = None) -> bool:
        """Look for differences; report them once for `kata_id`. True if something changed."""
        changes = self._differences(self._baseline, self._snapshot(self._config))
        if not changes:
            return False
        if kata_id not in self.reported:
            self.reported.add(kata_id)
            shown = changes[:_MAX_SHOWN]
            if len(changes) > _MAX_SHOWN:
                shown.append(f"and {len(changes) - _MAX_SHOWN} more")
            record = {
                "type": "tamper",
                "kata_id": kata_id,
                "check_id": check_id,
                "when": when,
                "changes": shown,
            }
            self._emit(self._dumps(record, ensure_ascii=False))
        return True
