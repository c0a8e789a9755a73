"""Assertions that several katas' checks share, with messages that teach.

from checker.plugin.assertions import find_relationship, no_commit
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, inspect
from sqlalchemy.exc import SQLAlchemyError


@contextmanager
def no_commit(session: Any, call: str) -> Iterator[None]:
    """Fail when the block commits the session: the caller owns the unit of work."""
    commits = []

    def count(_session: Any) -> None:
        commits.append(True)

    event.listen(session, "after_commit", count)
    try:
        yield
    finally:
        event.remove(session, "after_commit", count)
    assert not commits, (
        f"{call} committed the session; leave committing to the caller, who may have more to do "
        "in the same unit of work (and decides when it is complete)."
    )


def find_relationship(
    kata: Any, owner: str, name: str, target: str, expected: str, configure_hint: str
) -> Any:
    """The relationship `owner.name` of the kata's models, after checking that the models
    configure (else `configure_hint` says why not), that it exists and that it leads to `target`."""
    cls = getattr(kata, owner)
    try:
        relationships = inspect(cls).relationships
    except SQLAlchemyError as exc:
        pytest.fail(
            f"The models do not configure: {type(exc).__name__}: {exc}\n{configure_hint}",
            pytrace=False,
        )
    if name not in relationships:
        pytest.fail(f"{owner} has no relationship `{name}`; expected `{expected}`.", pytrace=False)
    rel = relationships[name]
    assert rel.mapper.class_ is getattr(kata, target), (
        f"{owner}.{name} leads to {rel.mapper.class_.__name__}; expected {target}: `{expected}`."
    )
    return rel
