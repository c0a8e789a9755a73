"""Reading a learner's files for code that reaches into the grader.

A kata's answer has no reason to import pytest's internals or the checker, to look through
`sys.modules`, to walk the stack's frames, to swap builtins or to end the process. The scan
flags such code by where it is and what it does; it changes no grade (the runtime guard and the
pass rule do that), it tells a learner, a mentor and an instructor where to look.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

# Modules a kata never needs: the grader, its test runner's internals, raw memory access.
_MODULES = {
    "_pytest": "imports pytest's internals (the grader's test runner)",
    "pluggy": "imports pluggy (pytest's plugin machinery)",
    "checker": "imports the checker (the grader)",
    "ctypes": "imports ctypes (raw memory and C calls)",
}
# `module.attribute` uses, by the module's name as written.
_ATTRIBUTES = {
    ("sys", "modules"): "reads or changes sys.modules (every imported module, the grader's too)",
    ("sys", "_getframe"): "walks the call stack (sys._getframe)",
    ("inspect", "currentframe"): "walks the call stack (inspect.currentframe)",
    ("inspect", "stack"): "walks the call stack (inspect.stack)",
    ("gc", "get_objects"): "searches every live object (gc.get_objects)",
    ("gc", "get_referrers"): "searches live objects (gc.get_referrers)",
    ("os", "_exit"): "ends the process (os._exit)",
    ("sys", "exit"): "ends the process (sys.exit)",
    ("pytest", "skip"): "skips checks (pytest.skip)",
    ("pytest", "exit"): "ends the test run (pytest.exit)",
}
# Frame attributes: reaching the caller's (the check's) variables.
_FRAME_ATTRIBUTES = {"f_back", "f_globals", "f_locals", "tb_frame", "gi_frame", "cr_frame"}
_NAMES = {
    "builtins": "changes or reads builtins",
    "__builtins__": "changes or reads builtins",
}


@dataclass(frozen=True)
class Flag:
    file: str  # as the learner sees it, e.g. katas/p1_core/k01_engine.py
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


def _imported_module(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module]
    return []


def scan_text(text: str, shown_as: str) -> list[Flag]:
    """The reach-ins in one file's source (none if it does not parse: grading says why)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    flags: list[Flag] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        for module in _imported_module(node):
            root = module.split(".", 1)[0]
            if root in _MODULES:
                flags.append(Flag(shown_as, line, _MODULES[root]))
            elif root == "builtins":
                flags.append(Flag(shown_as, line, _NAMES["builtins"]))
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and (node.value.id, node.attr) in _ATTRIBUTES:
                flags.append(Flag(shown_as, line, _ATTRIBUTES[(node.value.id, node.attr)]))
            elif node.attr in _FRAME_ATTRIBUTES:
                flags.append(Flag(shown_as, line, f"reaches into a stack frame (.{node.attr})"))
        elif isinstance(node, ast.Name) and node.id == "__builtins__":
            flags.append(Flag(shown_as, line, _NAMES["__builtins__"]))
    unique = {(f.line, f.what): f for f in flags}
    return sorted(unique.values(), key=lambda f: (f.line, f.what))


def scan_files(texts: dict[str, str], tree_name: str) -> list[Flag]:
    """Every flag in a kata's files (`KataFiles.read`), named as in `tree_name`/."""
    return [
        flag
        for name, text in sorted(texts.items())
        if name.endswith(".py")
        for flag in scan_text(text, f"{tree_name}/{name}")
    ]
