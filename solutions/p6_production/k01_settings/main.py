"""The app: a lifespan that builds the engine from the settings, and GET /health."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from .config import Settings, get_settings
from .db import Base

logger = logging.getLogger("blog")

SettingsDep = Annotated[Settings, Depends(get_settings)]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Read the settings (a missing or invalid one stops the app here, before any request),
    make the engine on settings.database_url, create the tables, and dispose of it at the end."""
    # BEGIN SOLUTION settings = get_settings(); log them (SecretStr keeps the key out of the log); the engine on settings.database_url (echo=settings.debug); create the tables; app.state.engine; yield; dispose of the engine
    # STUB: raise NotImplementedError("get_settings(), the engine, the tables, yield, dispose")
    # STUB: yield
    settings = get_settings()
    logger.info("starting with %r", settings)
    engine = create_async_engine(settings.database_url, echo=settings.debug)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    app.state.engine = engine
    yield
    await engine.dispose()
    # END SOLUTION


app = FastAPI(title="Blog", lifespan=lifespan)


@app.get("/health")
async def health(request: Request, settings: SettingsDep) -> dict[str, Any]:
    """The app is up and its database answers; the settings a client may see, never the key."""
    # BEGIN SOLUTION run SELECT 1 on request.app.state.engine; return status "ok", app_name, debug, allowed_origins and token_minutes from the settings dependency (never the secret, nor the database URL)
    async with request.app.state.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return {
        "status": "ok",
        "app_name": settings.app_name,
        "debug": settings.debug,
        "allowed_origins": settings.allowed_origins,
        "token_minutes": settings.token_minutes,
    }
    # END SOLUTION
