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
    # BEGIN SOLUTION add first_name and last_name (nullable), fill both with one UPDATE, make them NOT NULL, drop full_name
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_name", sa.String(100), nullable=True))
        batch_op.add_column(sa.Column("last_name", sa.String(100), nullable=True))

    user_account = sa.table(
        "user_account",
        sa.column("full_name", sa.String),
        sa.column("first_name", sa.String),
        sa.column("last_name", sa.String),
    )
    full_name = user_account.c.full_name
    space = find(full_name, " ")
    op.execute(
        user_account.update().values(
            first_name=sa.case(
                (space > 0, sa.func.substr(full_name, 1, space - 1)), else_=full_name
            ),
            last_name=sa.case((space > 0, sa.func.substr(full_name, space + 1)), else_=""),
        )
    )

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("first_name", existing_type=sa.String(100), nullable=False)
        batch_op.alter_column("last_name", existing_type=sa.String(100), nullable=False)
        batch_op.drop_column("full_name")
    # END SOLUTION


def downgrade() -> None:
    # BEGIN SOLUTION add full_name back (nullable), rebuild it from first and last name (trimmed: one-word names have last_name ''), make it NOT NULL, drop the two parts
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("full_name", sa.String(100), nullable=True))

    op.execute(sa.text("UPDATE user_account SET full_name = trim(first_name || ' ' || last_name)"))

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("full_name", existing_type=sa.String(100), nullable=False)
        batch_op.drop_column("first_name")
        batch_op.drop_column("last_name")
    # END SOLUTION
