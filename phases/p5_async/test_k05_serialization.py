"""Checks for kata 5.5 — serialization: UUIDs, aware datetimes and Decimal prices in JSON.

The app is driven over ASGI inside its lifespan (`app_client`) and once under uvicorn
(`live_server`). The checks read the JSON as text and as values (a price must be a JSON string,
not a number), and the rows the app stored, with a connection of their own: on Postgres through
psycopg2 in the session zone Asia/Kathmandu (+05:45), on SQLite as the text SQLite keeps. The
grader's local zone is America/St_Johns (-03:30), so local time differs from UTC by 3.5 hours.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import Float, Numeric, Uuid, inspect, text

from checker.plugin.schema import Col, assert_table

KATHMANDU = timezone(timedelta(hours=5, minutes=45))
ST_JOHNS = timezone(timedelta(hours=-3, minutes=-30))

# The forms the task allows: the canonical UUID, and ISO 8601 in UTC with its offset written out.
CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
UTC_TEXT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|\+00:00)")
PRODUCT_KEYS = {"id", "name", "price", "available_from"}


def _explained(exc: BaseException) -> str:
    """What an exception raised by the app usually means in this kata, or ''."""
    message = str(exc)
    if isinstance(exc, TypeError) and "not JSON serializable" in message:
        return (
            "\nJSONResponse writes its content with json.dumps, which knows no UUID, Decimal or "
            'datetime. Hand it values that are JSON already: `model.model_dump(mode="json")` '
            "(plain model_dump() keeps the Python objects), or `jsonable_encoder(model)`."
        )
    if type(exc).__name__ == "IntegrityError" and "product" in message:
        return (
            "\nThe database refused a second product with the same id: `default=uuid.uuid4()` "
            "calls the function once, at import, and every row gets that one UUID. Pass the "
            "function itself, `default=uuid.uuid4`, so SQLAlchemy calls it for each new row."
        )
    if "'str' object has no attribute 'hex'" in message or "invalid UUID" in message:
        return (
            "\nA str reached the Uuid column, which wants a uuid.UUID. Type the path parameter "
            "`product_id: uuid.UUID`: FastAPI parses it (any spelling) and answers 422 for "
            "text that is not a UUID."
        )
    if type(exc).__name__ == "ResponseValidationError":
        return (
            "\nFastAPI could not turn what the route returned into its response model. To read "
            "a Product's attributes, ProductOut needs `model_config = "
            "ConfigDict(from_attributes=True)`; and every value must fit its field."
        )
    return ""


def _server_error(server: Any) -> str:
    """The exception a live server logged for a 500."""
    logged = server.logged_exception()
    return f"\nThe server logged: {logged[:300]}" if logged else ""


async def call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    expect: int,
    body: Any = None,
    server: Any = None,
    because: str = "",
) -> httpx.Response:
    """Send one request; fail, saying what was sent and what came back, unless it answers
    `expect` (`because` says why). An exception the app raised is explained where this kata's
    mistakes cause it."""
    shown = f"{method} {path}" + (f" with {json.dumps(body)}" if body is not None else "")
    try:
        response = await client.request(method, path, json=body)
    except Exception as exc:
        if not _explained(exc):
            raise
        pytest.fail(
            f"{shown} raised {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
            + _explained(exc),
            pytrace=False,
        )
    if response.status_code != expect:
        logged = _server_error(server) if response.status_code == 500 and server else ""
        pytest.fail(
            f"{shown} answered {response.status_code} {response.text[:300]}; expected "
            f"{expect}{': ' + because if because else ''}.{logged}",
            pytrace=False,
        )
    return response


def json_type(value: Any) -> str:
    """What JSON calls the type of a value decoded from it."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def product_body(name: str, price: str, available_from: datetime | str) -> dict[str, str]:
    moment = available_from if isinstance(available_from, str) else available_from.isoformat()
    return {"name": name, "price": price, "available_from": moment}


def assert_utc_text(value: Any, instant: datetime | None, what: str) -> datetime:
    """`value` must be ISO 8601 in UTC with its offset written out, and (if given) `instant`;
    returns the datetime it names."""
    assert isinstance(value, str) and UTC_TEXT.fullmatch(value), (
        f"{what} is {json.dumps(value)}; expected a datetime in UTC as ISO 8601 with its offset "
        'written out, like "2025-03-01T03:15:00Z" (or "+00:00"). '
        + (
            "A time without an offset means nothing to a client: answer aware datetimes."
            if isinstance(value, str) and re.fullmatch(r"[\d\-T:.]+", value)
            else "Convert to UTC before answering: value.astimezone(timezone.utc)."
            if isinstance(value, str)
            else "Send it as a string."
        )
    )
    parsed = datetime.fromisoformat(value)
    if instant is not None:
        assert parsed == instant, (
            f"{what} is {json.dumps(value)}, the instant {parsed.isoformat()}; expected "
            f"{instant.astimezone(UTC).isoformat()} (the same instant as "
            f"{instant.isoformat()}), off by {parsed - instant}. "
            + (
                "An offset of 5:45 is Kathmandu's: SQLite keeps no offset, so the wall time at "
                "+05:45 was stored and read back as UTC. Convert to UTC before storing."
                if abs(parsed - instant) == timedelta(hours=5, minutes=45)
                else ""
            )
        )
    return parsed


def assert_product(got: Any, name: str, price: str, instant: datetime, what: str) -> None:
    """`got` must be the product as the task writes it: canonical id, price a two-decimal
    string, available_from the same instant in UTC."""
    assert isinstance(got, dict) and set(got) == PRODUCT_KEYS, (
        f"{what} is {got}; expected an object with exactly the keys {sorted(PRODUCT_KEYS)}."
    )
    assert isinstance(got["id"], str) and CANONICAL_UUID.fullmatch(got["id"]), (
        f"{what} has the id {json.dumps(got['id'])}; expected the UUID as its canonical "
        '36-character string, lower case with dashes (like "3f2c1a9e-…"), which is what '
        "str(uuid) and Pydantic write. Hex without dashes, or a number, is another value to a "
        "client comparing ids."
    )
    assert got["name"] == name, f"{what} has the name {got['name']!r}; expected {name!r}."
    assert isinstance(got["price"], str), (
        f"{what} has the price {json.dumps(got['price'])}, a JSON {json_type(got['price'])}; "
        f"expected the string {json.dumps(price)}. A JSON number "
        "is a float to most clients (19.99 is really 19.989999...): keep the price a Decimal "
        "in the response model, and Pydantic writes it as a string."
    )
    assert got["price"] == price, (
        f"{what} has the price {json.dumps(got['price'])}; expected {json.dumps(price)}: the "
        "exact amount, with exactly two decimals, as NUMERIC(10, 2) gives it back to GET; "
        'POST answers the same (Decimal("0.3").quantize(Decimal("0.01")) is 0.30).'
    )
    assert_utc_text(got["available_from"], instant, f"{what}'s available_from")


async def create(
    client: httpx.AsyncClient,
    name: str,
    price: str,
    available_from: datetime,
    answer: str | None = None,
    server: Any = None,
) -> dict[str, Any]:
    """POST a product; fail unless 201 with the product as the task writes it (price `answer`,
    by default as sent)."""
    body = product_body(name, price, available_from)
    got = (await call(client, "POST", "/products", 201, body, server)).json()
    assert_product(got, name, answer or price, available_from, f"POST /products answered {got}")
    return got


def stored_products(engine: Any) -> dict[uuid.UUID, tuple[Any, ...]]:
    """The product rows, read with a connection of the check's own: id -> (name, price,
    available_from) as the driver gives them."""
    tables = inspect(engine).get_table_names()
    if "product" not in tables:
        pytest.fail(
            f"The app answered, but the database DATABASE_URL names has no table product (it has "
            f"{tables}): the lifespan creates the tables from Base.metadata, so Product must be "
            "a model of that Base with __tablename__ = 'product'.",
            pytrace=False,
        )
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, name, price, available_from FROM product"))
        return {uuid.UUID(str(row[0])): tuple(row[1:]) for row in rows}


def assert_stored(engine: Any, product: dict[str, Any], price: str, instant: datetime) -> None:
    """The row of `product` holds the same UUID, the exact price and the same instant (on
    SQLite, the UTC wall time)."""
    rows = stored_products(engine)
    key = uuid.UUID(product["id"])
    assert key in rows, (
        f"The app answered the product {product}, but the product table has no row with the id "
        f"{product['id']} (it holds {sorted(str(k) for k in rows)}): commit the product, and "
        "answer the id that was stored."
    )
    _, stored_price, stored_at = rows[key]
    assert Decimal(str(stored_price)) == Decimal(price), (
        f"The product table holds the price {stored_price!r} for {product['name']!r}; expected "
        f"{price}."
    )
    if isinstance(stored_at, str):  # SQLite: the text SQLAlchemy wrote, no offset
        wall = datetime.fromisoformat(stored_at)
        expected = instant.astimezone(UTC).replace(tzinfo=None)
        assert wall == expected, (
            f"SQLite holds available_from {stored_at!r} for {product['name']!r}; expected the "
            f"UTC wall time {expected.isoformat(sep=' ')} (the instant {instant.isoformat()}). "
            "SQLite keeps no offset: SQLAlchemy writes the wall time and drops the offset, so "
            "convert to UTC before storing, and read a naive value back as UTC."
        )
    else:  # Postgres: an aware value, in the session's zone (+05:45)
        assert stored_at == instant, (
            f"Postgres holds available_from {stored_at} for {product['name']!r}; expected the "
            f"instant {instant.isoformat()}."
        )


async def test_product_table(kata, app_client, engine):
    """The product table: UUID key, VARCHAR(100) name, NUMERIC(10, 2), timestamptz; NOT NULL."""
    assert_table(
        engine,
        "product",
        {
            "id": Col(nullable=False),
            "name": Col(nullable=False),
            "price": Col(nullable=False),
            "available_from": Col(
                nullable=False,
                timezone=True,
                hint="available_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))",
            ),
        },
        primary_key=["id"],
        model=kata.Product.__table__,
        pk_hint="id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=...)",
    )
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("product")}
    # SQLite has no UUID type (Uuid is CHAR(32) there): read the model's type; on Postgres, the
    # column's.
    id_type = kata.Product.__table__.c.id.type if engine.dialect.name == "sqlite" else columns["id"]
    assert isinstance(id_type, Uuid), (
        f"product.id is {id_type!r}; expected a Uuid column (UUID on Postgres): "
        "`id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)`."
    )
    length = getattr(columns["name"], "length", None)
    assert length == 100, (
        f"product.name is {columns['name']!r} in the database; expected VARCHAR(100): "
        "`name: Mapped[str] = mapped_column(String(100))`."
    )
    price = columns["price"]
    exact = (
        isinstance(price, Numeric)
        and not isinstance(price, Float)
        and (price.precision, price.scale) == (10, 2)
    )
    assert exact, (
        f"product.price is {price!r} in the database; expected NUMERIC(10, 2): "
        "`price: Mapped[Decimal] = mapped_column(Numeric(10, 2))`. A float column cannot hold "
        "0.10 exactly; NUMERIC keeps every cent and gives back a Decimal."
    )


async def test_create_and_read_back(app_client, engine):
    """POST /products answers 201 with the product in the task's JSON; GET answers the same."""
    moment = datetime(2025, 3, 1, 9, 0, tzinfo=KATHMANDU)
    tea = await create(app_client, "Tea", "19.99", moment)
    got = (await call(app_client, "GET", f"/products/{tea['id']}", 200)).json()
    assert_product(got, "Tea", "19.99", moment, f"GET /products/{tea['id']} answered {got}")
    assert_stored(engine, tea, "19.99", moment)


async def test_prices_stay_exact(app_client, engine):
    """Prices go in and come out exact, as strings with two decimals; the rows hold them."""
    moment = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    cases = [  # sent, answered
        ("0.10", "0.10"),
        ("0.20", "0.20"),
        ("0.30", "0.30"),
        ("0.3", "0.30"),
        ("5", "5.00"),
        ("1.500", "1.50"),
        ("99999999.99", "99999999.99"),
    ]
    made = []
    for number, (sent, answered) in enumerate(cases):
        made.append(await create(app_client, f"Item {number}", sent, moment, answered))
    for product, (sent, answered) in zip(made, cases, strict=True):
        path = f"/products/{product['id']}"
        got = (await call(app_client, "GET", path, 200)).json()
        assert_product(
            got, product["name"], answered, moment, f"GET {path} (sent {sent!r}) answered {got}"
        )
        assert_stored(engine, product, answered, moment)


async def test_bodies_the_columns_cannot_hold_are_422(app_client, engine):
    """A price of 3 decimals or 11 digits, a time with no offset, a bad name: 422, none stored."""
    good = product_body("Tea", "19.99", datetime(2025, 3, 1, 9, 0, tzinfo=KATHMANDU))
    refused = [
        (
            good | {"price": "19.999"},
            "NUMERIC(10, 2) keeps two decimals, so 19.999 would be rounded, not stored: refuse it "
            "with Field(max_digits=10, decimal_places=2)",
        ),
        (
            good | {"price": "123456789.00"},
            "NUMERIC(10, 2) holds at most 8 digits before the point (Postgres would fail, SQLite "
            "would store it): Field(max_digits=10, decimal_places=2)",
        ),
        (
            good | {"available_from": "2025-03-01T09:00:00"},
            "a time without an offset, 09:00 where? The app cannot know which instant is meant: "
            "type the field AwareDatetime",
        ),
        (good | {"price": "NaN"}, "NaN is not a price"),
        (good | {"name": ""}, "a name has 1 to 100 characters"),
        (good | {"name": "x" * 101}, "a name has 1 to 100 characters, as String(100) holds"),
    ]
    for body, why in refused:
        await call(app_client, "POST", "/products", 422, body, because=why)
    rows = stored_products(engine)
    assert not rows, (
        f"After POST /products bodies that must be refused ({'; '.join(w for _, w in refused)}), "
        f"the product table holds {list(rows.values())}; expected nothing. Put the limits in "
        "ProductIn: Field(max_digits=10, decimal_places=2) on the price, AwareDatetime."
    )


async def test_datetimes_are_answered_in_utc(app_client, engine, queries):
    """Datetimes sent in any offset come back as the same instant, in UTC, and are stored so."""
    moments = [
        datetime(2025, 3, 1, 9, 0, tzinfo=KATHMANDU),
        datetime(2025, 6, 30, 23, 59, 59, 123456, tzinfo=ST_JOHNS),  # the next day in UTC
        datetime(2025, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2024, 12, 31, 20, 0, tzinfo=timezone(timedelta(hours=-8))),
    ]
    made = []
    for number, moment in enumerate(moments):
        made.append(await create(app_client, f"Item {number}", "1.00", moment))
    made.append(await create(app_client, "Zulu", "1.00", moments[2]))
    for product, moment in zip(made, [*moments, moments[2]], strict=True):
        path = f"/products/{product['id']}"
        got = (await call(app_client, "GET", path, 200)).json()
        assert_product(got, product["name"], "1.00", moment, f"GET {path} answered {got}")
        assert_stored(engine, product, "1.00", moment)
    # What the driver was given. asyncpg gets datetime objects: the task stores UTC on every
    # database (SQLite, which gets text, is checked through its rows above).
    sent = [
        value
        for values in queries.parameters(r"^\s*INSERT INTO product")
        for value in values
        if isinstance(value, datetime)
    ]
    other = [value for value in sent if value.utcoffset() != timedelta(0)]
    assert not other, (
        f"The app's INSERTs gave the database the datetimes {[v.isoformat() for v in other]}; "
        "expected them converted to UTC first (value.astimezone(timezone.utc)). Postgres would "
        "keep the instant of any offset, but SQLite drops the offset and keeps the wall time, "
        "and this app runs on both: convert on the way in."
    )


async def test_uuid_ids(app_client, engine):
    """Each product gets a UUID of its own; GET finds it by any spelling, 422 for a non-UUID."""
    moment = datetime(2025, 3, 1, 9, 0, tzinfo=KATHMANDU)
    made = [await create(app_client, name, "2.50", moment) for name in ("Ann's", "Bob", "Cat")]
    ids = [product["id"] for product in made]
    assert len(set(ids)) == 3, (
        f"Three POST /products answered the ids {ids}; expected three different UUIDs: "
        "default=uuid.uuid4 (the function, called for each row), not uuid.uuid4() (one UUID, "
        "made once at import)."
    )
    stored = stored_products(engine)
    assert set(stored) == {uuid.UUID(i) for i in ids}, (
        f"The product table holds the ids {sorted(str(k) for k in stored)}; expected the ids "
        f"the app answered, {sorted(ids)}."
    )
    bob = made[1]
    for spelling in (bob["id"].upper(), uuid.UUID(bob["id"]).hex, "{" + bob["id"] + "}"):
        got = (await call(app_client, "GET", f"/products/{spelling}", 200)).json()
        assert got == bob, (
            f"GET /products/{spelling} answered {got}; expected {bob}: the same UUID, spelled "
            "differently. Type the path parameter as uuid.UUID and FastAPI parses any spelling."
        )
    await call(app_client, "GET", f"/products/{uuid.uuid4()}", 404)
    for wrong in ("not-a-uuid", "12345", bob["id"][:-1]):
        await call(app_client, "GET", f"/products/{wrong}", 422)


CATALOG_SEED = [  # inserted in this order; the catalog lists them by name
    ("Tea", "19.99"),
    ("Biscuits, 100% butter", "0.10"),
    ("Coffee", "0.20"),
    ("Apron", "4.50"),
]


async def test_catalog(app_client):
    """GET /catalog: every product by name, the exact total, a Cache-Control header."""
    moment = datetime(2025, 3, 1, 9, 0, tzinfo=KATHMANDU)
    made = {name: await create(app_client, name, price, moment) for name, price in CATALOG_SEED}
    response = await call(app_client, "GET", "/catalog", 200)
    got = response.json()
    assert isinstance(got, dict) and set(got) == {"products", "total", "generated_at"}, (
        f"GET /catalog answered {response.text[:300]}; expected an object with the keys "
        "products, total and generated_at."
    )
    expected = [made[name] for name in sorted(made)]
    listed = got["products"]
    assert isinstance(listed, list) and [p.get("name") for p in listed] == sorted(made), (
        f"GET /catalog listed {[p.get('name') for p in listed]}; expected every product, by name: "
        f"{sorted(made)}."
    )
    for product, want in zip(listed, expected, strict=True):
        assert_product(
            product, want["name"], want["price"], moment, f"GET /catalog's product {product}"
        )
        assert product["id"] == want["id"], (
            f"GET /catalog lists {want['name']!r} with the id {product['id']}; POST answered "
            f"{want['id']}."
        )
    assert isinstance(got["total"], str), (
        f"GET /catalog answered the total {json.dumps(got['total'])}, a JSON "
        f"{json_type(got['total'])}; expected "
        'the string "24.79". jsonable_encoder turns a bare Decimal into a float; a Decimal '
        'field of a Pydantic model, dumped with model_dump(mode="json"), is a string.'
    )
    assert got["total"] == "24.79", (
        f'GET /catalog answered the total {json.dumps(got["total"])}; expected "24.79" '
        "(19.99 + 0.10 + 0.20 + 4.50), exactly, with two decimals."
    )
    cache = response.headers.get("cache-control")
    assert cache == "max-age=60", (
        f"GET /catalog answered the Cache-Control header {cache!r}; expected 'max-age=60': "
        "JSONResponse(content, headers={'Cache-Control': 'max-age=60'})."
    )


async def test_catalog_total_is_exact(app_client):
    """0.10 + 0.20 in the catalog's total is "0.30", not 0.30000000000000004."""
    moment = datetime(2025, 3, 1, 9, 0, tzinfo=KATHMANDU)
    await create(app_client, "Dime", "0.10", moment)
    await create(app_client, "Two dimes", "0.20", moment)
    total = (await call(app_client, "GET", "/catalog", 200)).json().get("total")
    assert total == "0.30", (
        f"With products priced 0.10 and 0.20, GET /catalog answered the total "
        f'{json.dumps(total)}; expected "0.30". Add Decimals, not floats (0.1 + 0.2 is '
        "0.30000000000000004), and answer the total as a string with two decimals."
    )


async def test_empty_catalog(app_client):
    """With no products, GET /catalog answers no products and the total "0.00"."""
    got = (await call(app_client, "GET", "/catalog", 200)).json()
    assert isinstance(got, dict) and got.get("products") == [] and got.get("total") == "0.00", (
        f'With no products, GET /catalog answered {got}; expected "products": [] and '
        '"total": "0.00" (sum() of nothing is the int 0: start it at Decimal(0) and answer '
        "two decimals)."
    )


async def test_generated_at_is_now_in_utc(app_client):
    """generated_at is the current instant, in UTC: the local zone (-03:30) must not leak in."""
    before = datetime.now(UTC)
    got = (await call(app_client, "GET", "/catalog", 200)).json()
    after = datetime.now(UTC)
    value = got.get("generated_at") if isinstance(got, dict) else None
    when = assert_utc_text(value, None, "GET /catalog's generated_at")
    slack = timedelta(seconds=2)
    local = before.astimezone(ST_JOHNS).replace(tzinfo=None)
    assert before - slack <= when <= after + slack, (
        f"GET /catalog answered generated_at {value}; expected the time of the request, between "
        f"{before.isoformat()} and {after.isoformat()}. "
        + (
            f"It is the local wall time ({local.isoformat(timespec='seconds')} in St John's, "
            "-03:30) labelled UTC: datetime.now() is local time without an offset. Use "
            "datetime.now(timezone.utc)."
            if abs(when - local.replace(tzinfo=UTC)) < timedelta(minutes=1)
            else ""
        )
    )


async def test_under_uvicorn(live_server, engine):
    """Under a real uvicorn: POST, GET and the catalog answer the same JSON; the row is stored."""
    moment = datetime(2025, 3, 1, 9, 0, tzinfo=KATHMANDU)
    async with live_server.client() as client:
        tea = await create(client, "Tea", "19.99", moment, server=live_server)
        coffee = await create(client, "Coffee", "0.30", moment, server=live_server)
        path = f"/products/{tea['id']}"
        got = (await call(client, "GET", path, 200, server=live_server)).json()
        assert got == tea, f"Under uvicorn, GET {path} answered {got}; expected {tea}."
        response = await call(client, "GET", "/catalog", 200, server=live_server)
        listed = response.json()
        ids = [p.get("id") for p in listed.get("products", [])]
        assert ids == [coffee["id"], tea["id"]] and listed.get("total") == "20.29", (
            f"Under uvicorn, GET /catalog answered {response.text[:300]}; expected Coffee then "
            'Tea, and the total "20.29".'
        )
    assert_stored(engine, tea, "19.99", moment)
