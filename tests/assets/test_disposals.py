"""Disposals: request, the disposal right's holder decides (maker–checker), the card's
lifecycle, a sale's proceeds reaching finance once, the rules, who may do what."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlmodel import Session

from services.assets.register.models import AssetEvent, AssetStatus
from services.assets.rights.models import Right, RightHolding, SubjectKind
from shared.types import today
from tests.assets.depreciation_support import card, outbox_rows, run
from tests.assets.factories import insert_asset
from tests.assets.finance_link import Finance, deliver, finance_with_units, requeue
from tests.finance.conftest import AUDITOR as FINANCE_AUDITOR
from tests.support.databases import Databases
from tests.support.tokens import bearer

USER_UNIT = uuid.UUID("00000000-0000-4000-8000-0000000000c1")  # the unit the asset is with
HOLDER = uuid.UUID("00000000-0000-4000-8000-0000000000d1")  # holds the disposal right
OTHER = uuid.UUID("00000000-0000-4000-8000-0000000000e1")
REQUESTER = bearer("asset_officer", sub="officer-requester", unit_id=str(HOLDER))
HOLDER_OFFICER = bearer("asset_officer", sub="officer-holder", unit_id=str(HOLDER))
HOLDER_DIRECTOR = bearer("director", sub="director-holder", unit_id=str(HOLDER))
OTHER_OFFICER = bearer("asset_officer", sub="officer-other", unit_id=str(OTHER))
NOT_YET = uuid.uuid4()


def grant(
    engine: Engine, asset_id: uuid.UUID, unit: uuid.UUID | None = HOLDER, **fields: Any
) -> None:
    """The disposal right over the asset, held from 2020 on (``unit`` None: a body outside
    the units, named only)."""
    holding = RightHolding(
        subject_kind=SubjectKind.ASSET,
        subject_id=asset_id,
        right=Right.DISPOSAL,
        holder_name="Agency Affairs Bureau" if unit else "The City",
        holder_unit_id=unit,
        valid_from=date(2020, 1, 1),
        recorded_by="test",
        **fields,
    )
    with Session(engine) as session:
        session.add(holding)
        session.commit()


def request(client: TestClient, asset_id: uuid.UUID, status: int = 201, **fields: Any) -> Any:
    body = {
        "asset_id": str(asset_id),
        "kind": "sale",
        "reason": "Replaced; sold at auction",
        "disposal_date": "2026-11-20",
        "proceeds": "850.00",
        "counterparty": "Recycling Co.",
        **fields,
    }
    response = client.post("/disposals", json=body, headers=REQUESTER)
    assert response.status_code == status, response.text
    return response.json()


def decide(
    client: TestClient, disposal_id: str, headers: dict[str, str], action: str = "approve"
) -> Any:
    body = {"reason": "Still needed by the archive"} if action == "reject" else None
    return client.post(f"/disposals/{disposal_id}/{action}", json=body, headers=headers)


def steps(engine: Engine, asset_id: uuid.UUID) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(
            select(AssetEvent.kind).where(AssetEvent.asset_id == asset_id).order_by(AssetEvent.at)  # type: ignore[arg-type]
        )
        return [str(kind) for (kind,) in rows]


@pytest.fixture
def finance(databases: Databases) -> Iterator[TestClient]:
    yield from finance_with_units(databases, USER_UNIT)


def test_a_sale_approved_by_the_right_holder_sends_its_proceeds_once(
    client: TestClient, engine: Engine, finance: TestClient
) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    asset = insert_asset(engine, unit_id=USER_UNIT, value="6000.00")
    disposal = request(client, asset.id)
    assert disposal["status"] == "pending" and disposal["unit_id"] == str(USER_UNIT)
    assert disposal["proceeds"] == "850.00" and disposal["requested_by"] == "officer-requester"
    assert card(engine, asset.id).status == AssetStatus.PENDING_DISPOSAL

    # no holder of the disposal right today: nobody may decide
    refused = decide(client, disposal["id"], HOLDER_OFFICER)
    assert refused.status_code == 409 and refused.json()["code"] == "NO_DISPOSAL_RIGHT"
    grant(engine, asset.id)
    refused = decide(client, disposal["id"], OTHER_OFFICER)
    assert refused.status_code == 403 and refused.json()["code"] == "NOT_RIGHT_HOLDER"
    refused = decide(client, disposal["id"], REQUESTER)
    assert refused.status_code == 403 and refused.json()["code"] == "SELF_APPROVAL"
    no_unit = bearer("director", sub="director-no-unit")
    assert decide(client, disposal["id"], no_unit).status_code == 403
    for role in ("unit_liaison", "auditor", "staff", "finance_approver"):
        headers = bearer(role, unit_id=str(HOLDER))
        assert decide(client, disposal["id"], headers).status_code == 403, role
    assert client.post(f"/disposals/{disposal['id']}/approve").status_code == 401
    assert outbox_rows(app) == [], "nothing sent while refused"
    assert card(engine, asset.id).status == AssetStatus.PENDING_DISPOSAL

    stale = client.post(
        f"/disposals/{disposal['id']}/approve", headers={**HOLDER_DIRECTOR, "If-Match": '"9"'}
    )
    assert stale.status_code == 412
    approved = decide(client, disposal["id"], HOLDER_DIRECTOR)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "approved" and body["decided_by"] == "director-holder"
    assert body["holder_unit_id"] == str(HOLDER) and body["version"] == 2
    stored = card(engine, asset.id)
    assert (stored.status, stored.disposed_on) == (AssetStatus.DISPOSED, date(2026, 11, 20))
    assert steps(engine, asset.id) == ["disposal_requested", "disposed"]
    again = decide(client, disposal["id"], HOLDER_OFFICER)
    assert again.status_code == 409 and again.json()["code"] == "DISPOSAL_STATE"

    [event] = outbox_rows(app, "revenue.received")
    assert event["id"] == uuid.UUID(body["proceeds_event_id"])
    assert event["destination"] == "finance"
    assert event["payload"] == {
        "unit_id": str(USER_UNIT),
        "kind": "disposal",
        "amount": "850.00",
        "received_on": "2026-11-20",
        "payer": "Recycling Co.",
        "reference": f"disposal of asset {asset.number}",
    }
    transport = Finance(finance.app)  # type: ignore[arg-type]
    transport.down = False
    assert deliver(app, transport) == 1
    requeue(app, delivered_at=None)  # delivered a second time
    assert deliver(app, transport) == 1
    receipts = finance.get("/revenue-receipts", headers=FINANCE_AUDITOR).json()
    assert receipts["total"] == 1, "booked once"
    [receipt] = receipts["items"]
    assert (receipt["kind"], receipt["amount"], receipt["unit_id"]) == (
        "disposal",
        "850.00",
        str(USER_UNIT),
    )
    assert receipt["source_event_id"] == body["proceeds_event_id"]


def test_a_rejection_gives_the_card_back(client: TestClient, engine: Engine) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    asset = insert_asset(engine, unit_id=USER_UNIT, status=AssetStatus.IDLE)
    grant(engine, asset.id)
    disposal = request(client, asset.id, kind="scrapping", proceeds=None, counterparty=None)
    assert disposal["counterparty"] is None
    assert decide(client, disposal["id"], OTHER_OFFICER, "reject").status_code == 403
    missing_reason = client.post(f"/disposals/{disposal['id']}/reject", headers=HOLDER_OFFICER)
    assert missing_reason.status_code == 422
    rejected = decide(client, disposal["id"], HOLDER_OFFICER, "reject")
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["decision_note"] == "Still needed by the archive"
    assert card(engine, asset.id).status == AssetStatus.IDLE
    assert steps(engine, asset.id) == ["disposal_requested", "disposal_rejected"]
    assert outbox_rows(app) == []
    # the card may be put up for disposal again
    request(client, asset.id, kind="donation", proceeds=None, counterparty="Village school")


def test_the_terms_of_a_request(client: TestClient, engine: Engine) -> None:
    asset = insert_asset(engine, unit_id=USER_UNIT, acquired_on=date(2025, 1, 15))
    for fields, code in (
        ({"proceeds": None}, "PROCEEDS_REQUIRED"),
        ({"kind": "scrapping"}, "PROCEEDS_NOT_ALLOWED"),
        ({"kind": "transfer_out", "proceeds": None, "counterparty": None}, "COUNTERPARTY_REQUIRED"),
        ({"disposal_date": (today() + timedelta(days=1)).isoformat()}, "FUTURE_DATE"),
        ({"disposal_date": "2025-01-14"}, "BEFORE_ACQUISITION"),
        ({"asset_id": str(uuid.uuid4())}, "UNKNOWN_ASSET"),
    ):
        problem = request(client, fields.pop("asset_id", asset.id), 422, **fields)
        assert problem["code"] == code, fields
    for fields in ({"proceeds": "0.00"}, {"proceeds": 850}, {"kind": "theft"}, {"reason": ""}):
        request(client, asset.id, 422, **fields)
    assert card(engine, asset.id).status == AssetStatus.IN_USE, "nothing changed"

    request(client, asset.id)
    problem = request(client, asset.id, 409)
    assert problem["code"] == "DISPOSAL_OPEN"
    gone = insert_asset(
        engine, unit_id=USER_UNIT, status=AssetStatus.DISPOSED, disposed_on=date(2026, 1, 5)
    )
    assert request(client, gone.id, 409)["code"] == "ASSET_STATE"
    for role in ("director", "unit_liaison", "auditor", "staff"):
        body = {
            "asset_id": str(asset.id),
            "kind": "scrapping",
            "reason": "x",
            "disposal_date": "2026-11-01",
        }
        assert client.post("/disposals", json=body, headers=bearer(role)).status_code == 403
    assert client.post("/disposals", json={}).status_code == 401


def test_depreciation_stops_after_the_disposals_month(client: TestClient, engine: Engine) -> None:
    asset = insert_asset(
        engine,
        unit_id=USER_UNIT,
        value="12000.00",
        category_code="2200000",
        acquired_on=date(2025, 12, 5),
    )
    later = insert_asset(
        engine,
        unit_id=USER_UNIT,
        value="12000.00",
        category_code="2200000",
        acquired_on=date(2025, 12, 5),
    )
    grant(engine, asset.id)
    run(client, "2026-09")
    disposal = request(client, asset.id, disposal_date="2026-10-10")
    run(client, "2026-10")  # pending: still in service
    assert decide(client, disposal["id"], HOLDER_OFFICER).status_code == 200
    november = run(client, "2026-11")
    # 12,000/60 = 200.00: ``asset`` for September and October, not after its disposal
    assert (november["assets"], november["total"]) == (1, "200.00"), "only ``later``"
    assert card(engine, asset.id).accumulated_depreciation == Decimal("400.00")

    # a card depreciated for November cannot be disposed of with a date in October
    problem = request(client, later.id, 409, disposal_date="2026-10-31")
    # ``later`` was charged for November (the run found it in service)
    assert problem["code"] == "DEPRECIATED_AFTER_DISPOSAL"
    assert problem["depreciated_until"] == "2026-11"
    request(client, later.id, disposal_date="2026-11-01")


def test_reads_by_scope_and_filters(client: TestClient, engine: Engine) -> None:
    keeper = uuid.uuid4()
    mine = insert_asset(engine, unit_id=USER_UNIT, custodian_id=keeper)
    theirs = insert_asset(engine, unit_id=OTHER)
    sale = request(client, mine.id)
    scrap = request(client, theirs.id, kind="scrapping", proceeds=None, counterparty=None)

    def listed(headers: dict[str, str], **params: str) -> list[str]:
        response = client.get("/disposals", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [d["id"] for d in response.json()["items"]]

    auditor = bearer("auditor")
    assert sorted(listed(auditor)) == sorted([sale["id"], scrap["id"]])
    assert listed(auditor, kind="scrapping") == [scrap["id"]]
    assert listed(auditor, unit_id=str(USER_UNIT)) == [sale["id"]]
    assert listed(auditor, status="approved") == []
    liaison = bearer("unit_liaison", unit_id=str(USER_UNIT))
    assert listed(liaison) == [sale["id"]]
    refused = client.get("/disposals", params={"unit_id": str(OTHER)}, headers=liaison)
    assert refused.status_code == 403
    staff = bearer("staff", staff_id=str(keeper))
    assert listed(staff) == [sale["id"]]
    assert client.get(f"/disposals/{sale['id']}", headers=staff).status_code == 200
    assert client.get(f"/disposals/{scrap['id']}", headers=staff).status_code == 403
    assert client.get(f"/disposals/{scrap['id']}", headers=liaison).status_code == 403
    one = client.get(f"/disposals/{sale['id']}", headers=auditor)
    assert one.status_code == 200 and one.headers["ETag"] == '"1"'
    assert client.get(f"/disposals/{uuid.uuid4()}", headers=auditor).status_code == 404
    assert client.get("/disposals", headers=bearer("facilities_officer")).status_code == 403
    assert client.get("/disposals").status_code == 401
    assert client.get("/disposals", params={"status": "lost"}, headers=auditor).status_code == 422


def test_a_disposed_card_is_written_off_once_after_its_last_month(
    client: TestClient, engine: Engine
) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    october = insert_asset(
        engine,
        unit_id=USER_UNIT,
        value="12000.00",
        category_code="2200000",
        acquired_on=date(2025, 12, 5),
    )
    november = insert_asset(
        engine,
        unit_id=USER_UNIT,
        value="6000.00",
        category_code="2200000",
        acquired_on=date(2025, 12, 5),
    )
    for asset in (october, november):
        grant(engine, asset.id)
    run(client, "2026-09")
    first = request(client, october.id, disposal_date="2026-10-10")
    assert decide(client, first["id"], HOLDER_OFFICER).status_code == 200
    assert outbox_rows(app, "asset.disposed") == [], "October is not depreciated yet"
    run(client, "2026-10")  # charges October, then writes the card off
    [event] = outbox_rows(app, "asset.disposed")
    # 12,000/60 = 200.00 for September and October
    assert event["payload"]["asset_id"] == str(october.id)
    assert (event["payload"]["value"], event["payload"]["accumulated_depreciation"]) == (
        "12000.00",
        "400.00",
    )
    run(client, "2026-11")
    assert len(outbox_rows(app, "asset.disposed")) == 1, "written off once"

    # November has been run: a disposal dated in November is written off at its approval
    second = request(client, november.id, disposal_date="2026-11-30")
    assert decide(client, second["id"], HOLDER_DIRECTOR).status_code == 200
    events = outbox_rows(app, "asset.disposed")
    assert len(events) == 2
    # 6,000/60 = 100.00 for September, October and November
    assert events[-1]["payload"]["accumulated_depreciation"] == "300.00"
