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
    # TODO: add post.published (NOT NULL, server default false); create comment (post_id → post.id ON DELETE CASCADE, created_at defaulting to now) and its index ix_comment_post_id
    raise NotImplementedError('add post.published (NOT NULL, server default false); create comment (post_id → post.id ON DELETE CASCADE, created_at defaulting to now) and its index ix_comment_post_id')


def downgrade() -> None:
    # TODO: undo upgrade() in reverse order: the index, comment, then post.published
    raise NotImplementedError('undo upgrade() in reverse order: the index, comment, then post.published')
