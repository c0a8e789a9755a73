"""Kata 4.4 — Data migrations: add, backfill, then NOT NULL

Revision 0001 made user_account(id, full_name, email), and production has thousands of rows in
it. The models (models.py) have moved on: a user has a unique username, and a name in two
parts. A schema change on a table with rows is also a *data* change: every row needs a value in
each new NOT NULL column, computed from what the row already holds, and the downgrade must be
able to compute the old values back.

The pattern is always the same three steps:

1. add the column nullable (the rows have no value yet; NOT NULL would refuse them),
2. fill it in with ONE set-based UPDATE for the whole table (not a Python loop per row),
3. only then tighten it: NOT NULL, unique, and drop what it replaces.

Write the data steps with `op.execute(...)`, either `sa.text("UPDATE ...")` or a lightweight
`sa.table("user_account", sa.column("email"), ...)` construct. Never import models.py in a
migration: the models describe the schema at the head and will keep changing, while revision
0002 must still run, unchanged, against a database at 0001 years from now.

Build (both files' upgrade() and downgrade(); the revision ids are given):

1. versions/0002_add_username.py, upgrade(): add `user_account.username` (String(64)) nullable;
   set every row's username to its email's local part (before the '@'), lowercased
   ("Ada.Lovelace@Example.com" -> "ada.lovelace"); then make it NOT NULL and add the unique
   constraint `uq_user_account_username` (a batch block on SQLite). `find(string, "@")`, given,
   is the portable position of a character (instr on SQLite, strpos on Postgres).
2. 0002's downgrade(): drop the constraint and the column.
3. versions/0003_split_full_name.py, upgrade(): add `first_name` and `last_name` (String(100));
   the first word of full_name is the first name, the rest the last name ("Guido van Rossum" ->
   "Guido", "van Rossum"; "Cher" -> "Cher", ''); make both NOT NULL; drop full_name.
4. 0003's downgrade(): add full_name back and rebuild it from the two parts (trimmed, so that
   "Cher" comes back as "Cher", not "Cher "), NOT NULL again; drop first_name and last_name.

Every row survives every step, both ways; the upgrades work on an empty table and on a big one.

Try it by hand:

    cd katas/p4_migrations/k04_data_migration
    alembic upgrade 0001
    sqlite3 dev.db "INSERT INTO user_account (full_name, email) VALUES ('Ada King', 'Ada@X.org')"
    alembic upgrade head && sqlite3 dev.db "SELECT * FROM user_account"
    alembic downgrade 0001 && sqlite3 dev.db "SELECT * FROM user_account"

Lesson: phases/p4_migrations/README.md, section 4.4.
"""
