"""A live line while katas are graded, fed by the child's stream: which kata, how many checks done.
Only on a terminal: piped output and JSON stay free of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from checker.cli.render.base import out, plain

OnRecord = Callable[[dict[str, Any]], None]


@contextmanager
def live_progress(enabled: bool = True) -> Iterator[OnRecord | None]:
    if plain or not enabled:
        yield None
        return
    done = {"checks": 0, "failed": 0}
    with out.status("Starting the checks…") as status:

        def on_record(record: dict[str, Any]) -> None:
            if record["type"] == "check_start":
                status.update(f"Grading kata {record['kata_id']} — {done['checks']} checks done")
            elif record["type"] == "check" and record["outcome"] != "needs_postgres":
                done["checks"] += 1
                done["failed"] += record["outcome"] != "passed"

        yield on_record
