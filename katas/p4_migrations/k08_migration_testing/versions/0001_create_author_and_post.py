"""create author and post (with a slug, which 0003 drops)"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "author",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
    )
    op.create_table(
        "post",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("author.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
    )
    op.create_index("ix_post_author_id", "post", ["author_id"])


def downgrade() -> None:
    op.drop_index("ix_post_author_id", table_name="post")
    op.drop_table("post")
    op.drop_table("author")
