"""Kata 4.1 — Alembic setup: env.py, target_metadata and the URL.

Every alembic command (upgrade, downgrade, check, revision --autogenerate, upgrade --sql) runs
one Python file first: the project's `env.py`. It answers three questions. Which database? (the
URL: from the Config, which alembic.ini fills, a test suite or deploy script overrides, and the
environment variable DATABASE_URL beats.) Compared with which models? (`target_metadata`: without
it autogenerate and `alembic check` have nothing to compare the database with.) How? (online,
on a connection — in batch mode on SQLite, which cannot ALTER most things — or offline, writing
the SQL out for a DBA to run.) A hard-coded URL in env.py migrates the same database whatever
anyone asks for: the tests would migrate the developer's database, production the laptop's.

The project here is complete but for env.py: alembic.ini, script.py.mako, models.py (User and
Post) and the revision versions/0001_create_tables.py are given.

Build, in env.py:
1. Import the models and set `target_metadata = models.Base.metadata` (alembic.ini's
   `prepend_sys_path = .` puts this folder on sys.path, so `import models` works).
2. `use_database_url()`: when the environment variable DATABASE_URL is set, it wins: put it in
   the Config with `config.set_main_option("sqlalchemy.url", url)` (double any `%`: the Config is
   a ConfigParser). Otherwise leave the Config's `sqlalchemy.url` alone. Never a hard-coded URL:
   the checks hand each run its own database through the Config.
3. `run_migrations_online()`: `context.configure(...)` with the connection, target_metadata,
   `render_as_batch=True` when the connection's dialect is sqlite (so autogenerate writes
   `with op.batch_alter_table(...)`, which SQLite needs to alter a table), and
   `compare_type=True` (the default since Alembic 1.12; say it anyway, older versions and older
   tutorials differ).
4. `run_migrations_offline()` (`alembic upgrade head --sql`): `context.configure(...)` with the
   URL, target_metadata and `literal_binds=True`, so values the migrations write (0001 adds an
   'admin' user) are printed in the SQL instead of as `:username` placeholders.

The checks run each alembic command through your env.py on a database of their own, given as the
Config's sqlalchemy.url — or as DATABASE_URL, with a different URL in the Config. They run
`alembic check` (and break the database to see it complain), autogenerate a revision, and read
`alembic upgrade head --sql`'s output. To try it by hand:
`cd katas/p4_migrations/k01_alembic_setup && alembic upgrade head` (alembic.ini's
sqlite:///dev.db), `alembic check`, `alembic upgrade head --sql`, and
`DATABASE_URL=sqlite:///other.db alembic upgrade head`.

Run it: `checker kata 4.1`. The lesson: phases/p4_migrations/README.md, "4.1 Alembic setup".
"""
