"""Fixtures for checks that drive the learner's FastAPI app.

  app_env     DATABASE_URL set to this check's fresh database (async URL): how an app kata
              learns where its database is (its settings read it from the environment)
  app_client  an httpx.AsyncClient on the learner's `app` through ASGITransport, inside the
              app's lifespan (asgi-lifespan), so startup and shutdown code is graded too
  app_runs    `async with app_runs() as client:` the same, stopped at the end of the block, for
              checks of what shutdown leaves behind, or of a restart
  live_server the app under uvicorn in a subprocess on a free loopback port (`live_server.url`)

Every request a client sends is recorded as an exchange (method, path, status, body excerpt)
with the range of statements it caused, and shown beside that SQL when a check fails.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from checker.plugin.fixtures import run_state
from checker.plugin.live_server import LiveServer, start_live_server
from checker.plugin.run_state import RunState

if TYPE_CHECKING:  # httpx and asgi-lifespan load only when a check drives an app
    import httpx

DATABASE_URL_VARIABLE = "DATABASE_URL"
BODY_EXCERPT = 300  # characters of a response body kept for the learner to read
STARTUP_TIMEOUT = 10.0  # seconds an app's lifespan startup may take


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, async_db_url: str) -> str:
    """Points the app at this check's database: DATABASE_URL, as its settings expect."""
    monkeypatch.setenv(DATABASE_URL_VARIABLE, async_db_url)
    return async_db_url


def exchange_hooks(
    state: RunState, collect: Callable[[], None] | None = None
) -> dict[str, list[Any]]:
    """httpx event hooks that record each request, its response and the statements between.
    `collect`, if given, brings in statements sent elsewhere (a live server) before the range
    of a response is taken."""

    async def on_request(request: httpx.Request) -> None:
        request.extensions["checker_first_statement"] = len(state.capture.statements)

    async def on_response(response: httpx.Response) -> None:
        await response.aread()
        if collect is not None:
            collect()
        request = response.request
        first = request.extensions.get("checker_first_statement", len(state.capture.statements))
        body = response.text
        state.exchanges.append(
            {
                "method": request.method,
                "path": request.url.raw_path.decode("ascii", "replace"),
                "status": response.status_code,
                "body": body if len(body) <= BODY_EXCERPT else body[: BODY_EXCERPT - 1] + "…",
                "statements": [first, len(state.capture.statements)],
            }
        )

    return {"request": [on_request], "response": [on_response]}


def _keeping_errors(app: Any, errors: list[BaseException]) -> Any:
    """The ASGI app, with the exceptions it raises kept in `errors`."""

    async def recorded(scope: Any, receive: Any, send: Any) -> None:
        try:
            await app(scope, receive, send)
        except Exception as exc:
            errors.append(exc)
            raise

    return recorded


@asynccontextmanager
async def running_app(
    app: Any, state: RunState, errors: list[BaseException] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The app started (its lifespan), an httpx client on it, and the app stopped at the end.
    With `errors`, an exception the app raises becomes a 500 (as under a server) and is kept
    there, so that requests sent together all finish."""
    import httpx
    from asgi_lifespan import LifespanManager

    async with LifespanManager(app, startup_timeout=STARTUP_TIMEOUT) as manager:
        served = manager.app if errors is None else _keeping_errors(manager.app, errors)
        transport = httpx.ASGITransport(app=served, raise_app_exceptions=errors is None)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://kata", event_hooks=exchange_hooks(state)
        ) as client:
            yield client


@pytest_asyncio.fixture
async def app_client(
    request: pytest.FixtureRequest, kata: Any, app_env: str
) -> AsyncIterator[httpx.AsyncClient]:
    """The learner's app, started (its lifespan), driven over ASGI with httpx."""
    async with running_app(kata.app, run_state(request.config)) as client:
        yield client


@pytest.fixture
def app_runs(
    request: pytest.FixtureRequest, kata: Any, app_env: str
) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """`async with app_runs() as client:` starts the app and stops it at the end of the block,
    inside the check, so a check can look at what shutdown left behind, or start it again.
    `app_runs(errors=[])` turns the app's exceptions into 500s, kept in that list."""
    state = run_state(request.config)
    return lambda errors=None: running_app(kata.app, state, errors)


@pytest.fixture
def live_server(request: pytest.FixtureRequest, kata: Any, app_env: str) -> Iterator[LiveServer]:
    """The code being graded (the learner's files, the solution or a mutant) served by uvicorn in
    a subprocess; the SQL it sends comes back into this check's statements."""
    state = run_state(request.config)
    server = start_live_server(request, state)

    def collect() -> None:
        state.capture.merge(server.read_statements())

    server.hooks = exchange_hooks(state, collect)
    try:
        yield server
    finally:
        server.stop()
        collect()
        shutil.rmtree(server.folder, ignore_errors=True)
