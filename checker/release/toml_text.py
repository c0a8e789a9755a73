"""Writing TOML: enough of it for the catalogs (`phase.toml`), which the class edition writes back
without the answers. Python reads TOML (tomllib) but does not write it, and a dependency for one
maintainer command is not worth it.

Handles tables, arrays of tables (nested too, `[[kata.mutants]]`), strings, integers, floats,
booleans and arrays of those; anything else is a TypeError. `dumps_checked` reads what it wrote
back and raises if it differs, so a bug here can never ship a catalog that means something else.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_INLINE_LIMIT = 80  # an array longer than this on one line is written one item a line


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _string(text: str) -> str:
    # JSON's escapes (\" \\ \n \t \uXXXX …) are TOML's too; TOML also forbids a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        items = [_value(item) for item in value]
        inline = f"[{', '.join(items)}]"
        if len(inline) <= _INLINE_LIMIT:
            return inline
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
    raise TypeError(f"cannot write a {type(value).__name__} as TOML: {value!r}")


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _write_table(lines: list[str], table: Mapping[str, Any], path: tuple[str, ...]) -> None:
    nested = {k: v for k, v in table.items() if isinstance(v, Mapping) or _is_table_array(v)}
    for key, value in table.items():  # a table's own keys come before its sub-tables
        if key not in nested:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in nested.items():
        name = ".".join(_key(part) for part in (*path, key))
        if isinstance(value, Mapping):
            lines.extend(("", f"[{name}]"))
            _write_table(lines, value, (*path, key))
            continue
        for item in value:
            lines.extend(("", f"[[{name}]]"))
            _write_table(lines, item, (*path, key))


def dumps(data: Mapping[str, Any]) -> str:
    lines: list[str] = []
    _write_table(lines, data, ())
    return "\n".join(lines).lstrip("\n") + "\n"


def dumps_checked(data: Mapping[str, Any], header: str = "") -> str:
    """`header` (comment lines) and `data` as TOML, verified by reading it back."""
    text = header + dumps(data)
    if tomllib.loads(text) != data:
        raise ValueError("the TOML written does not read back as the data it was written from")
    return text
