"""add 'archived' to post_status; archived posts move from is_archived to status

Postgres can add a value to an enum type but never remove one: the downgrade rebuilds the type
with the two old values. Its data decision: an archived post goes back to 'draft' with
is_archived = true, so no post is lost and none is published by accident.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    # BEGIN SOLUTION add the value in an autocommit block, then set status = 'archived' where is_archived, then drop is_archived
    with op.get_context().autocommit_block():
        op.execute("ALTER TYPE post_status ADD VALUE 'archived'")
    op.execute("UPDATE post SET status = 'archived' WHERE is_archived")
    op.drop_column("post", "is_archived")
    # END SOLUTION


def downgrade() -> None:
    # BEGIN SOLUTION bring is_archived back from the status, archived -> draft, then rebuild the type without 'archived'
    op.add_column(
        "post",
        sa.Column("is_archived", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute("UPDATE post SET is_archived = true, status = 'draft' WHERE status = 'archived'")
    op.execute("ALTER TYPE post_status RENAME TO post_status_old")
    op.execute("CREATE TYPE post_status AS ENUM ('draft', 'published')")
    op.execute("ALTER TABLE post ALTER COLUMN status DROP DEFAULT")
    op.execute(
        "ALTER TABLE post ALTER COLUMN status TYPE post_status USING status::text::post_status"
    )
    op.execute("ALTER TABLE post ALTER COLUMN status SET DEFAULT 'draft'")
    op.execute("DROP TYPE post_status_old")
    # END SOLUTION
