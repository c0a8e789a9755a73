"""comments, and post.published

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # BEGIN SOLUTION add post.published (NOT NULL, server default false); create comment (post_id → post.id ON DELETE CASCADE, created_at defaulting to now) and its index ix_comment_post_id
    op.add_column(
        "post",
        sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "post_id",
            sa.Integer(),
            sa.ForeignKey("post.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
    )
    op.create_index("ix_comment_post_id", "comment", ["post_id"])
    # END SOLUTION


def downgrade() -> None:
    # BEGIN SOLUTION undo upgrade() in reverse order: the index, comment, then post.published
    op.drop_index("ix_comment_post_id", table_name="comment")
    op.drop_table("comment")
    with op.batch_alter_table("post") as batch:
        batch.drop_column("published")
    # END SOLUTION
