"""Kata 4.2 — A revision by hand: upgrade and downgrade.

A migration is a change to a live database: the tables already hold rows, and the change must
keep them. Written by hand, a revision is two functions in a file under versions/: `upgrade()`
makes the change with Alembic's operations (`op.create_table`, `op.add_column`,
`op.create_index`, …) and `downgrade()` undoes exactly that, in reverse order, so that
`alembic downgrade -1` brings the database back to the revision before. The file's `revision`
and `down_revision` chain it to the one before it; Alembic records where each database stands
in its `alembic_version` table.

The blog has users and posts (revision 0001, given). It now needs comments, and posts that are
drafts until published. models.py (given) already describes the target; env.py is the one kata
4.1 built.

Build `versions/0002_comments_and_published.py` (its revision = "0002" and down_revision =
"0001" are given), both bodies:
1. `upgrade()`:
   - add `post.published`: Boolean, NOT NULL, with a server default of false. The posts already
     there must become drafts: a NOT NULL column added to a table with rows needs a value for
     them, and the database writes the server default into every existing row
     (`server_default=sa.false()` or `sa.text("false")`).
   - create the table `comment`: `id` Integer primary key; `post_id` Integer NOT NULL, a foreign
     key to `post.id` with ON DELETE CASCADE (a post's comments go with it); `body` Text NOT
     NULL; `created_at` DateTime(timezone=True) NOT NULL, defaulting to the current time in the
     database (`server_default=sa.func.now()`).
   - an index `ix_comment_post_id` on `comment.post_id`.
2. `downgrade()`: remove all of it, in reverse order: the index, the table, then the column.
   SQLite cannot drop every column with a plain ALTER: `with op.batch_alter_table("post") as
   batch: batch.drop_column("published")` works on every database (plain `op.drop_column` works
   on Postgres, and on SQLite 3.35+ when nothing refers to the column).

The checks upgrade a fresh database, read its schema back and compare it with the task's; seed
posts at 0001 and read them after 0002 (published = false) and after its downgrade; delete a
post that has comments; run each revision up, down and up again; downgrade to base and look for
anything left; and compare the models with the migrated database. To try it by hand:
`cd katas/p4_migrations/k02_manual_revision && alembic upgrade head`, then `alembic downgrade
-1`, `alembic history`, `alembic upgrade head --sql`.

Run it: `checker kata 4.2`. The lesson: phases/p4_migrations/README.md, "4.2 A revision by hand".
"""
