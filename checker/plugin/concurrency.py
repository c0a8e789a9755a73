"""Sending many requests at once, for checks of what an app does under concurrency (a session
per request, no connection left checked out). Bounded in count, in concurrency and in time, and
only to the app in this process or a server on loopback.

    from checker.plugin.concurrency import send_at_once
    responses = await send_at_once(app_client, [("GET", "/posts/1")] * 50)
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

MAX_REQUESTS = 200  # more proves nothing a check needs, and only slows the learner down
MAX_AT_ONCE = 8  # below a check's CONNECTION LIMIT (10), leaving room for the app's own
DEADLINE = 10.0  # seconds for all of them together
_LOOPBACK = ("kata", "127.0.0.1", "localhost", "::1")  # "kata": the in-process app client


async def send_at_once(
    client: httpx.AsyncClient,
    requests: list[tuple[str, str] | tuple[str, str, dict[str, Any]]],
    at_once: int = MAX_AT_ONCE,
) -> list[httpx.Response]:
    """Send `requests` (method, path[, httpx options]) with up to `at_once` in flight; returns
    the responses in the same order."""
    if len(requests) > MAX_REQUESTS:
        raise ValueError(f"send_at_once sends at most {MAX_REQUESTS} requests, not {len(requests)}")
    if client.base_url.host not in _LOOPBACK:
        raise ValueError(f"send_at_once sends only to this machine, not {client.base_url.host}")
    gate = asyncio.Semaphore(max(1, min(at_once, MAX_AT_ONCE)))

    async def send(method: str, path: str, options: dict[str, Any]) -> httpx.Response:
        async with gate:
            return await client.request(method, path, **options)

    calls = [send(r[0], r[1], r[2] if len(r) > 2 else {}) for r in requests]  # type: ignore[misc]
    async with asyncio.timeout(DEADLINE):
        return list(await asyncio.gather(*calls))
