"""split user_account.full_name into first_name and last_name

Revision ID: 0003
Revises: 0002
Create Date: 2026-03-09 16:40:00

The first word is the first name and the rest is the last name ("Guido van Rossum": "Guido",
"van Rossum"); a name of one word has the last name ''. The downgrade puts them back together.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def find(string: sa.ColumnElement[str], char: str) -> sa.ColumnElement[int]:
    """Where `char` first is in `string` (1 for the first character; 0 when it is not there):
    instr() on SQLite, strpos() on Postgres. SQL has no one spelling for it on both."""
    if op.get_bind().dialect.name == "sqlite":
        return sa.func.instr(string, char)
    return sa.func.strpos(string, char)


def upgrade() -> None:
    # TODO: add first_name and last_name (nullable), fill both with one UPDATE, make them NOT NULL, drop full_name
    raise NotImplementedError('add first_name and last_name (nullable), fill both with one UPDATE, make them NOT NULL, drop full_name')


def downgrade() -> None:
    # TODO: add full_name back (nullable), rebuild it from first and last name (trimmed: one-word names have last_name ''), make it NOT NULL, drop the two parts
    raise NotImplementedError("add full_name back (nullable), rebuild it from first and last name (trimmed: one-word names have last_name ''), make it NOT NULL, drop the two parts")
