"""drop post.slug; the downgrade brings it back, filled in and NOT NULL again"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("post") as batch:
        batch.drop_column("slug")


def downgrade() -> None:
    op.add_column("post", sa.Column("slug", sa.String(200), nullable=True))
    op.execute("UPDATE post SET slug = 'post-' || id")
    with op.batch_alter_table("post") as batch:
        batch.alter_column("slug", existing_type=sa.String(200), nullable=False)
