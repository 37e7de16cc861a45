"""Helpers of the depreciation and disposal tests: categories' lives, runs, cards as stored."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlmodel import Session

from services.assets.categories.models import Category
from services.assets.register.models import Asset
from tests.assets.conftest import OFFICER


def set_life(engine: Engine, code: str, years: int | None) -> None:
    """Give a category another useful life (the categories are data)."""
    with Session(engine) as session:
        session.execute(
            update(Category).where(Category.code == code).values(useful_life_years=years)  # type: ignore[arg-type]
        )
        session.commit()


def run(client: TestClient, period: str, status: int = 201) -> dict[str, Any]:
    response = client.post("/depreciation/runs", json={"period": period}, headers=OFFICER)
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def run_months(client: TestClient, *periods: str) -> list[dict[str, Any]]:
    return [run(client, p) for p in periods]


def card(engine: Engine, asset_id: uuid.UUID) -> Asset:
    with Session(engine, expire_on_commit=False) as session:
        asset = session.get(Asset, asset_id)
        assert asset is not None
        return asset


def outbox_rows(app: FastAPI, event_type: str | None = None) -> list[dict[str, Any]]:
    t = app.state.outbox.table
    query = select(t).order_by(t.c.created_at)
    if event_type is not None:
        query = query.where(t.c.event_type == event_type)
    with Session(app.state.engine) as session:
        return [dict(r) for r in session.execute(query).mappings()]


def months(start: str, count: int) -> list[str]:
    year, month = int(start[:4]), int(start[5:])
    out = []
    for _ in range(count):
        out.append(f"{year}-{month:02d}")
        year, month = year + month // 12, month % 12 + 1
    return out
