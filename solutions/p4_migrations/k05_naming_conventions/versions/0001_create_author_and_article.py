"""create author and article

No constraint here is given a name: op.create_table() names them through the naming convention
of the target MetaData (env.py's target_metadata = models.Base.metadata), exactly as the models
would: pk_author, uq_author_email, pk_article, fk_article_author_id_author, uq_article_slug,
ix_article_author_id. Without a convention the database would pick names of its own (Postgres:
article_slug_key, article_pkey …) or none at all (SQLite).
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "author",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(200), nullable=False, unique=True),
    )
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("author.id"), nullable=False),
        sa.Column("headline", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False, unique=True),
        sa.Column("views", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index(op.f("ix_article_author_id"), "article", ["author_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_article_author_id"), table_name="article")
    op.drop_table("article")
    op.drop_table("author")
