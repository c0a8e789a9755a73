"""Validating `--json` outputs and streamed records against the shipped JSON Schema."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema


@cache
def schema() -> dict[str, Any]:
    return json.loads(resources.files("checker.results").joinpath("schema.json").read_text())


def _validate(data: Any, definition: str) -> None:
    full = schema()
    jsonschema.validate(data, {"$ref": f"#/$defs/{definition}", "$defs": full["$defs"]})


def validate_output(data: Any, kind: str) -> None:
    """`data` is a `--json` output of type `kind` (run, verify, status, list, backups, report)."""
    assert data["type"] == kind and data["schema_version"] == schema()["schema_version"]
    _validate(data, f"output_{kind}")


def validate_record(record: Any) -> None:
    """`record` is one line of the child's stream."""
    _validate(record, f"record_{record['type']}")
