"""Checks for kata 6.1 — settings and secrets: a typed Settings class, a cached get_settings.

Every check runs in an empty folder of its own (so no `.env` of the workbook's is read) with the
BLOG_ variables cleared; each sets the variables and writes the `.env` it needs. The Settings
class is built directly (`kata.Settings()`), through `kata.get_settings()` (its cache cleared
before and after each check), and by the app's lifespan, started inside the check (`app_runs`)
so the environment is in place first. The secret key is searched for in repr, str, model_dump,
the JSON dump, every response and every log record.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import inspect

PREFIX = "BLOG_"
SECRET = "s3cr3t-k3y 'never shown' 42"
ENV_SECRET = "env-wins-k3y 77"
DOTENV_SECRET = "dotenv-k3y 19"
SHOWN = ["status", "app_name", "debug", "allowed_origins", "token_minutes"]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, and no BLOG_ variable left from the machine's environment."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for name in list(os.environ):
        if name.upper().startswith(PREFIX):
            monkeypatch.delenv(name)
    return folder


@pytest.fixture
def fresh_cache(kata: Any) -> Iterator[None]:
    """get_settings' cache emptied before and after the check, as a test suite does."""
    _clear(kata)
    yield
    _clear(kata)


def _clear(kata: Any) -> None:
    clear = getattr(getattr(kata, "get_settings", None), "cache_clear", None)
    if callable(clear):
        clear()


def set_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def write_dotenv(folder: Path, lines: list[str]) -> str:
    text = "\n".join(lines) + "\n"
    (folder / ".env").write_text(text, encoding="utf-8")
    return text


def build(kata: Any, what: str = "Settings()") -> Any:
    """kata.Settings(), failing with pydantic's own words when it refuses."""
    try:
        return kata.Settings()
    except ValidationError as error:
        pytest.fail(
            f"{what} raised a ValidationError with every setting it needs in place:\n{error}",
            pytrace=False,
        )


def refused(kata: Any, what: str, why: str) -> ValidationError:
    """The ValidationError kata.Settings() must raise; a failure when it builds instead."""
    try:
        settings = kata.Settings()
    except ValidationError as error:
        return error
    pytest.fail(
        f"{what}: Settings() built {settings!r}; expected a ValidationError. {why}",
        pytrace=False,
    )


def secret_of(settings: Any) -> Any:
    key = settings.secret_key
    return key.get_secret_value() if hasattr(key, "get_secret_value") else key


# ------------------------------------------------------------------------------ reading


def test_reads_typed_values_and_defaults(kata, workdir, monkeypatch):
    """Each setting comes from its variable, typed; the optional ones have their defaults."""
    set_env(monkeypatch, DATABASE_URL="sqlite+aiosqlite:///only.db", BLOG_SECRET_KEY=SECRET)
    settings = build(kata, "Settings() with only DATABASE_URL and BLOG_SECRET_KEY set")
    got = {
        "database_url": settings.database_url,
        "secret_key": secret_of(settings),
        "app_name": settings.app_name,
        "debug": settings.debug,
        "allowed_origins": settings.allowed_origins,
        "token_minutes": settings.token_minutes,
    }
    expected = {
        "database_url": "sqlite+aiosqlite:///only.db",
        "secret_key": SECRET,
        "app_name": "Blog",
        "debug": False,
        "allowed_origins": [],
        "token_minutes": 30,
    }
    assert got == expected, (
        f"With only DATABASE_URL and BLOG_SECRET_KEY set, Settings() read {got}; expected "
        f"{expected}: the two required values from their variables, the defaults for the rest."
    )
    origins = ["https://blog.example", "https://admin.blog.example"]
    set_env(
        monkeypatch,
        BLOG_APP_NAME="Ink",
        BLOG_DEBUG="true",
        BLOG_ALLOWED_ORIGINS=json.dumps(origins),
        BLOG_TOKEN_MINUTES="45",
    )
    settings = build(kata, "Settings() with every BLOG_ variable set")
    got = {
        "app_name": settings.app_name,
        "debug": settings.debug,
        "allowed_origins": settings.allowed_origins,
        "token_minutes": settings.token_minutes,
    }
    expected = {"app_name": "Ink", "debug": True, "allowed_origins": origins, "token_minutes": 45}
    assert got == expected and all(
        type(got[k]) is type(expected[k]) for k in ("debug", "token_minutes")
    ), (
        f"With BLOG_APP_NAME=Ink, BLOG_DEBUG=true, BLOG_ALLOWED_ORIGINS={json.dumps(origins)} "
        f"and BLOG_TOKEN_MINUTES=45, Settings() read {got!r}; expected {expected!r}, typed: a "
        "bool, an int and a list, not the strings the environment holds (the string 'false' "
        "is true in Python)."
    )


def test_bad_values_are_refused(kata, workdir, monkeypatch):
    """A value of the wrong type, or out of range, stops Settings() with an error naming it."""
    set_env(monkeypatch, DATABASE_URL="sqlite+aiosqlite:///x.db", BLOG_SECRET_KEY=SECRET)
    cases = [
        ("BLOG_TOKEN_MINUTES", "abc", "token_minutes", "an integer"),
        ("BLOG_TOKEN_MINUTES", "0", "token_minutes", "above 0 (Field(gt=0))"),
        ("BLOG_TOKEN_MINUTES", "-5", "token_minutes", "above 0 (Field(gt=0))"),
        ("BLOG_DEBUG", "maybe", "debug", "a boolean"),
        ("BLOG_ALLOWED_ORIGINS", '"https://one.example"', "allowed_origins", "a JSON list"),
    ]
    for variable, value, field, must in cases:
        monkeypatch.setenv(variable, value)
        error = refused(
            kata,
            f"With {variable}={value}",
            f"{field} must be {must}: a wrong value should stop the app at startup, not "
            "surface on the first request that uses it.",
        )
        assert field in str(error).lower(), (
            f"With {variable}={value}, Settings() raised:\n{error}\nexpected the error to name "
            f"{field}, so whoever deploys knows which variable to fix."
        )
        monkeypatch.delenv(variable)


def test_missing_required_settings_are_named(kata, workdir, monkeypatch):
    """Without DATABASE_URL or BLOG_SECRET_KEY, Settings() fails, naming the missing one."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BLOG_SECRET_KEY", SECRET)
    error = refused(
        kata,
        "With BLOG_SECRET_KEY set and DATABASE_URL not set",
        "database_url is required: a default database would let a production app start on a "
        "file nobody backs up. Give the field no default.",
    )
    assert "database_url" in str(error).lower(), (
        f"With DATABASE_URL not set, Settings() raised:\n{error}\nexpected the error to name "
        "DATABASE_URL (or database_url)."
    )
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///x.db")
    monkeypatch.delenv("BLOG_SECRET_KEY")
    error = refused(
        kata,
        "With DATABASE_URL set and BLOG_SECRET_KEY not set",
        "secret_key is required: a default key ('change-me') is a key everyone who read the "
        "code knows, and tokens signed with it can be forged. Give the field no default.",
    )
    assert "secret_key" in str(error).lower(), (
        f"With BLOG_SECRET_KEY not set, Settings() raised:\n{error}\nexpected the error to name "
        "secret_key."
    )


def test_secret_is_hidden(kata, workdir, monkeypatch):
    """The key shows as stars in repr, str, model_dump and JSON; get_secret_value() gives it."""
    set_env(monkeypatch, DATABASE_URL="sqlite+aiosqlite:///x.db", BLOG_SECRET_KEY=SECRET)
    settings = build(kata)
    key = settings.secret_key
    assert hasattr(key, "get_secret_value") and key.get_secret_value() == SECRET, (
        f"Settings().secret_key is {type(key).__name__}; expected a SecretStr whose "
        f"get_secret_value() returns {SECRET!r}: the one deliberate way to read the key."
    )
    views = {
        "repr(settings)": repr(settings),
        "str(settings)": str(settings),
        "settings.model_dump()": repr(settings.model_dump()),
        "settings.model_dump(mode='json')": repr(settings.model_dump(mode="json")),
        "settings.model_dump_json()": settings.model_dump_json(),
        "repr(settings.secret_key)": repr(key),
        "str(settings.secret_key)": str(key),
        "f'{settings.secret_key}'": f"{key}",
    }
    for shown, text in views.items():
        assert SECRET not in text, (
            f"{shown} is {text[:300]!r}: the secret key in plain text. Declare it "
            "`secret_key: SecretStr`, so that printing, logging or dumping the settings shows "
            "'**********'."
        )


def test_dotenv_file_is_read(kata, fresh_cache, workdir, monkeypatch):
    """A .env in the working directory supplies what the environment does not set."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    text = write_dotenv(
        workdir,
        [
            "# a developer's .env, shared with docker compose",
            "DATABASE_URL=sqlite+aiosqlite:///from_dotenv.db",
            f"BLOG_SECRET_KEY={DOTENV_SECRET}",
            "BLOG_TOKEN_MINUTES=12",
            'BLOG_ALLOWED_ORIGINS=["http://localhost:3000"]',
            "POSTGRES_PASSWORD=for-the-database-container",
            "COMPOSE_PROJECT_NAME=blog",
        ],
    )
    shown = f"With no variable set and this .env in the working directory:\n{text}"
    settings = build(kata, f"{shown}Settings()")
    got = (settings.database_url, secret_of(settings), settings.token_minutes)
    expected = ("sqlite+aiosqlite:///from_dotenv.db", DOTENV_SECRET, 12)
    assert got == expected and settings.allowed_origins == ["http://localhost:3000"], (
        f"{shown}Settings() read database_url, secret_key, token_minutes = {got}, "
        f"allowed_origins = {settings.allowed_origins}; expected {expected} and "
        "['http://localhost:3000']: model_config = SettingsConfigDict(env_file='.env', ...)."
    )
    try:
        cached = kata.get_settings()
    except ValidationError as error:
        pytest.fail(f"{shown}get_settings() raised:\n{error}", pytrace=False)
    assert cached.database_url == "sqlite+aiosqlite:///from_dotenv.db", (
        f"{shown}get_settings().database_url is {cached.database_url!r}; expected the .env's "
        "value: get_settings() returns Settings(), which reads the .env."
    )


def test_environment_overrides_dotenv(kata, workdir, monkeypatch):
    """A variable set in the environment wins over the same one in .env."""
    text = write_dotenv(
        workdir,
        [
            "DATABASE_URL=sqlite+aiosqlite:///from_dotenv.db",
            f"BLOG_SECRET_KEY={DOTENV_SECRET}",
            "BLOG_TOKEN_MINUTES=12",
            "BLOG_APP_NAME=From dotenv",
        ],
    )
    set_env(
        monkeypatch,
        DATABASE_URL="sqlite+aiosqlite:///from_env.db",
        BLOG_SECRET_KEY=ENV_SECRET,
        BLOG_TOKEN_MINUTES="20",
    )
    shown = (
        "With DATABASE_URL=sqlite+aiosqlite:///from_env.db, BLOG_SECRET_KEY and "
        f"BLOG_TOKEN_MINUTES=20 in the environment, and this .env:\n{text}"
    )
    settings = build(kata, f"{shown}Settings()")
    got = (settings.database_url, secret_of(settings), settings.token_minutes, settings.app_name)
    expected = ("sqlite+aiosqlite:///from_env.db", ENV_SECRET, 20, "From dotenv")
    assert got == expected, (
        f"{shown}Settings() read database_url, secret_key, token_minutes, app_name = {got}; "
        f"expected {expected}: the environment wins, .env fills in the rest (app_name). A "
        "deployment sets real values in the environment; a stray .env must not replace them."
    )


def test_get_settings_is_cached(kata, fresh_cache, workdir, monkeypatch):
    """get_settings() builds the settings once and returns that same object every time."""
    set_env(monkeypatch, DATABASE_URL="sqlite+aiosqlite:///x.db", BLOG_SECRET_KEY=SECRET)
    first = kata.get_settings()
    assert isinstance(first, kata.Settings), (
        f"get_settings() returned {first!r}; expected a Settings."
    )
    second = kata.get_settings()
    assert second is first, (
        "get_settings() called twice returned two different Settings objects; expected the "
        "same one: decorate it with @lru_cache, so the environment and .env are read once, "
        "not on every request that depends on it."
    )
    clear = getattr(kata.get_settings, "cache_clear", None)
    assert callable(clear), (
        "get_settings has no cache_clear(); expected @functools.lru_cache (or functools.cache), "
        "whose cache_clear() lets a test read the settings again after changing the environment."
    )
    monkeypatch.setenv("BLOG_TOKEN_MINUTES", "7")
    clear()
    third = kata.get_settings()
    assert third is not first and third.token_minutes == 7, (
        "After BLOG_TOKEN_MINUTES=7 and get_settings.cache_clear(), get_settings() returned "
        f"token_minutes {third.token_minutes}; expected a new Settings read afresh, with 7."
    )


# ------------------------------------------------------------------------------ the app


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.name}: {r.getMessage()}" for r in caplog.records)


def assert_health(response: Any, expected: dict[str, Any], shown: str, hidden: list[str]) -> None:
    assert response.status_code == 200, (
        f"{shown} answered {response.status_code} {response.text[:300]}; expected 200."
    )
    for value in hidden:
        assert value not in response.text, (
            f"{shown} answered {response.text[:300]}, which contains {value!r}: neither the "
            "secret key nor the database URL (it may hold a password) belongs in a response."
        )
    body = response.json()
    got = {key: body.get(key) for key in SHOWN} if isinstance(body, dict) else body
    assert got == expected, (
        f"{shown} answered {body}; expected {expected} (other keys are allowed): the "
        "settings the app runs with, from the settings dependency."
    )


async def test_health_reports_settings(
    kata,
    fresh_cache,
    workdir,
    monkeypatch,
    app_runs,
    engine,
    pool_watch,
    caplog,
    async_db_url,
    queries,
):
    """The lifespan builds the engine from the settings; /health shows them, never the key."""
    caplog.set_level(logging.DEBUG)
    set_env(
        monkeypatch,
        BLOG_SECRET_KEY=SECRET,
        BLOG_APP_NAME="Ink",
        BLOG_ALLOWED_ORIGINS='["https://blog.example"]',
        BLOG_TOKEN_MINUTES="15",
    )
    async with app_runs() as client:
        with queries.during() as sent:
            response = await client.get("/health")
        again = await client.get("/health")
    expected = {
        "status": "ok",
        "app_name": "Ink",
        "debug": False,
        "allowed_origins": ["https://blog.example"],
        "token_minutes": 15,
    }
    assert_health(response, expected, "GET /health", [SECRET, async_db_url])
    assert_health(again, expected, "GET /health, a second time", [SECRET, async_db_url])
    assert sent, (
        "GET /health answered without sending a single statement to the database; expected "
        "it to run SELECT 1 on the app's engine: a health check that never asks the database "
        "says 'ok' while the database is down."
    )
    assert "post" in inspect(engine).get_table_names(), (
        "The app started and answered, but the database DATABASE_URL names has no table post: "
        "the lifespan should make its engine on settings.database_url and create the tables."
    )
    assert pool_watch.opened and not pool_watch.open, (
        f"After the app stopped, {len(pool_watch.open)} of the {pool_watch.opened} database "
        "connection(s) it opened were still open; expected none: `await engine.dispose()` "
        "after the lifespan's yield."
    )
    assert SECRET not in logged(caplog), (
        "The app's logs contain the secret key:\n"
        f"{logged(caplog)[:1500]}\nLog the settings only as a SecretStr field shows them."
    )


async def test_missing_setting_stops_startup(kata, fresh_cache, workdir, monkeypatch, app_runs):
    """With DATABASE_URL unset, the app refuses to start, and the error names DATABASE_URL."""
    monkeypatch.setenv("BLOG_SECRET_KEY", SECRET)
    monkeypatch.delenv("DATABASE_URL")
    try:
        async with app_runs() as client:
            response = await client.get("/health")
    except NotImplementedError:
        raise
    except Exception as error:  # the startup's own error, whatever its class
        assert "database_url" in str(error).lower(), (
            f"With DATABASE_URL not set, the app's startup failed with "
            f"{type(error).__name__}: {error}\nexpected an error that names DATABASE_URL "
            "(pydantic's ValidationError does, when the lifespan calls get_settings())."
        )
        return
    pytest.fail(
        f"With DATABASE_URL not set, the app started and GET /health answered "
        f"{response.status_code} {response.text[:200]}; expected the startup to fail, naming "
        "DATABASE_URL: call get_settings() in the lifespan, and give database_url no default.",
        pytrace=False,
    )


async def test_settings_dependency_can_be_overridden(
    kata, fresh_cache, workdir, monkeypatch, app_runs, async_db_url
):
    """/health takes its settings from get_settings, so dependency_overrides replaces them."""
    set_env(
        monkeypatch,
        BLOG_SECRET_KEY="override-k3y 5",
        BLOG_APP_NAME="Overridden",
        BLOG_DEBUG="true",
        BLOG_TOKEN_MINUTES="3",
    )
    override = build(kata, "Settings() for the override")
    for name in ("BLOG_APP_NAME", "BLOG_DEBUG", "BLOG_TOKEN_MINUTES"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("BLOG_SECRET_KEY", SECRET)
    _clear(kata)
    monkeypatch.setitem(kata.app.dependency_overrides, kata.get_settings, lambda: override)
    async with app_runs() as client:
        response = await client.get("/health")
    expected = {
        "status": "ok",
        "app_name": "Overridden",
        "debug": True,
        "allowed_origins": [],
        "token_minutes": 3,
    }
    assert_health(
        response,
        expected,
        "GET /health with app.dependency_overrides[get_settings] returning Settings with "
        "app_name='Overridden', debug=True, token_minutes=3",
        [SECRET, "override-k3y 5", async_db_url],
    )
