"""rename article to post, headline to title; drop the unique slug, add a check on views

Every constraint is found by the name the naming convention gave it, and every name that held
the old table's name is renamed with it, so the next migration can compute them again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    # BEGIN SOLUTION rename the table and the column, drop uq_article_slug, add the check, and rename pk/fk/index to post's names
    op.rename_table("article", "post")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER SEQUENCE article_id_seq RENAME TO post_id_seq")
    with op.batch_alter_table("post") as batch:
        batch.alter_column(
            "headline",
            new_column_name="title",
            existing_type=sa.String(200),
            existing_nullable=False,
        )
        batch.drop_constraint("uq_article_slug", type_="unique")
        batch.create_check_constraint("views_not_negative", "views >= 0")
        batch.drop_constraint("pk_article", type_="primary")
        batch.create_primary_key("pk_post", ["id"])
        batch.drop_constraint("fk_article_author_id_author", type_="foreignkey")
        batch.create_foreign_key("fk_post_author_id_author", "author", ["author_id"], ["id"])
        batch.drop_index("ix_article_author_id")
        batch.create_index("ix_post_author_id", ["author_id"])
    # END SOLUTION


def downgrade() -> None:
    # BEGIN SOLUTION undo it all in reverse: names back to article's, the unique back, the check gone
    with op.batch_alter_table("post") as batch:
        batch.drop_index("ix_post_author_id")
        batch.create_index("ix_article_author_id", ["author_id"])
        batch.drop_constraint("fk_post_author_id_author", type_="foreignkey")
        batch.create_foreign_key("fk_article_author_id_author", "author", ["author_id"], ["id"])
        batch.drop_constraint("pk_post", type_="primary")
        batch.create_primary_key("pk_article", ["id"])
        batch.drop_constraint(op.f("ck_post_views_not_negative"), type_="check")
        batch.create_unique_constraint("uq_article_slug", ["slug"])
        batch.alter_column(
            "title",
            new_column_name="headline",
            existing_type=sa.String(200),
            existing_nullable=False,
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER SEQUENCE post_id_seq RENAME TO article_id_seq")
    op.rename_table("post", "article")
    # END SOLUTION
