"""``shared.bulk.insert_rows`` writes what the ORM would have written, on each backend."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from services.assets.register.models import Asset, AssetEvent, EventKind, FundSource
from shared.bulk import insert_rows, table_of
from shared.types import utcnow
from tests.support.databases import Databases


def test_rows_read_back_as_the_orm_wrote_them(databases: Databases) -> None:
    import services.assets.main  # noqa: F401  (every table of the service's metadata)

    engine = databases.fresh_engine("assets")
    now = utcnow()
    asset_id, unit = uuid.uuid4(), uuid.uuid4()
    card = {
        "id": asset_id,
        "number": "B1",
        "category_code": "2010100",
        "name": "Laptop",
        "specification": None,
        "unit_id": unit,
        "custodian_id": None,
        "room_id": None,
        "acquired_on": date(2024, 2, 29),
        "original_value": Decimal("8999.99"),
        "value": Decimal("8999.99"),
        "accumulated_depreciation": Decimal("0"),
        "depreciated_months": 0,
        "fund_source": FundSource.FISCAL,
        "payment_id": None,
        "status": "in_use",
        "disposed_on": None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    step = {
        "id": uuid.uuid4(),
        "asset_id": asset_id,
        "kind": EventKind.ACQUIRED,
        "occurred_on": date(2024, 2, 29),
        "at": now,
        "by": "bulk",
        "reason": "test",
        "unit_id": unit,
        "other_unit_id": None,
        "details": {"import_id": "x", "n": [1, 2]},
    }
    with Session(engine) as session:
        assert insert_rows(session.connection(), table_of(Asset), [card]) == 1
        assert insert_rows(session.connection(), table_of(AssetEvent), [step]) == 1
        assert insert_rows(session.connection(), table_of(AssetEvent), []) == 0
        session.commit()
    with Session(engine) as session:
        asset = session.exec(select(Asset)).one()
        assert (asset.id, asset.unit_id, asset.acquired_on) == (asset_id, unit, date(2024, 2, 29))
        assert asset.value == Decimal("8999.99") and asset.created_at == now
        event = session.exec(select(AssetEvent)).one()
        assert event.details == {"import_id": "x", "n": [1, 2]} and event.kind == "acquired"
    engine.dispose()


def test_a_taken_key_is_an_integrity_error_on_every_backend(databases: Databases) -> None:
    import services.assets.main  # noqa: F401

    engine = databases.fresh_engine("assets")
    now = utcnow()
    step = {
        "id": uuid.uuid4(),
        "asset_id": uuid.uuid4(),  # no such card: the foreign key refuses it
        "kind": EventKind.ACQUIRED,
        "occurred_on": date(2024, 1, 1),
        "at": now,
        "by": "bulk",
        "reason": "test",
        "unit_id": uuid.uuid4(),
        "other_unit_id": None,
        "details": {},
    }
    with Session(engine) as session, pytest.raises(IntegrityError):
        insert_rows(session.connection(), table_of(AssetEvent), [step])
    engine.dispose()
