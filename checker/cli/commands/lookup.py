"""Turning what the learner typed ("1.3", "2") into catalog entries, or a helpful refusal."""

from __future__ import annotations

from checker.errors import CheckerError
from checker.workbook.catalog import Catalog, Kata, Phase


def _available(catalog: Catalog) -> str:
    phases = [
        f"{p.number} ({p.title}, katas {p.katas[0].id}–{p.katas[-1].id})"
        for p in catalog.phases
        if p.available
    ]
    return "; ".join(phases) or "none yet"


def find_kata(catalog: Catalog, text: str) -> Kata:
    kata = catalog.kata(text.strip())
    if kata is None:
        try:
            phase_text, number_text = text.strip().split(".")
            kata = catalog.kata(f"{int(phase_text)}.{int(number_text)}")  # "1.01" means 1.1
        except ValueError:
            pass
    if kata is None:
        raise CheckerError(
            f"There is no kata {text!r}. Kata ids look like 1.3 (phase 1, kata 3). "
            f"Available: {_available(catalog)}. `checker list` shows them all."
        )
    return kata


def find_phase(catalog: Catalog, text: str) -> Phase:
    try:
        phase = catalog.phase(int(text))
    except ValueError:
        phase = None
    if phase is None:
        numbers = ", ".join(str(p.number) for p in catalog.phases)
        raise CheckerError(
            f"There is no phase {text!r}: the phases are {numbers}. "
            f"Phases with katas: {_available(catalog)}."
        )
    if not phase.available:
        raise CheckerError(
            f"Phase {phase.number} ({phase.title}) has no katas yet. "
            f"Phases with katas: {_available(catalog)}."
        )
    return phase
