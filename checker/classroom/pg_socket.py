"""A Postgres URL as a sandbox with no network sees it: through the server's Unix socket.

The sandbox has its own loopback only (`--unshare-net`), so 127.0.0.1:5432 inside it is nobody.
A local server also listens on a Unix socket, a file that can be bound into the sandbox, and
libpq (psycopg2) and asyncpg both take a socket folder as `host`:
`postgresql+psycopg2://user@/db?host=/var/run/postgresql`. The folder is the one the server
reports (`SHOW unix_socket_directories`), else a usual one, and it counts only when a connection
through it reaches the same server as the URL (same start time): a server in a container answers
on the published TCP port, but its socket is inside the container.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from checker.cli.databases import mask_password
from checker.errors import CheckerError

# Where Debian/Ubuntu (/var/run/postgresql, /run/postgresql), and the PGDG/Homebrew/source builds
# (/tmp) put the socket; asked only after the server's own answer.
USUAL_FOLDERS = ("/var/run/postgresql", "/run/postgresql", "/tmp")
LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class SocketRoute:
    url: str  # the URL to give the code inside the sandbox
    socket: Path  # the socket file to bind into it (`<folder>/.s.PGSQL.<port>`)


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def socket_file(folder: str, port: int) -> Path:
    return Path(folder) / f".s.PGSQL.{port}"


def _is_socket(path: Path) -> bool:
    try:
        return stat.S_ISSOCK(path.stat().st_mode)
    except OSError:
        return False


def _ask(url: URL, sql: str) -> Any:
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _unreachable(url: str, why: str) -> CheckerError:
    return CheckerError(
        f"The database {mask_password(url)} is unreachable from the sandbox: {why} The sandbox "
        "has no network, so it reaches Postgres only through the server's Unix socket on this "
        "machine (a server in a container needs its socket folder shared with the host, e.g. a "
        "volume on /var/run/postgresql). Grade on SQLite, use a server installed on this machine, "
        "or grade without the sandbox."
    )


def _with_socket(url: URL, folder: str) -> URL:
    """The same URL through the socket folder: no host, the folder as the `host` parameter (the
    port names the socket file, so it stays when it is not the default)."""
    query = {**url.query, "host": folder}
    port = url.port if url.port not in (None, 5432) else None
    return URL.create(url.drivername, url.username, url.password, None, port, url.database, query)


def render(url: URL) -> str:
    """The URL as text with its query unescaped where it can be (`?host=/var/run/postgresql`, as
    libpq's documentation writes it): SQLAlchemy reads either form."""
    base = url.set(query={}).render_as_string(hide_password=False)
    if not url.query:
        return base
    pairs = [
        (k, v)
        for k, values in url.query.items()
        for v in (values if isinstance(values, tuple) else (values,))
    ]
    return f"{base}?{urlencode(pairs, safe='/')}"


@lru_cache(maxsize=16)
def route(url_text: str) -> SocketRoute:
    """How code in the sandbox reaches the Postgres server of `url_text`; CheckerError when it
    cannot (a remote server, a server with no socket on this machine, a server that is down)."""
    url = make_url(url_text)
    port = url.port or 5432
    given = url.query.get("host")
    if isinstance(given, str) and given.startswith("/"):  # already a socket URL
        path = socket_file(given, port)
        if not _is_socket(path):
            raise _unreachable(url_text, f"there is no socket {path}.")
        return SocketRoute(url_text, path)
    if (url.host or "") not in LOCAL_HOSTS:
        raise _unreachable(url_text, f"{url.host} is another machine.")
    try:
        started = _ask(url, "SELECT pg_postmaster_start_time()")
        reported = str(_ask(url, "SHOW unix_socket_directories") or "")
    except DBAPIError as exc:
        first = str(exc.orig or exc).strip().splitlines()
        raise _unreachable(
            url_text, f"it does not answer ({first[0] if first else type(exc).__name__})."
        ) from None
    folders = [f.strip() for f in reported.split(",") if f.strip().startswith("/")]
    for folder in dict.fromkeys([*folders, *USUAL_FOLDERS]):
        if not _is_socket(socket_file(folder, port)):
            continue
        through = _with_socket(url, folder)
        try:
            same = _ask(through, "SELECT pg_postmaster_start_time()") == started
        except DBAPIError:  # another server's socket, or `local` connections not allowed
            continue
        if same:
            return SocketRoute(render(through), socket_file(folder, port))
    raise _unreachable(
        url_text,
        f"no Unix socket on this machine reaches it (looked in {', '.join(folders or ['-'])} "
        f"and {', '.join(USUAL_FOLDERS)}; pg_hba.conf must also allow `local` connections).",
    )
