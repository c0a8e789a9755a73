"""The settings: one typed class read from the environment and a `.env` file, built once.

Configuration that changes between a laptop, CI and production (where the database is, the key
that signs tokens, whether to show debug output) does not belong in the code: it comes from the
environment. pydantic-settings reads it into a class with types, so a value that is wrong stops
the app at startup, with the variable's name, instead of failing on the first request that
needs it. A `.env` file in the working directory fills in what the environment does not set (a
developer's laptop); it holds secrets, so it stays out of git, and a `.env.example` with
placeholder values documents what to put in it:

    # .env.example — copy to .env (never committed) and fill in
    DATABASE_URL=sqlite+aiosqlite:///blog.db
    BLOG_SECRET_KEY=change-me
    BLOG_DEBUG=false
    BLOG_ALLOWED_ORIGINS=["http://localhost:3000"]
    BLOG_TOKEN_MINUTES=30
"""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """The blog's settings. Each field is read from an environment variable, BLOG_ and its name
    (BLOG_SECRET_KEY for secret_key), except the database URL: DATABASE_URL, the name hosting
    platforms set. The environment wins over `.env`; `.env` wins over the defaults."""

    # TODO: model_config: env_file=".env", env_prefix="BLOG_", extra="ignore"; then database_url (required, read from DATABASE_URL), secret_key (a required SecretStr), app_name ("Blog"), debug (False), allowed_origins (a list of str, empty), token_minutes (an int above 0, 30)
    pass


# TODO: get_settings(): return Settings(), made once and cached (@lru_cache), so every caller gets the same object and tests can call get_settings.cache_clear()
def get_settings() -> Settings:
    """The app's settings, read once: the same object every time."""
    raise NotImplementedError("return Settings(), cached with @lru_cache")
