"""add post.views (the other developer's branch, made from the same 0001)"""

import sqlalchemy as sa
from alembic import op

revision = "0002b"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "post", sa.Column("views", sa.Integer(), nullable=False, server_default=sa.text("0"))
    )


def downgrade() -> None:
    with op.batch_alter_table("post") as batch:
        batch.drop_column("views")
