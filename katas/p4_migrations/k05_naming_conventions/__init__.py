"""Kata 4.5 — Renames and named constraints: a naming convention.

A migration that drops or alters a constraint must name it: `op.drop_constraint("uq_article_slug",
"article", type_="unique")`. Where does that name come from? Left to the database, every engine
picks its own (Postgres: `article_slug_key`, `article_pkey`; SQLite: none at all), so the
migration that works on your laptop fails in CI. A *naming convention* on the models' MetaData
makes every name a function of the table and columns — `uq_article_slug`, `fk_post_author_id_author`
— the same on every database, so a migration can compute the name of what it drops. env.py
passes the MetaData to Alembic (`target_metadata`), and `op.create_table()`, `op.create_index()`
and batch mode name things with its convention too.

Renames are where it shows: `op.rename_table("article", "post")` keeps the rows but not the
meaning of the names — the primary key is still `pk_article`, the index `ix_article_author_id`,
and on Postgres the id sequence `article_id_seq`. A name that no longer follows the convention
cannot be computed by the next migration, so rename them with the table.

The project: `models.py` describes the schema after 0002 (given, except for the convention),
`versions/0001_create_author_and_article.py` (given) creates `author` and `article` without
naming a single constraint: the convention does it.

Build:
1. models.py: `NAMING_CONVENTION`, the convention from the SQLAlchemy docs —
   "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
   "ck": "ck_%(table_name)s_%(constraint_name)s",
   "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s".
   (Base already passes it to its MetaData.) Now 0001 makes pk_author, uq_author_email,
   pk_article, fk_article_author_id_author, uq_article_slug and ix_article_author_id.
2. versions/0002_rename_article_to_post.py, upgrade():
   a. rename the table `article` to `post` (rows kept); on Postgres rename its sequence too,
      `article_id_seq` → `post_id_seq` (`op.execute`, only when `op.get_bind().dialect.name ==
      "postgresql"`: SQLite has no sequences);
   b. in `with op.batch_alter_table("post") as batch:` (SQLite can only alter a table by copying
      it; on Postgres the same block runs plain ALTER TABLEs): rename the column `headline` to
      `title` (`alter_column(..., new_column_name=...)`); drop the unique constraint
      `uq_article_slug` by name; add the check constraint named `views_not_negative`, `views >= 0`
      (the convention makes it `ck_post_views_not_negative`);
   c. rename what still carries the old table's name: primary key `pk_article` → `pk_post`,
      foreign key `fk_article_author_id_author` → `fk_post_author_id_author`, index
      `ix_article_author_id` → `ix_post_author_id` (drop, then create under the new name).
3. downgrade(): undo it all, in reverse, back to exactly what 0001 made. Careful: a name that
   already carries the prefix is wrapped in `op.f()` when the convention has %(constraint_name)s
   in it (`op.f("ck_post_views_not_negative")`), or the convention prefixes it a second time.

Try it by hand: `cd katas/p4_migrations/k05_naming_conventions && alembic upgrade head`, then
`alembic downgrade base` (alembic.ini points at dev.db in that folder).

Run it: `checker kata 4.5`. The lesson: phases/p4_migrations/README.md, "4.5 Renames and named
constraints".
"""
