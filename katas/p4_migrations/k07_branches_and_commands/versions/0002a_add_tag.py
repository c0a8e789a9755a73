"""add the tag table (one developer's branch)"""

import sqlalchemy as sa
from alembic import op

revision = "0002a"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True),
    )


def downgrade() -> None:
    op.drop_table("tag")
