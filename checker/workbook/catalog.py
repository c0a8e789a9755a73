"""The catalog: the eight phases (phases/curriculum.toml) and each phase's katas (phase.toml).

Loading is strict: a missing or mistyped key is a `CatalogError` naming the file and the key, so
that a maintainer's typo never turns into a traceback in front of a learner.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import CatalogError
from checker.workbook.kinds import kinds

CURRICULUM_FILE = "phases/curriculum.toml"
DATABASES = ("any", "postgres")
_KATA_ID = re.compile(r"^(\d+)\.(\d+)$")
_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Mutant:
    """A named common mistake: the solution with `find` replaced by `replace` (exactly once)."""

    name: str
    find: str
    replace: str
    file: str | None = None  # which of a package kata's files it edits (relative to the package)


@dataclass(frozen=True)
class Equivalent:
    """A generated mutant (`checker verify --mutate`) that no check can catch because it changes
    nothing a learner's code could be judged on. Keyed like the mutant itself — file, function,
    operator, before → after (whitespace folded) and occurrence — never by line number."""

    function: str
    operator: str
    before: str
    after: str
    reason: str  # one line a reviewer can judge
    db: str = "any"  # where it is equivalent: "any", "sqlite" or "postgres"
    occurrence: int = 1
    file: str | None = None  # a package kata's file (relative to the package), as for mutants

    def applies_to(self, db: str) -> bool:
        return self.db in ("any", db)


@dataclass(frozen=True)
class Kata:
    id: str
    phase: int
    number: int
    slug: str
    title: str
    topics: tuple[str, ...]
    db: str
    hints: tuple[str, ...]
    talking_points: tuple[str, ...]
    mutants: tuple[Mutant, ...]
    phase_dir: str
    kind: str = "module"
    files: tuple[str, ...] = ()  # a package's files, relative to its folder (see kinds/)
    timeout: float | None = None  # seconds per check, for a kata slower than the default
    equivalents: tuple[Equivalent, ...] = ()  # generated mutants marked equivalent
    # A learner's estimated time for the kata (`list`, `status`); required in the catalog, so an
    # instructor planning a class can add them up.
    minutes: int = 0

    @property
    def stem(self) -> str:
        return f"k{self.number:02d}_{self.slug}"

    def runs_on(self, db: str) -> bool:
        return self.db == "any" or self.db == db


@dataclass(frozen=True)
class Phase:
    number: int
    slug: str
    title: str
    goal: str
    topics: tuple[str, ...]
    lesson_topics: tuple[str, ...]
    katas: tuple[Kata, ...]
    # A phase whose katas are still being written: the ones it has are graded and verified, but
    # topics no kata teaches yet are listed as to do rather than reported as a problem.
    in_progress: bool = False

    @property
    def dir_name(self) -> str:
        return f"p{self.number}_{self.slug}"

    @property
    def lesson_path(self) -> str:
        return f"phases/{self.dir_name}/README.md"

    @property
    def available(self) -> bool:
        return bool(self.katas)


@dataclass(frozen=True)
class Catalog:
    root: Path
    phases: tuple[Phase, ...]

    @property
    def katas(self) -> tuple[Kata, ...]:
        return tuple(k for p in self.phases for k in p.katas)

    def kata(self, kata_id: str) -> Kata | None:
        return next((k for k in self.katas if k.id == kata_id), None)

    def phase(self, number: int) -> Phase | None:
        return next((p for p in self.phases if p.number == number), None)

    def lesson_of(self, kata: Kata) -> str:
        """The lesson of the kata's phase, relative to the workbook."""
        return f"phases/{kata.phase_dir}/README.md"


def _read_toml(path: Path, rel: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(rel, "(syntax)", f"is not valid TOML: {exc}") from None


def _get(table: dict[str, Any], key: str, kind: type, rel: str, where: str) -> Any:
    if key not in table:
        raise CatalogError(rel, f"{where}{key}", "is missing")
    value = table[key]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise CatalogError(rel, f"{where}{key}", f"should be a {kind.__name__}, not {value!r}")
    return value


def _strings(table: dict[str, Any], key: str, rel: str, where: str, default: Any = None) -> tuple:
    if default is not None and key not in table:
        return tuple(default)
    value = _get(table, key, list, rel, where)
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise CatalogError(rel, f"{where}{key}", "should be a list of non-empty strings")
    return tuple(value)


def _load_mutant(raw: Any, rel: str, where: str) -> Mutant:
    if not isinstance(raw, dict):
        raise CatalogError(rel, where, "should be a table with name, find and replace")
    return Mutant(
        name=_get(raw, "name", str, rel, where + "."),
        find=_get(raw, "find", str, rel, where + "."),
        replace=_get(raw, "replace", str, rel, where + "."),
        file=_get(raw, "file", str, rel, where + ".") if "file" in raw else None,
    )


EQUIVALENT_DATABASES = ("any", "sqlite", "postgres")


def _load_equivalent(raw: Any, rel: str, where: str) -> Equivalent:
    if not isinstance(raw, dict):
        raise CatalogError(rel, where, "should be a table with function, operator, before, after")
    where += "."
    db = raw.get("db", "any")
    if db not in EQUIVALENT_DATABASES:
        raise CatalogError(rel, f"{where}db", f"should be one of {EQUIVALENT_DATABASES}")
    occurrence = raw.get("occurrence", 1)
    if isinstance(occurrence, bool) or not isinstance(occurrence, int) or occurrence < 1:
        raise CatalogError(rel, f"{where}occurrence", "should be a whole number from 1")
    reason = _get(raw, "reason", str, rel, where)
    if not reason.strip():
        raise CatalogError(rel, f"{where}reason", "should say why no check can catch it")
    return Equivalent(
        function=_get(raw, "function", str, rel, where),
        operator=_get(raw, "operator", str, rel, where),
        before=_get(raw, "before", str, rel, where),
        after=_get(raw, "after", str, rel, where),
        reason=reason,
        db=db,
        occurrence=occurrence,
        file=_get(raw, "file", str, rel, where) if "file" in raw else None,
    )


def _load_kind(raw: dict[str, Any], rel: str, where: str) -> tuple[str, tuple[str, ...]]:
    """The kata's kind and, for a kind that lists them, its files."""
    name = raw.get("kind", "module")
    known = kinds()
    if name not in known:
        raise CatalogError(rel, f"{where}kind", f"should be one of {sorted(known)}, not {name!r}")
    if not known[name].lists_files:
        if "files" in raw:
            raise CatalogError(rel, f"{where}files", f"is not used by a {name} kata (one file)")
        return name, ()
    files = _strings(raw, "files", rel, where)
    if problem := known[name].check_listed_files(files):
        raise CatalogError(rel, f"{where}files", problem)
    return name, files


def _load_timeout(raw: dict[str, Any], rel: str, where: str) -> float | None:
    if "timeout" not in raw:
        return None
    value = raw["timeout"]
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise CatalogError(rel, f"{where}timeout", f"should be a number of seconds, not {value!r}")
    return float(value)


def _load_minutes(raw: dict[str, Any], rel: str, where: str) -> int:
    value = _get(raw, "minutes", int, rel, where)
    if value <= 0:
        raise CatalogError(
            rel, f"{where}minutes", f"should be a positive whole number of minutes, not {value!r}"
        )
    return int(value)


def _load_kata(raw: Any, index: int, phase: int, phase_dir: str, rel: str) -> Kata:
    where = f"kata[{index}]."
    if not isinstance(raw, dict):
        raise CatalogError(rel, where[:-1], "should be a table")
    kata_id = _get(raw, "id", str, rel, where)
    match = _KATA_ID.match(kata_id)
    if not match or int(match[1]) != phase:
        raise CatalogError(rel, f"{where}id", f"should look like '{phase}.N', not {kata_id!r}")
    slug = _get(raw, "slug", str, rel, where)
    if not _SLUG.match(slug):
        raise CatalogError(
            rel, f"{where}slug", f"should be a Python name like 'many_to_many', not {slug!r}"
        )
    db = raw.get("db", "any")
    if db not in DATABASES:
        raise CatalogError(rel, f"{where}db", f"should be one of {DATABASES}, not {db!r}")
    mutants = raw.get("mutants", [])
    if not isinstance(mutants, list):
        raise CatalogError(
            rel, f"{where}mutants", "should be an array of tables ([[kata.mutants]])"
        )
    kind, files = _load_kind(raw, rel, where)
    loaded = tuple(_load_mutant(m, rel, f"{where}mutants[{i}]") for i, m in enumerate(mutants))
    if len(files) > 1 and any(m.file is None for m in loaded):
        raise CatalogError(rel, f"{where}mutants", "each needs `file`: this kata has several")
    raw_equivalents = raw.get("equivalent", [])
    if not isinstance(raw_equivalents, list):
        raise CatalogError(rel, f"{where}equivalent", "should be an array ([[kata.equivalent]])")
    equivalents = tuple(
        _load_equivalent(e, rel, f"{where}equivalent[{i}]") for i, e in enumerate(raw_equivalents)
    )
    if len(files) > 1 and any(e.file is None for e in equivalents):
        raise CatalogError(rel, f"{where}equivalent", "each needs `file`: this kata has several")
    return Kata(
        id=kata_id,
        phase=phase,
        number=int(match[2]),
        slug=slug,
        title=_get(raw, "title", str, rel, where),
        topics=_strings(raw, "topics", rel, where),
        db=db,
        hints=_strings(raw, "hints", rel, where),
        talking_points=_strings(raw, "talking_points", rel, where),
        mutants=loaded,
        phase_dir=phase_dir,
        kind=kind,
        files=files,
        timeout=_load_timeout(raw, rel, where),
        equivalents=equivalents,
        minutes=_load_minutes(raw, rel, where),
    )


def _load_katas(root: Path, number: int, dir_name: str) -> tuple[Kata, ...]:
    rel = f"phases/{dir_name}/phase.toml"
    path = root / rel
    if not path.exists():
        return ()
    data = _read_toml(path, rel)
    raw_katas = data.get("kata", [])
    if not isinstance(raw_katas, list):
        raise CatalogError(rel, "kata", "should be an array of tables ([[kata]])")
    katas = tuple(_load_kata(raw, i, number, dir_name, rel) for i, raw in enumerate(raw_katas))
    for index, (before, after) in enumerate(zip(katas, katas[1:], strict=False), start=1):
        if after.number <= before.number:
            raise CatalogError(
                rel,
                f"kata[{index}].id",
                f"is {after.id!r}, which does not come after {before.id!r}",
            )
    return katas


def load_catalog(root: Path) -> Catalog:
    data = _read_toml(root / CURRICULUM_FILE, CURRICULUM_FILE)
    phases = []
    for index, raw in enumerate(data.get("phase", [])):
        where = f"phase[{index}]."
        number = _get(raw, "number", int, CURRICULUM_FILE, where)
        slug = _get(raw, "slug", str, CURRICULUM_FILE, where)
        dir_name = f"p{number}_{slug}"
        phases.append(
            Phase(
                number=number,
                slug=slug,
                title=_get(raw, "title", str, CURRICULUM_FILE, where),
                goal=_get(raw, "goal", str, CURRICULUM_FILE, where),
                topics=_strings(raw, "topics", CURRICULUM_FILE, where),
                lesson_topics=_strings(raw, "lesson_topics", CURRICULUM_FILE, where, default=()),
                in_progress=_get(raw, "in_progress", bool, CURRICULUM_FILE, where)
                if "in_progress" in raw
                else False,
                katas=_load_katas(root, number, dir_name),
            )
        )
    return Catalog(root=root, phases=tuple(phases))
