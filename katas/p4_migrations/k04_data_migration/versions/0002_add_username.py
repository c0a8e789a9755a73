"""add user_account.username, backfilled from the email

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-02 10:15:00

Three steps, because the table already has rows: add the column nullable (the rows have no
username yet), fill it in with one UPDATE for the whole table, and only then refuse NULL and
make it unique.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def find(string: sa.ColumnElement[str], char: str) -> sa.ColumnElement[int]:
    """Where `char` first is in `string` (1 for the first character; 0 when it is not there):
    instr() on SQLite, strpos() on Postgres. SQL has no one spelling for it on both."""
    if op.get_bind().dialect.name == "sqlite":
        return sa.func.instr(string, char)
    return sa.func.strpos(string, char)


def upgrade() -> None:
    # TODO: add username (nullable), backfill it with one UPDATE (the email's local part, lowercased), then make it NOT NULL with the unique constraint uq_user_account_username
    raise NotImplementedError("add username (nullable), backfill it with one UPDATE (the email's local part, lowercased), then make it NOT NULL with the unique constraint uq_user_account_username")


def downgrade() -> None:
    # TODO: drop the unique constraint, then the column
    raise NotImplementedError('drop the unique constraint, then the column')
