"""Asset cards written straight into a test's database, for tests of the modules that work on
cards (stocktakes, depreciation, disposals, leases) without going through the register's API."""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from services.assets.register.models import Asset, FundSource

_numbers = itertools.count(1)


def insert_asset(engine: Engine, *, unit_id: uuid.UUID, **fields: Any) -> Asset:
    """One in-use card of ``unit_id`` (a desktop computer worth 6,000.00 bought on 2025-01-15
    unless ``fields`` say otherwise); returns it detached, with its id."""
    value = Decimal(str(fields.pop("value", "6000.00")))
    data: dict[str, Any] = {
        "number": f"T{next(_numbers):07d}",
        "category_code": "2010100",
        "name": "Desktop computer",
        "acquired_on": date(2025, 1, 15),
        "original_value": value,
        "value": value,
        "fund_source": FundSource.FISCAL,
        **fields,
    }
    with Session(engine, expire_on_commit=False) as session:
        asset = Asset(unit_id=unit_id, **data)
        session.add(asset)
        session.commit()
        return asset
