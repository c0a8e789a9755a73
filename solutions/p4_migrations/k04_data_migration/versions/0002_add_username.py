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
    # BEGIN SOLUTION add username (nullable), backfill it with one UPDATE (the email's local part, lowercased), then make it NOT NULL with the unique constraint uq_user_account_username
    op.add_column("user_account", sa.Column("username", sa.String(64), nullable=True))

    # The table as this revision knows it, not the models: models.py describes the head, and
    # will keep changing after this file is written; a migration must run the same way forever.
    user_account = sa.table(
        "user_account",
        sa.column("email", sa.String),
        sa.column("username", sa.String),
    )
    local_part = sa.func.substr(user_account.c.email, 1, find(user_account.c.email, "@") - 1)
    op.execute(user_account.update().values(username=sa.func.lower(local_part)))

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("username", existing_type=sa.String(64), nullable=False)
        batch_op.create_unique_constraint("uq_user_account_username", ["username"])
    # END SOLUTION


def downgrade() -> None:
    # BEGIN SOLUTION drop the unique constraint, then the column
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint("uq_user_account_username", type_="unique")
        batch_op.drop_column("username")
    # END SOLUTION
