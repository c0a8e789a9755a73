"""The fixtures checks use to reach the learner's code and a database of their own.

kata       the module under test (katas/ by default; --kata-root / --kata-tree change it)
reference  the solution module, for differential checks
db         which database this run uses (`db.dialect` is "sqlite" or "postgresql")
db_url     the URL of a fresh, empty database for this check only
engine     an Engine on that database; session: a Session on it
queries    the SQL the check's body sent, with `queries.budget(n, "what")`, and the values
           bound to it: `queries.parameters(regex)`
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from checker.plugin.capture import QueryLog
from checker.plugin.isolation import Databases
from checker.plugin.loading import KataLoadError
from checker.plugin.run_state import KATA, REFERENCE, RunState, kata_of

STATE = pytest.StashKey[RunState]()
LOAD_FAILED = pytest.StashKey[bool]()


def run_state(config: pytest.Config) -> RunState:
    return config.stash[STATE]


def _kata_fixture(request: pytest.FixtureRequest, role: str) -> Any:
    state = run_state(request.config)
    if state.rerunning_on_reference:
        role = REFERENCE
    kata, root = kata_of(request.path)
    module = state.module(kata, root, role)
    if isinstance(module, KataLoadError):
        if role == KATA:
            request.node.stash[LOAD_FAILED] = True
            pytest.fail(str(module), pytrace=False)
        raise RuntimeError(f"the reference solution does not import: {module}")
    return module


@pytest.fixture
def kata(request: pytest.FixtureRequest) -> Any:
    """The learner's module (or whatever this run grades in its place)."""
    return _kata_fixture(request, KATA)


@pytest.fixture
def reference(request: pytest.FixtureRequest) -> Any:
    """The reference solution, for checks that compare against it."""
    return _kata_fixture(request, REFERENCE)


@pytest.fixture
def db(request: pytest.FixtureRequest) -> Databases:
    return run_state(request.config).databases


@pytest.fixture
def db_url(db: Databases) -> Iterator[str]:
    """A fresh, empty database for this check alone."""
    with db.fresh() as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    created = create_engine(db_url)
    yield created
    created.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as opened:
        yield opened


@pytest.fixture
def queries(request: pytest.FixtureRequest) -> QueryLog:
    return QueryLog(run_state(request.config).capture)
