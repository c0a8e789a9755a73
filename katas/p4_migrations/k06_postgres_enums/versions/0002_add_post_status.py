"""add post.status, a native enum post_status ('draft', 'published'); existing posts are drafts"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

# create_type=False: this revision creates and drops the type itself. (op.add_column never emits
# CREATE TYPE anyway; op.create_table would, unless create_type=False.)
post_status = sa.Enum("draft", "published", name="post_status", create_type=False)


def upgrade() -> None:
    # TODO: create the type post_status, then add post.status (NOT NULL, server default 'draft')
    raise NotImplementedError("create the type post_status, then add post.status (NOT NULL, server default 'draft')")


def downgrade() -> None:
    # TODO: drop the column, then the type
    raise NotImplementedError('drop the column, then the type')
