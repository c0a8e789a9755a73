"""The app: a lifespan (given, as in kata 5.2) and the routes, two ways of answering JSON."""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from decimal import Decimal

from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from .db import Base, Product
from .deps import SessionDep
from .schemas import Catalog, ProductIn, ProductOut


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Startup: the engine, the tables, the sessionmaker. Shutdown: the engine disposed."""
    engine = create_async_engine(os.environ["DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    yield
    await engine.dispose()


app = FastAPI(title="Shop", lifespan=lifespan)


@app.post("/products", status_code=201, response_model=ProductOut)
async def create_product(body: ProductIn, session: SessionDep) -> Product:
    """Store a new product; FastAPI turns the Product into JSON through ProductOut."""
    # TODO: a Product from the body's fields; add, commit, return it
    raise NotImplementedError("a Product from the body's fields; add, commit, return it")


@app.get("/products/{product_id}", response_model=ProductOut)
async def read_product(product_id: uuid.UUID, session: SessionDep) -> Product:
    """One product; 404 when there is none with that id."""
    # TODO: session.get the product by its UUID; 404 when missing
    raise NotImplementedError('session.get the product by its UUID; 404 when missing')


@app.get("/catalog")
async def catalog(session: SessionDep) -> JSONResponse:
    """Every product by name, their total and when this was made, as a JSONResponse built by
    hand, with a Cache-Control header."""
    # TODO: select the products by name; build a Catalog; return a JSONResponse of it (content JSON-ready: json.dumps knows no UUID, Decimal, datetime) with the Cache-Control header
    raise NotImplementedError('select the products by name; build a Catalog; return a JSONResponse of it (content JSON-ready: json.dumps knows no UUID, Decimal, datetime) with the Cache-Control header')
