"""Kata 4.7 — Branches, merges and the commands.

Two developers each wrote a revision on top of 0001 on their own branch: 0002a adds the `tag`
table, 0002b adds `post.views`. Both say `down_revision = "0001"`, so once both branches are
merged into git the revision graph has two heads, and `alembic upgrade head` refuses ("Multiple
head revisions are present"). Alembic's answer is a merge revision: a revision whose
down_revision names both heads, usually with nothing to do in upgrade() and downgrade(). It
makes the graph one again, so `upgrade head` applies both branches (in either order) and the
merge. `alembic merge heads -m "merge"` writes it for you.

The commands you type (`alembic upgrade head`, `alembic current`, ...) are functions of
`alembic.command`, taking a `Config`; deploy scripts and tests call them the same way.

Build:
1. versions/0003_merge.py: make revision "0003" the merge of "0002a" and "0002b" (its
   down_revision). Its upgrade() and downgrade() stay empty.
2. commands.py, each function given the project's `alembic.config.Config` (URL set):
   - upgrade_to(config, revision): `alembic upgrade <revision>`.
   - step_back(config, steps): `alembic downgrade -<steps>`.
   - adopt_existing_database(config): the database's tables were made by
     `Base.metadata.create_all()`, never by Alembic; record that it is at head without running
     any migration (`alembic stamp head`).
   - current_revisions(config) -> tuple[str, ...]: the revisions in alembic_version (all of
     them: on two branches there are two), read with `MigrationContext` on an engine made from
     the config's `sqlalchemy.url`.
   - history(config) -> list[str]: every revision id from base to head, from
     `ScriptDirectory.from_config(config).walk_revisions()` (which walks head to base).

Try it by hand (alembic.ini points at sqlite:///dev.db in this folder):
    cd katas/p4_migrations/k07_branches_and_commands
    alembic heads            # two heads before the merge, one after
    alembic upgrade head
    alembic history
    alembic downgrade 0002a  # which revisions does this undo?

Lesson: phases/p4_migrations/README.md, section 4.7.
"""
