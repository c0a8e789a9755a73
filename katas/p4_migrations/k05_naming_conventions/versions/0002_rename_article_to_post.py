"""rename article to post, headline to title; drop the unique slug, add a check on views

Every constraint is found by the name the naming convention gave it, and every name that held
the old table's name is renamed with it, so the next migration can compute them again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    # TODO: rename the table and the column, drop uq_article_slug, add the check, and rename pk/fk/index to post's names
    raise NotImplementedError("rename the table and the column, drop uq_article_slug, add the check, and rename pk/fk/index to post's names")


def downgrade() -> None:
    # TODO: undo it all in reverse: names back to article's, the unique back, the check gone
    raise NotImplementedError("undo it all in reverse: names back to article's, the unique back, the check gone")
