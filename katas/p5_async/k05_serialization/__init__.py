"""Kata 5.5 — Serialization: UUIDs, aware datetimes and Decimal prices in and out of JSON.

JSON has strings, numbers, true/false/null, lists and objects; nothing else. A product of this
shop has three values JSON has no word for: a UUID id, a price that must stay exact to the cent
(a Decimal: 0.1 + 0.2 is 0.30000000000000004 in floating point), and an instant in time (an
aware datetime, with its offset). Each must be written as a string, in one agreed form, and read
back into the same value.

There are two ways to answer JSON from FastAPI:
- Return an object and let FastAPI serialize it through the route's response model
  (`response_model=ProductOut`): Pydantic validates it and writes JSON itself, a UUID as
  "0b6c…-…", a Decimal as the string "19.99", a datetime as ISO 8601 with its offset.
- Build the response yourself (`return JSONResponse(content, headers=...)`) when you need a
  header, a status decided at run time, a shape of your own. FastAPI then sends it as it is:
  `content` goes through `json.dumps`, which raises TypeError on a UUID, a datetime or a Decimal
  (a 500). Hand it data that is JSON already: `model.model_dump(mode="json")`, or
  `jsonable_encoder(...)`. They differ on a bare Decimal: `jsonable_encoder(Decimal("0.30"))`
  is the float 0.3, while a Decimal field of a Pydantic model becomes the string "0.30".

Time zones: Postgres keeps the instant of a `DateTime(timezone=True)` value (timestamptz) and
asyncpg gives it back in UTC. SQLite keeps no offset at all: SQLAlchemy writes the wall-clock
time and drops the offset, so 09:00+05:45 stored as it is comes back as a naive 09:00, the wrong
instant. So this app converts every datetime to UTC before storing it, and takes a naive value
read back to be UTC. And it never asks for local time: the grader's machine is in St John's
(-03:30), where `datetime.now()` is 3.5 hours off UTC, with no offset to say so.

The files: `db.py` the model, `schemas.py` the Pydantic models, `main.py` the routes (its
lifespan is given, as is `deps.py`, the session dependency of kata 5.2). The app reads its
database from the environment variable `DATABASE_URL` (`sqlite+aiosqlite:///…` or
`postgresql+asyncpg://…`).

Build:
1. `Product` in db.py (table `product`): `id`, a `Uuid` primary key that Python makes for each
   new row (`default=uuid.uuid4`); `name`, `String(100)`; `price`, `Numeric(10, 2)` as a
   `Mapped[Decimal]`; `available_from`, `DateTime(timezone=True)`. All NOT NULL.
2. In schemas.py: `in_utc(value)`, the same instant in UTC (a naive value is UTC already);
   `to_cents(value)`, the Decimal with exactly two decimals; the types `Price` (a Decimal of at
   most 10 digits, at most 2 of them after the point, answered with two) and `UtcDatetime`; then
   - `ProductIn`: `name` (1 to 100 characters), `price` (`Price`), `available_from` (must carry
     an offset: `AwareDatetime`; converted to UTC).
   - `ProductOut` (read from a Product's attributes: `from_attributes=True`): `id`, `name`,
     `price`, `available_from`.
   - `Catalog`: `products` (a list of ProductOut), `total`, `generated_at`.
3. The routes in main.py (JSON in and out):
   - `POST /products` `{"name": "Tea", "price": "19.99", "available_from":
     "2025-03-01T09:00:00+05:45"}` → 201 `{"id": "<uuid>", "name": "Tea", "price": "19.99",
     "available_from": "2025-03-01T03:15:00Z"}`, stored. A price with more than two decimals or
     more than 10 digits, or a time without an offset → 422, nothing stored.
   - `GET /products/{id}` → 200, the same JSON; 404 for an id no product has; 422 for an id that
     is not a UUID (any spelling of a UUID finds its product: upper case, no dashes).
   - `GET /catalog` → 200 `{"products": [...by name...], "total": "20.29", "generated_at":
     "<now, in UTC>"}` built by hand as a `JSONResponse` with the header
     `Cache-Control: max-age=60`; with no products, `"total": "0.00"`.

What the API answers, everywhere: an id as the 36-character UUID string with dashes, lower
case; a price or a total as a JSON string with exactly two decimals ("0.30", "5.00"), never a
number; a datetime as ISO 8601 in UTC with its offset written out, `Z` (Pydantic's spelling) or
`+00:00`, never a time without one. What is stored: the same UUID, the exact price, the same
instant (on SQLite: the UTC wall-clock time).

The checks send these through your app (and once through uvicorn), read the JSON text and the
rows it stored, and run under a local zone of -03:30 and, on Postgres, a database session zone
of +05:45. To try it by hand:
`DATABASE_URL=sqlite+aiosqlite:///shop.db uvicorn katas.p5_async.k05_serialization:app`, then open
http://127.0.0.1:8000/docs.

Run it: `checker kata 5.5`. The lesson: phases/p5_async/README.md, "5.5 Serialization".
"""

from .db import Base, Product
from .deps import SessionDep, get_session
from .main import app, lifespan
from .schemas import Catalog, ProductIn, ProductOut

__all__ = [
    "Base",
    "Catalog",
    "Product",
    "ProductIn",
    "ProductOut",
    "SessionDep",
    "app",
    "get_session",
    "lifespan",
]
