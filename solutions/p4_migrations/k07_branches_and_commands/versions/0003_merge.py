"""merge the two branches: 0002a (tag) and 0002b (post.views)"""

revision = "0003"
# BEGIN SOLUTION make this revision the merge point of both heads
# STUB: down_revision = "0002a"
down_revision = ("0002a", "0002b")
# END SOLUTION
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
