"""Which database the checks run on. SQLite needs nothing; Postgres needs a URL and a server."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from checker.errors import CheckerError

# Matches docker-compose.yml, so that `docker compose up -d` is all a learner has to do.
DEFAULT_POSTGRES_URL = "postgresql+psycopg2://checker:checker@localhost:5432/checker"
URL_VARIABLE = "CHECKER_DATABASE_URL"
KINDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class DatabaseTarget:
    kind: str  # "sqlite" or "postgres"
    url: str | None = None  # the server for postgres; SQLite gets a fresh file per check

    @property
    def label(self) -> str:
        return "SQLite" if self.kind == "sqlite" else f"Postgres ({mask_password(self.url or '')})"


def mask_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def normalize_postgres_url(url: str) -> str:
    """Sync checks use psycopg2; accept the plain forms people copy from elsewhere."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    if url.startswith("postgresql+"):
        return url
    raise CheckerError(
        f"The database URL {mask_password(url)!r} is not a PostgreSQL URL. Use one like "
        f"{DEFAULT_POSTGRES_URL} (or leave --db-url out to use SQLite, which needs no server)."
    )


def resolve_target(db: str | None, db_url: str | None) -> DatabaseTarget:
    """--db and --db-url as the learner gave them: a URL alone means Postgres."""
    kind = db or ("postgres" if db_url else "sqlite")
    if kind not in KINDS:
        raise CheckerError(f"Unknown database {kind!r}: use --db sqlite or --db postgres.")
    if kind == "sqlite":
        if db_url:
            raise CheckerError(
                "--db-url is for Postgres; SQLite checks always get a fresh database of their own. "
                "Drop --db-url, or use --db postgres."
            )
        return DatabaseTarget("sqlite")
    url = db_url or os.environ.get(URL_VARIABLE) or DEFAULT_POSTGRES_URL
    return DatabaseTarget("postgres", normalize_postgres_url(url))


def unreachable_message(url: str, reason: str) -> str:
    return (
        f"Could not connect to Postgres at {mask_password(url)} "
        f"({reason.strip().splitlines()[0]}). "
        "Start the workbook's database with `docker compose up -d` (then wait a few seconds for "
        f"it to become healthy), or point {URL_VARIABLE} / --db-url at a server you have. "
        "Without Postgres, leave out --db postgres: the checks run on SQLite."
    )
