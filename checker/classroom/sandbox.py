"""Running a learner's code that nobody reviewed, on the instructor's machine.

Interface (implemented by the sandbox work; callers such as `checker class` rely on it):

- `detect() -> Sandbox`: what this machine offers (bubblewrap on Linux, else nothing), and why not.
- `Sandbox.wrap(argv, *, writable, readable, database_url) -> Prepared`: the command to run
  instead of `argv` (the same command inside the sandbox, or `argv` itself where none is
  available), the environment to give it (never the instructor's: a fresh minimal one), and the
  database URL as seen from inside.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Prepared:
    argv: list[str]
    env: dict[str, str]
    database_url: str | None


@dataclass(frozen=True)
class Sandbox:
    kind: str  # "bubblewrap" or "none"
    reason: str | None = None  # why there is none, in one sentence for the instructor

    @property
    def available(self) -> bool:
        return self.kind != "none"

    def wrap(
        self,
        argv: list[str],
        *,
        writable: list[Path],
        readable: list[Path],
        database_url: str | None,
    ) -> Prepared:
        raise NotImplementedError("the sandbox is being built (issue 14)")


def detect() -> Sandbox:
    return Sandbox("none", "the sandbox is not built yet")
