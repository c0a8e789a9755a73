"""Kata 6.1 — Settings and secrets: one typed Settings class, read from the environment.

An app that reads `os.environ["..."]` wherever it needs a value fails late (on the first request
that needs a variable nobody set), reads strings where it wanted numbers and booleans
(`"false"` is true), and prints its secrets wherever it prints its configuration. pydantic-settings
reads the whole configuration once, at startup, into a typed class: `BaseSettings` fills each
field from the environment variable of the same name (with a prefix of the app's own), then from
a `.env` file, then from the field's default; a missing or malformed value stops the app with a
ValidationError that names it. A `SecretStr` field prints as `'**********'` in repr, logs and
`model_dump()`, and gives its value only to `.get_secret_value()`.

FastAPI takes the settings as a dependency, `Depends(get_settings)`, with `get_settings` cached
(`functools.lru_cache`): built once, the same object for every request, and replaced in tests
with `app.dependency_overrides[get_settings] = lambda: Settings(...)`.

The files: `db.py` has the model (given: Post), `config.py` the settings, `main.py` the app. The
variables, and what a developer's `.env` (never committed: it holds the secret key; the lesson
shows the `.env.example` that is) would say:

    DATABASE_URL=sqlite+aiosqlite:///blog.db       # required; no BLOG_ prefix: hosts set it
    BLOG_SECRET_KEY=change-me                      # required, a secret
    BLOG_APP_NAME=Blog                             # default "Blog"
    BLOG_DEBUG=false                               # default false
    BLOG_ALLOWED_ORIGINS=["http://localhost:3000"] # a JSON list; default []
    BLOG_TOKEN_MINUTES=30                          # an integer above 0; default 30

Build:
1. `Settings(BaseSettings)` in config.py, with
   `model_config = SettingsConfigDict(env_file=".env", env_prefix="BLOG_", extra="ignore")`
   (`extra="ignore"`: a `.env` shared with other tools holds their variables too), and fields:
   - `database_url: str`, required (no default), read from `DATABASE_URL`:
     `Field(validation_alias="DATABASE_URL")` (a field with an alias takes no prefix);
   - `secret_key: SecretStr`, required;
   - `app_name: str = "Blog"`, `debug: bool = False`, `allowed_origins: list[str]` (empty by
     default), `token_minutes: int`, above 0 (`Field(default=30, gt=0)`).
2. `get_settings()` in config.py: `return Settings()`, decorated with `@lru_cache`, so it is
   built once and every caller gets the same object (and tests can `get_settings.cache_clear()`).
3. The lifespan in main.py: `settings = get_settings()` (so a missing setting stops the app at
   startup, with pydantic's error naming it), the engine on `settings.database_url`
   (`create_async_engine(..., echo=settings.debug)`), the tables created, the engine in
   `app.state.engine`; after `yield`, dispose of it. Log the settings if you like: `SecretStr`
   keeps the key out of the log.
4. `GET /health` in main.py, taking the settings as a dependency (`SettingsDep`, which is
   `Annotated[Settings, Depends(get_settings)]`): run `SELECT 1` on the engine, and answer
   `{"status": "ok", "app_name": ..., "debug": ..., "allowed_origins": [...],
   "token_minutes": ...}` — never the secret key, nor the database URL (it may hold a password).

The checks run each case in an empty folder of their own with the variables they choose: they
read `.env` files, let the environment override them, feed bad values (`BLOG_TOKEN_MINUTES=abc`,
`0`), leave out DATABASE_URL and BLOG_SECRET_KEY, search repr, `model_dump`, the logs and every
response for the key, and override `get_settings` in the app. To try it by hand:
`DATABASE_URL=sqlite+aiosqlite:///blog.db BLOG_SECRET_KEY=dev uvicorn
katas.p6_production.k01_settings:app`, then open http://127.0.0.1:8000/health.

Run it: `checker kata 6.1`. The lesson: phases/p6_production/README.md, "Settings and secrets".
"""

from .config import Settings, get_settings
from .db import Base, Post
from .main import SettingsDep, app, lifespan

__all__ = ["Base", "Post", "Settings", "SettingsDep", "app", "get_settings", "lifespan"]
