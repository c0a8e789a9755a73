"""Kata 4.6 — Postgres enum types: create, extend, drop (Postgres only).

A Postgres ENUM is a type of its own, `CREATE TYPE post_status AS ENUM ('draft', 'published')`,
that lives in the schema beside the tables: a column uses it, but dropping the column leaves it.
Alembic's `add_column` and `drop_column` touch the column only, so a migration that adds an enum
column creates the type itself, and its downgrade drops it — the classic bug is a downgrade that
leaves the type behind, and the next upgrade failing with `type "post_status" already exists`.

Changing the values is harder. `ALTER TYPE post_status ADD VALUE 'archived'` appends one, but the
new value cannot be used in the transaction that added it (Postgres: "unsafe use of new enum
value"; before Postgres 12 the statement could not run in a transaction at all). Alembic runs a
whole `upgrade` in one transaction, so the ADD VALUE goes in
`with op.get_context().autocommit_block():`, which commits what came before and runs the block
outside a transaction. Removing a value is impossible: the type is rebuilt (rename the old one,
create the new one, convert the column with USING, drop the old one), and the rows holding the
value that disappears must first become something else — a data decision, written down.

The project: `models.py` describes post after 0003 (given), `versions/0001_create_post.py` (given)
creates post (id, title, is_archived boolean). Run it on Postgres: the checks need
`checker kata 4.6 --db postgres`.

Build:
1. versions/0002_add_post_status.py (`post_status = sa.Enum("draft", "published",
   name="post_status", create_type=False)` is given):
   upgrade(): create the type (`post_status.create(op.get_bind())`), then add `post.status`,
   NOT NULL, `server_default="draft"` (which fills the existing rows).
   downgrade(): drop the column, then the type (`post_status.drop(op.get_bind())`).
2. versions/0003_archived_status.py:
   upgrade(): add the value 'archived' in an autocommit block; set `status = 'archived'` for the
   posts whose `is_archived` is true; drop the column `is_archived` (the status says it now).
   downgrade(): add `is_archived` back (boolean, NOT NULL, server default false); for the
   'archived' posts set `is_archived = true, status = 'draft'` (the data decision: kept, not
   published, still marked archived); then rebuild post_status with the two old values:
   ALTER TYPE ... RENAME TO post_status_old; CREATE TYPE post_status AS ENUM ('draft',
   'published'); ALTER COLUMN status DROP DEFAULT; ALTER COLUMN status TYPE post_status USING
   status::text::post_status; SET DEFAULT 'draft'; DROP TYPE post_status_old.

Try it by hand: set sqlalchemy.url in `katas/p4_migrations/k06_postgres_enums/alembic.ini` to a
Postgres database of yours, then `alembic upgrade head`, `alembic downgrade base`.

Run it: `checker kata 4.6 --db postgres`. The lesson: phases/p4_migrations/README.md, "4.6
Postgres enum types".
"""
