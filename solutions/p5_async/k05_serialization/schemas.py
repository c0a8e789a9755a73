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
    # BEGIN SOLUTION naive: attach UTC (replace); aware: convert to UTC (astimezone)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
    # END SOLUTION


def to_cents(value: Decimal) -> Decimal:
    """The amount with exactly two decimals, as the column gives it back: 5 -> 5.00, 0.3 -> 0.30."""
    # BEGIN SOLUTION quantize to CENT
    return value.quantize(CENT)
    # END SOLUTION


# BEGIN SOLUTION Price (a Decimal: at most 10 digits, 2 of them decimals, answered with two decimals), UtcDatetime (any datetime, answered in UTC)
# STUB: Price = Decimal
# STUB: UtcDatetime = datetime
Price = Annotated[Decimal, Field(max_digits=10, decimal_places=2), AfterValidator(to_cents)]
UtcDatetime = Annotated[datetime, AfterValidator(in_utc)]
# END SOLUTION


class ProductIn(BaseModel):
    """The body of POST /products."""

    # BEGIN SOLUTION name (1 to 100 characters), price: Price, available_from: an AwareDatetime converted to UTC
    # STUB: name: str
    name: str = Field(min_length=1, max_length=100)
    price: Price
    # AwareDatetime refuses a time without an offset: "09:00" where? The app cannot guess.
    available_from: Annotated[AwareDatetime, AfterValidator(in_utc)]
    # END SOLUTION


class ProductOut(BaseModel):
    """A product as the API answers it; read from a Product's attributes."""

    # BEGIN SOLUTION from_attributes; id: uuid.UUID, name, price: Price, available_from: UtcDatetime
    # STUB: name: str
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    price: Price
    available_from: UtcDatetime
    # END SOLUTION


class Catalog(BaseModel):
    """The body of GET /catalog."""

    # BEGIN SOLUTION products: list[ProductOut], total: a Decimal with two decimals (any size), generated_at: UtcDatetime
    # STUB: products: list[ProductOut]
    products: list[ProductOut]
    total: Annotated[Decimal, AfterValidator(to_cents)]
    generated_at: UtcDatetime
    # END SOLUTION
