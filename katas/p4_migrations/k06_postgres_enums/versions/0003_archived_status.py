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
    # TODO: add the value in an autocommit block, then set status = 'archived' where is_archived, then drop is_archived
    raise NotImplementedError("add the value in an autocommit block, then set status = 'archived' where is_archived, then drop is_archived")


def downgrade() -> None:
    # TODO: bring is_archived back from the status, archived -> draft, then rebuild the type without 'archived'
    raise NotImplementedError("bring is_archived back from the status, archived -> draft, then rebuild the type without 'archived'")
