"""add post.status (an enum type on Postgres) and an index on post.title"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

post_status = sa.Enum("draft", "published", name="post_status")


def upgrade() -> None:
    post_status.create(op.get_bind(), checkfirst=True)
    op.add_column("post", sa.Column("status", post_status, nullable=False, server_default="draft"))
    op.create_index("ix_post_title", "post", ["title"])


def downgrade() -> None:
    op.drop_index("ix_post_title", table_name="post")
    with op.batch_alter_table("post") as batch:
        batch.drop_column("status")
    post_status.drop(op.get_bind(), checkfirst=True)
