"""The class configuration: the TOML file a workshop instructor writes to say which katas count,
how many points each is worth, whether checks earn partial credit, and when work is due.

    [class]
    name = "SQLAlchemy workshop, spring"
    partial_credit = true          # points × passed checks / checks; false: all or nothing
    late_penalty = 0.5             # optional: the share of a late kata's points taken off

    [[count]]                      # phases and/or katas, and the points each of their katas earns
    phases = [1, 2]
    points = 10

    [[count]]                      # a later entry overrides an earlier one for the same kata
    katas = ["3.1"]
    points = 20

    [due]                          # optional: a phase ("1") or a kata ("3.1") -> an ISO date
    "1" = "2027-01-15"

It lives at `.github/classroom/class.toml` unless `--config FILE` says otherwise. Loading is
strict, like the catalog's: an unknown key, kata or phase, a negative number or a date that is no
date is one paragraph naming the file and the key (exit 2), never a wrong grade.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from checker.errors import CheckerError
from checker.workbook.catalog import Catalog, Kata

DEFAULT_CONFIG = ".github/classroom/class.toml"
_TOP_KEYS = {"class", "count", "due"}
_CLASS_KEYS = {"name", "partial_credit", "late_penalty"}
_COUNT_KEYS = {"phases", "katas", "points"}


class ClassConfigError(CheckerError):
    """A class configuration that cannot be used, naming the file and the key."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        super().__init__(
            f"{file}: `{key}` {problem}. The class configuration is described in the README "
            "(For workshop instructors); nothing was graded."
        )


@dataclass(frozen=True)
class ClassConfig:
    name: str
    file: str  # where it was read from, as the instructor named it
    partial_credit: bool
    points: tuple[tuple[Kata, float], ...]  # each counted kata and its points, in catalog order
    due_dates: dict[str, date] = field(default_factory=dict)  # "1" (a phase) or "1.3" (a kata)
    late_penalty: float | None = None  # None: lateness is reported, never deducted

    def counted(self) -> list[tuple[Kata, float]]:
        """The katas that count, each with the most points it can earn."""
        return list(self.points)

    def due(self, kata: Kata) -> date | None:
        """The kata's own due date, else its phase's, else None."""
        return self.due_dates.get(kata.id, self.due_dates.get(str(kata.phase)))


def load_class_config(catalog: Catalog, path: Path, shown: str | None = None) -> ClassConfig:
    """Read and check the class configuration at `path` (`shown` is how messages name it)."""
    file = shown or str(path)
    if not path.is_file():
        raise CheckerError(
            f"There is no class configuration at {file}. Write one (the README's section For "
            f"workshop instructors has an example; the workbook ships {DEFAULT_CONFIG}) or "
            "point to yours with --config FILE."
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ClassConfigError(file, "(syntax)", f"is not valid TOML: {exc}") from None
    _no_unknown(data, _TOP_KEYS, file, "")
    header = data.get("class", {})
    if not isinstance(header, dict):
        raise ClassConfigError(file, "class", "should be a table ([class])")
    _no_unknown(header, _CLASS_KEYS, file, "class.")
    name = header.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ClassConfigError(file, "class.name", "should name the class (a non-empty string)")
    partial = header.get("partial_credit", True)
    if not isinstance(partial, bool):
        raise ClassConfigError(
            file, "class.partial_credit", f"should be true or false, not {partial!r}"
        )
    return ClassConfig(
        name=name,
        file=file,
        partial_credit=partial,
        points=_counted(catalog, data.get("count"), file),
        due_dates=_due_dates(catalog, data.get("due", {}), file),
        late_penalty=_late_penalty(header, file),
    )


def _no_unknown(table: dict[str, Any], known: set[str], file: str, where: str) -> None:
    for key in table:
        if key not in known:
            raise ClassConfigError(
                file, f"{where}{key}", f"is not a setting here (known: {', '.join(sorted(known))})"
            )


def _late_penalty(header: dict[str, Any], file: str) -> float | None:
    if "late_penalty" not in header:
        return None
    value = header["late_penalty"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ClassConfigError(
            file,
            "class.late_penalty",
            f"should be the share of a late kata's points taken off, from 0 to 1, not {value!r}",
        )
    return float(value)


def _counted(catalog: Catalog, raw: Any, file: str) -> tuple[tuple[Kata, float], ...]:
    if raw is None:
        raise ClassConfigError(file, "count", "is missing: say which katas count ([[count]])")
    if not isinstance(raw, list) or not raw:
        raise ClassConfigError(file, "count", "should be one or more [[count]] tables")
    points: dict[str, float] = {}
    for index, entry in enumerate(raw):
        where = f"count[{index}]."
        if not isinstance(entry, dict):
            raise ClassConfigError(file, where[:-1], "should be a table ([[count]])")
        _no_unknown(entry, _COUNT_KEYS, file, where)
        value = entry.get("points")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ClassConfigError(
                file, f"{where}points", f"should be a number of points, 0 or more, not {value!r}"
            )
        katas = _phase_katas(catalog, entry.get("phases", []), file, where)
        katas += _named_katas(catalog, entry.get("katas", []), file, where)
        if not katas:
            raise ClassConfigError(file, where[:-1], "counts nothing: give `phases` or `katas`")
        for kata in katas:
            points[kata.id] = value  # a later entry overrides an earlier one
    return tuple((kata, points[kata.id]) for kata in catalog.katas if kata.id in points)


def _phase_katas(catalog: Catalog, raw: Any, file: str, where: str) -> list[Kata]:
    if not isinstance(raw, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) for n in raw
    ):
        raise ClassConfigError(file, f"{where}phases", "should be a list of phase numbers: [1, 2]")
    katas: list[Kata] = []
    for number in raw:
        phase = catalog.phase(number)
        if phase is None or not phase.available:
            raise ClassConfigError(
                file,
                f"{where}phases",
                f"names phase {number}, which has no katas; phases with katas: {_phases(catalog)}",
            )
        katas.extend(phase.katas)
    return katas


def _named_katas(catalog: Catalog, raw: Any, file: str, where: str) -> list[Kata]:
    if not isinstance(raw, list) or not all(isinstance(k, str) for k in raw):
        raise ClassConfigError(file, f"{where}katas", 'should be a list of kata ids: ["3.1"]')
    katas = []
    for kata_id in raw:
        kata = catalog.kata(kata_id.strip())
        if kata is None:
            raise ClassConfigError(
                file, f"{where}katas", f"names kata {kata_id!r}, which the workbook has not"
            )
        katas.append(kata)
    return katas


def _due_dates(catalog: Catalog, raw: Any, file: str) -> dict[str, date]:
    if not isinstance(raw, dict):
        raise ClassConfigError(file, "due", 'should be a table: [due] then "1" = "2027-01-15"')
    dates = {}
    for key, value in raw.items():
        known = catalog.kata(key) is not None or (
            key.isdigit() and (phase := catalog.phase(int(key))) is not None and phase.available
        )
        if not known:
            raise ClassConfigError(
                file,
                f"due.{key}",
                f'names no phase or kata of the workbook (a phase is "1", a kata "1.3"; '
                f"phases with katas: {_phases(catalog)})",
            )
        dates[key] = _date(value, file, f"due.{key}")
    return dates


def _date(value: Any, file: str, key: str) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):  # a TOML date: 2027-01-15
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ClassConfigError(file, key, f'should be an ISO date such as "2027-01-15", not {value!r}')


def _phases(catalog: Catalog) -> str:
    return ", ".join(str(p.number) for p in catalog.phases if p.available) or "none"
