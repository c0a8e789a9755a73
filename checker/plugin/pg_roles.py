"""Postgres, for the per-check isolation (`checker.plugin.isolation`): the names of a run's roles
and schemas, the SQL that makes and drops them (one round trip per step), the SCRAM secret of a
check's password, and how many grading processes the server's connection limit allows."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import socket

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from checker.plugin.zones import DATABASE_ZONE

# A check that waits on a lock its own code holds gets an error instead of hanging.
LOCK_TIMEOUT_MS = 5000

# Connections one check's role may hold at once. The workbook's checks need a handful (an engine,
# a second one to read back what was committed, a subprocess); a loop that leaks engines hits this
# limit and fails its own check instead of using up the server's connections for everybody.
CHECK_CONNECTION_LIMIT = 10

# The learner's connections authenticate with SCRAM where the server asks for a password. The
# password is random (144 bits), so PBKDF2's iterations, there to slow down guessing of chosen
# passwords, protect nothing here; a low count keeps both the role's creation and every learner
# connection cheap (4096 iterations cost the server about 3 ms per role and libpq 1.5 ms per
# connection).
SCRAM_ITERATIONS = 16

PREFIX = "ck"


def host_tag() -> str:
    """A short, stable tag for this machine, so that a run sweeps only its own host's leftovers."""
    return hashlib.sha1(socket.gethostname().encode(), usedforsecurity=False).hexdigest()[:6]


def run_prefix(pid: int) -> str:
    """The name every object of one run starts with (and its admin connection's
    application_name, which tells other runs on the server that the run is alive)."""
    return f"{PREFIX}_{host_tag()}_{pid}"


def pid_of(name: str, host: str) -> int | None:
    """The pid in a name made by `run_prefix` on this host, or None for any other name."""
    match = re.fullmatch(rf"{PREFIX}_{host}_(\d+)(?:_\d+)?", name)
    return int(match[1]) if match else None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process, but alive
        return True
    return True


def scram_verifier(
    password: str, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS
) -> str:
    """The SCRAM-SHA-256 secret Postgres stores for `password` (RFC 5802, RFC 7677). Given to
    CREATE ROLE … PASSWORD, it is stored as is: the server does not hash it again."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


# --- the SQL, one round trip per step -----------------------------------------------------------
# Names are made here from [a-z0-9_] only, never from input, so quoting them is enough.


def create_role_sql(name: str, verifier: str, grant_to_admin: bool) -> str:
    # CREATE SCHEMA … AUTHORIZATION needs the admin to be a member of the role unless it is a
    # superuser (managed services give CREATEROLE, not superuser).
    grant = f'GRANT "{name}" TO CURRENT_USER; ' if grant_to_admin else ""
    return (
        f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{verifier}' "
        f"CONNECTION LIMIT {CHECK_CONNECTION_LIMIT}; "
        f"ALTER ROLE \"{name}\" SET lock_timeout = '{LOCK_TIMEOUT_MS}ms'; "
        # Only its own schema: a table someone left in `public` must not stand in for one the
        # check's code failed to create (it would answer "permission denied", or worse, rows).
        f'ALTER ROLE "{name}" SET search_path = "{name}"; '
        # A session zone that is not UTC, so that code relying on it shows (checker.plugin.zones).
        f"ALTER ROLE \"{name}\" SET TimeZone = '{DATABASE_ZONE}'; "
        # A schema that lives for one check needs no durability: commits that do not wait for
        # the WAL to reach the disk make Postgres checks much faster, and lose nothing a check
        # could notice (only a server crash would, and the schema is thrown away anyway).
        f'ALTER ROLE "{name}" SET synchronous_commit = off; '
        f"{grant}"
        f'CREATE SCHEMA "{name}" AUTHORIZATION "{name}"'
    )


def drop_role_sql(name: str) -> str:
    # NOLOGIN is committed first (explicit BEGIN/COMMIT inside one simple query), so that nothing
    # can connect as the role between the terminations and the drop. Terminated backends release
    # their locks as they exit; the DROPs queue behind those locks rather than polling for exits.
    # DROP OWNED BY takes what the schema does not hold: large objects, default privileges.
    return (
        f'BEGIN; ALTER ROLE "{name}" NOLOGIN; COMMIT; '
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{name}'; "
        f'DROP SCHEMA IF EXISTS "{name}" CASCADE; '
        f'DROP OWNED BY "{name}"; '
        f'DROP ROLE "{name}"'
    )


def drop_role_steps(name: str) -> list[str]:
    """The drop one statement at a time, for when the batch failed (each may fail alone)."""
    return [
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{name}'",
        f'DROP SCHEMA IF EXISTS "{name}" CASCADE',
        f'DROP OWNED BY "{name}"',
        f'DROP ROLE IF EXISTS "{name}"',
    ]


def create_schema_sql(name: str) -> str:
    return f'CREATE SCHEMA "{name}"'


def drop_schema_sql(name: str) -> str:
    # The check's connections run as the admin's user; the application_name its URL sets is what
    # tells them apart from the admin's (unless the check's code changed it).
    return (
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE application_name = '{name}' AND usename = current_user "
        "AND pid <> pg_backend_pid(); "
        f'DROP SCHEMA IF EXISTS "{name}" CASCADE'
    )


# Everything of this host's runs on the server, and which runs still have an admin session, in one
# round trip. pg_namespace lists the schemas of this database only; roles are cluster-wide.
LEFTOVERS_SQL = """
SELECT 'role', rolname FROM pg_roles WHERE starts_with(rolname, :prefix)
UNION ALL SELECT 'schema', nspname FROM pg_namespace WHERE starts_with(nspname, :prefix)
UNION ALL SELECT 'session', application_name FROM pg_stat_activity
    WHERE starts_with(application_name, :prefix)
"""


def execute(connection: Connection, sql: str) -> None:
    # Several statements in one execute: psycopg2 sends them as one simple query, one round trip.
    # no_parameters: without it psycopg2 would treat any % in the SQL as a placeholder.
    connection.exec_driver_sql(sql, execution_options={"no_parameters": True})


def first_line(exc: BaseException) -> str:
    origin = getattr(exc, "orig", None) or exc
    return str(origin).strip().splitlines()[0] if str(origin).strip() else type(exc).__name__


def connection_budget(server_url: str) -> int:
    """How many grading processes can run at once against this Postgres server.

    Each one holds an admin connection and runs one check at a time, whose role may open up to
    CHECK_CONNECTION_LIMIT connections: so the connections left free for ordinary (non-superuser)
    users, `max_connections` less the reserved slots less those in use now, divided by
    CHECK_CONNECTION_LIMIT + 1. Zero means not even one fits: grade serially and expect "too many
    connections" errors. (With "schema" isolation nothing enforces the per-check limit; the same
    budget is a fair guess.)
    """
    engine = create_engine(server_url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            free = connection.execute(
                text(
                    "SELECT current_setting('max_connections')::int"
                    " - current_setting('superuser_reserved_connections')::int"
                    # reserved_connections arrived in Postgres 16
                    " - coalesce(current_setting('reserved_connections', true), '0')::int"
                    " - (SELECT count(*) FROM pg_stat_activity"
                    "    WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return max(0, int(free) // (CHECK_CONNECTION_LIMIT + 1))
