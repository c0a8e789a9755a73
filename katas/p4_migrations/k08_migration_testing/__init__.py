"""Kata 4.8 — Testing migrations.

A migration that was never run in reverse, or never compared with the models, fails at the worst
moment: a rollback in production, or the next autogenerate that "finds" changes nobody made. A
project's CI can catch these mistakes before they ship, with four checks that pytest-alembic
popularised: one head; upgrade then downgrade leaves nothing behind; every revision survives
up/down/up; the models match the migrated database. You write them here, for this project
(models.py and versions/ 0001-0003 are correct: leave them as they are).

A check is only worth having if it can fail. The grader runs your functions on this project (they
must pass) and on broken copies of it that it makes itself (each must raise AssertionError on the
copies it is meant to catch): a downgrade that forgets a table, one that forgets an index, one
that forgets the enum type (Postgres), two heads, a model field no revision adds, and a downgrade
that brings a NOT NULL column back as nullable.

Build, in migration_checks.py (each raises AssertionError, with a message, when the migrations
are wrong; `config` is the project's Config with the URL of the database `engine` reaches; the
database starts empty):
1. snapshot(engine): the schema read back with `sqlalchemy.inspect()` — per table (alembic_version
   left out) its columns with type, NULL and default, primary key, indexes, unique and foreign
   keys; on Postgres its enum types (`get_enums()`) and sequences — as plain data that compares
   with ==.
2. single_head(script): `script.get_heads()` has exactly one revision.
3. upgrade_downgrade_leaves_no_trace(config, engine): `upgrade head`, `downgrade base`; nothing
   left but alembic_version.
4. each_revision_round_trips(config, engine): for each revision, base to head: upgrade to it,
   downgrade -1 (the snapshot equals the one before the upgrade), upgrade again (equals the one
   after the first upgrade).
5. models_match(config, engine, metadata): `upgrade head`, then
   `alembic.autogenerate.compare_metadata` finds no difference.

Try it by hand: in a Python shell in this folder,
    from alembic.config import Config; from sqlalchemy import create_engine
    import migration_checks, models
    config = Config("alembic.ini"); engine = create_engine("sqlite:///dev.db")
    migration_checks.each_revision_round_trips(config, engine)
then break a downgrade in versions/ and see it fail (undo the edit afterwards).

Lesson: phases/p4_migrations/README.md, section 4.8.
"""
