"""merge the two branches: 0002a (tag) and 0002b (post.views)"""

revision = "0003"
# TODO: make this revision the merge point of both heads
down_revision = "0002a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
