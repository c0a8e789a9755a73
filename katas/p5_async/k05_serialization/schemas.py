"""The API's shapes: what a client sends (ProductIn) and what the app answers (ProductOut, Catalog).

Pydantic turns these into JSON: a UUID as its 36-character string, a Decimal as a string
("19.99": a JSON number would be a float to most clients), a datetime as ISO 8601 with its offset.
"""

import uuid
from datetime import datetime, timezone
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

CENT = Decimal("0.01")


def in_utc(value: datetime) -> datetime:
    """The same instant in UTC. A naive value is taken to be UTC already: that is what the app
    stores, and SQLite hands it back without its offset."""
    # TODO: naive: attach UTC (replace); aware: convert to UTC (astimezone)
    raise NotImplementedError('naive: attach UTC (replace); aware: convert to UTC (astimezone)')


def to_cents(value: Decimal) -> Decimal:
    """The amount with exactly two decimals, as the column gives it back: 5 -> 5.00, 0.3 -> 0.30."""
    # TODO: quantize to CENT
    raise NotImplementedError('quantize to CENT')


# TODO: Price (a Decimal: at most 10 digits, 2 of them decimals, answered with two decimals), UtcDatetime (any datetime, answered in UTC)
Price = Decimal
UtcDatetime = datetime


class ProductIn(BaseModel):
    """The body of POST /products."""

    # TODO: name (1 to 100 characters), price: Price, available_from: an AwareDatetime converted to UTC
    name: str


class ProductOut(BaseModel):
    """A product as the API answers it; read from a Product's attributes."""

    # TODO: from_attributes; id: uuid.UUID, name, price: Price, available_from: UtcDatetime
    name: str


class Catalog(BaseModel):
    """The body of GET /catalog."""

    # TODO: products: list[ProductOut], total: a Decimal with two decimals (any size), generated_at: UtcDatetime
    products: list[ProductOut]
