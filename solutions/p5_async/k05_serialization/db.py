"""The model: the shop's products, with the three types JSON has no word for (task 1)."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Numeric, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Product(Base):
    __tablename__ = "product"

    # BEGIN SOLUTION id: a Uuid primary key made by Python for each new row; name; price: Numeric(10, 2); available_from: DateTime(timezone=True)
    # STUB: id: Mapped[int] = mapped_column(primary_key=True)
    # STUB: name: Mapped[str] = mapped_column(String(100))
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100))
    # Numeric keeps cents exactly: Postgres NUMERIC(10, 2), read back as decimal.Decimal.
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # timestamptz on Postgres (an instant); SQLite keeps no offset, so the app stores UTC there.
    available_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # END SOLUTION
