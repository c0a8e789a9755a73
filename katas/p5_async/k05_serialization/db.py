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

    # TODO: id: a Uuid primary key made by Python for each new row; name; price: Numeric(10, 2); available_from: DateTime(timezone=True)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
