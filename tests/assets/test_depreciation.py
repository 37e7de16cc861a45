"""Monthly depreciation: worked examples by hand, the months' order, running a month twice,
disposed and not-depreciated cards, the schedule of an asset, who may do what."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.assets.depreciation.models import DepreciationCharge, DepreciationRun
from services.assets.register.models import AssetStatus
from shared.types import today
from tests.assets.conftest import OFFICER
from tests.assets.depreciation_support import card, months, outbox_rows, run, run_months, set_life
from tests.assets.factories import insert_asset
from tests.support.tokens import bearer

UNIT_A = uuid.UUID("00000000-0000-4000-8000-00000000000a")
UNIT_B = uuid.UUID("00000000-0000-4000-8000-00000000000b")
ELECTRICAL = "2200000"  # 电气设备, 5 years
COMPUTERS = "2010100"  # 计算机设备, 6 years
LAND = "1010000"  # 土地: not depreciated
YEAR = months("2025-12", 12)  # 2025-12 … 2026-11: months that have ended


def schedule(client: TestClient, asset_id: uuid.UUID, headers: dict[str, str] = OFFICER) -> dict:
    response = client.get(f"/assets/{asset_id}/depreciation", headers=headers)
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


def test_twelve_thousand_over_five_years_is_two_hundred_a_month(
    client: TestClient, engine: Engine
) -> None:
    # 12,000.00 / (5 × 12) months = 200.00 a month, from the month after acquisition
    asset = insert_asset(
        engine,
        unit_id=UNIT_A,
        value="12000.00",
        category_code=ELECTRICAL,
        acquired_on=date(2025, 11, 20),
    )
    runs = run_months(client, *YEAR)
    assert [r["total"] for r in runs] == ["200.00"] * 12
    assert all(r["assets"] == 1 and r["units"] == 1 for r in runs)
    stored = card(engine, asset.id)
    assert stored.accumulated_depreciation == Decimal("2400.00")
    assert stored.depreciated_months == 12
    assert stored.version == 1 + 12, "each charge is a change of the card"

    body = schedule(client, asset.id)
    assert body["useful_life_years"] == 5
    assert body["net_book_value"] == "9600.00"
    assert body["remaining_months"] == 48
    assert [c["period"] for c in body["charges"]] == YEAR
    assert [c["amount"] for c in body["charges"]] == ["200.00"] * 12
    assert body["charges"][0]["accumulated_after"] == "200.00"
    assert body["charges"][-1] == {
        "period": "2026-11",
        "amount": "200.00",
        "accumulated_after": "2400.00",
        "months_after": 12,
    }


def test_rounding_half_up_and_the_last_month_takes_what_remains(
    client: TestClient, engine: Engine
) -> None:
    set_life(engine, ELECTRICAL, 1)  # 12 months
    asset = insert_asset(
        engine,
        unit_id=UNIT_A,
        value="100.00",
        category_code=ELECTRICAL,
        acquired_on=date(2024, 11, 3),
    )
    # by hand, in fen: remaining / months left, half up
    #  10000/12 = 833.33 → 833 | 9167/11 = 833.36 → 833 | 8334/10 = 833.4 → 833
    #  7501/9 = 833.44 → 833   | 6668/8 = 833.5 → 834   | 5834/7 = 833.43 → 833
    #  5001/6 = 833.5 → 834    | 4167/5 = 833.4 → 833  | 3334/4 = 833.5 → 834
    #  2500/3 = 833.33 → 833   | 1667/2 = 833.5 → 834 | the last month: the 833 left
    expected = ["8.33"] * 4 + ["8.34", "8.33", "8.34", "8.33", "8.34", "8.33", "8.34", "8.33"]
    periods = months("2024-12", 13)
    runs = run_months(client, *periods)
    assert [r["total"] for r in runs] == [*expected, "0.00"], "then nothing: fully depreciated"
    assert runs[-1]["assets"] == 0 and runs[-1]["units"] == 0
    stored = card(engine, asset.id)
    assert stored.accumulated_depreciation == Decimal("100.00") == stored.value
    assert stored.depreciated_months == 12
    body = schedule(client, asset.id)
    assert [c["amount"] for c in body["charges"]] == expected
    assert body["net_book_value"] == "0.00" and body["remaining_months"] == 0


def test_a_revaluation_spreads_what_remains_over_what_remains(
    client: TestClient, engine: Engine
) -> None:
    # 12,000.00 over 60 months, 12 months charged (2,400.00); revalued to 14,400.00:
    # (14,400.00 − 2,400.00) / 48 = 250.00 a month from then on
    asset = insert_asset(
        engine,
        unit_id=UNIT_A,
        value="14400.00",
        original_value=Decimal("12000.00"),
        category_code=ELECTRICAL,
        acquired_on=date(2024, 6, 1),
        accumulated_depreciation=Decimal("2400.00"),
        depreciated_months=12,
    )
    [november] = run_months(client, "2026-11")
    assert november["total"] == "250.00"
    assert card(engine, asset.id).accumulated_depreciation == Decimal("2650.00")


def test_disposed_mid_year_is_charged_for_its_month_and_not_after(
    client: TestClient, engine: Engine
) -> None:
    kept = insert_asset(
        engine,
        unit_id=UNIT_A,
        value="12000.00",
        category_code=ELECTRICAL,
        acquired_on=date(2025, 11, 20),
    )
    disposed = insert_asset(
        engine,
        unit_id=UNIT_A,
        value="6000.00",
        category_code=ELECTRICAL,
        acquired_on=date(2025, 11, 20),
        status=AssetStatus.DISPOSED,
        disposed_on=date(2026, 6, 15),
    )
    pending = insert_asset(
        engine,
        unit_id=UNIT_B,
        value="3000.00",
        category_code=ELECTRICAL,
        acquired_on=date(2025, 11, 20),
        status=AssetStatus.PENDING_DISPOSAL,
    )
    runs = run_months(client, *YEAR)
    # 12,000/60 = 200.00, 6,000/60 = 100.00 (Dec … Jun: 7 months), 3,000/60 = 50.00
    assert [r["total"] for r in runs] == ["350.00"] * 7 + ["250.00"] * 5
    assert card(engine, disposed.id).accumulated_depreciation == Decimal("700.00")
    assert [c["period"] for c in schedule(client, disposed.id)["charges"]][-1] == "2026-06"
    assert card(engine, pending.id).accumulated_depreciation == Decimal("600.00")
    assert card(engine, kept.id).depreciated_months == 12


def test_what_is_not_depreciated(client: TestClient, engine: Engine) -> None:
    land = insert_asset(
        engine,
        unit_id=UNIT_A,
        value="900000.00",
        category_code=LAND,
        acquired_on=date(2020, 1, 1),
    )
    bought_in_month = insert_asset(
        engine, unit_id=UNIT_A, value="6000.00", acquired_on=date(2026, 11, 1)
    )
    disposed_before = insert_asset(
        engine,
        unit_id=UNIT_A,
        value="6000.00",
        acquired_on=date(2025, 1, 1),
        status=AssetStatus.DISPOSED,
        disposed_on=date(2026, 10, 31),
    )
    [november] = run_months(client, "2026-11")
    assert (november["total"], november["assets"]) == ("0.00", 0)
    assert schedule(client, land.id)["useful_life_years"] is None
    assert schedule(client, land.id)["remaining_months"] is None
    for asset in (land, bought_in_month, disposed_before):
        assert card(engine, asset.id).depreciated_months == 0
    app: FastAPI = client.app  # type: ignore[assignment]
    assert outbox_rows(app, "depreciation.posted") == [], "nothing to post"
    # the card disposed of before the first run is written off by it, as it stood
    [written_off] = outbox_rows(app, "asset.disposed")
    assert written_off["payload"] == {
        "unit_id": str(UNIT_A),
        "asset_id": str(disposed_before.id),
        "number": disposed_before.number,
        "category_code": COMPUTERS,
        "disposed_on": "2026-10-31",
        "value": "6000.00",
        "accumulated_depreciation": "0.00",
    }


def test_a_month_run_twice_posts_nothing_new(client: TestClient, engine: Engine) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    for unit in (UNIT_A, UNIT_B):
        insert_asset(engine, unit_id=unit, value="12000.00", category_code=ELECTRICAL)
    first = run(client, "2026-11", 201)
    again = run(client, "2026-11", 200)
    assert again == first
    assert len(outbox_rows(app)) == 2, "one event per unit, once"
    with Session(engine) as session:
        charges = session.execute(select(func.count()).select_from(DepreciationCharge)).scalar()
    assert charges == 2


def test_months_run_in_order(client: TestClient, engine: Engine) -> None:
    insert_asset(engine, unit_id=UNIT_A)
    run(client, "2026-09")
    for period in ("2026-11", "2026-08", "2025-09"):
        response = client.post("/depreciation/runs", json={"period": period}, headers=OFFICER)
        assert response.status_code == 409, response.text
        problem = response.json()
        assert problem["code"] == "MONTH_OUT_OF_ORDER"
        assert problem["next_period"] == "2026-10"
    run(client, "2026-10")
    run(client, "2026-11")
    page = client.get("/depreciation/runs", headers=OFFICER).json()
    assert [r["period"] for r in page["items"]] == ["2026-11", "2026-10", "2026-09"]


def test_a_month_that_has_not_ended_is_refused(client: TestClient, engine: Engine) -> None:
    current = today()
    period = f"{current.year}-{current.month:02d}"
    response = client.post("/depreciation/runs", json={"period": period}, headers=OFFICER)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "FUTURE_PERIOD"
    for bad in ("2026-13", "2026-1", "26-11", "2026-11-01", 202611):
        response = client.post("/depreciation/runs", json={"period": bad}, headers=OFFICER)
        assert response.status_code == 422, bad
    assert client.get("/depreciation/runs", headers=OFFICER).json()["total"] == 0


def test_each_unit_is_posted_once_with_its_categories(client: TestClient, engine: Engine) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    insert_asset(engine, unit_id=UNIT_A, value="12000.00", category_code=ELECTRICAL)
    insert_asset(engine, unit_id=UNIT_A, value="7200.00", category_code=COMPUTERS)
    insert_asset(engine, unit_id=UNIT_A, value="7200.00", category_code=COMPUTERS)
    insert_asset(engine, unit_id=UNIT_B, value="600.00", category_code=ELECTRICAL)
    november = run(client, "2026-11")
    # A: 200.00 + 2 × 7,200/72 = 400.00; B: 600/60 = 10.00
    assert (november["total"], november["assets"], november["units"]) == ("410.00", 4, 2)
    events = {r["payload"]["unit_id"]: r for r in outbox_rows(app, "depreciation.posted")}
    assert set(events) == {str(UNIT_A), str(UNIT_B)}
    a = events[str(UNIT_A)]
    assert a["destination"] == "finance"
    assert a["payload"]["period"] == "2026-11"
    assert a["payload"]["entry_date"] == "2026-11-30"
    assert a["payload"]["amount"] == "400.00"
    assert a["payload"]["by_category"] == {COMPUTERS: "200.00", ELECTRICAL: "200.00"}
    assert events[str(UNIT_B)]["payload"]["amount"] == "10.00"

    detail = client.get(f"/depreciation/runs/{november['id']}", headers=OFFICER).json()
    totals = {t["unit_id"]: t for t in detail["unit_totals"]}
    assert totals[str(UNIT_A)]["amount"] == "400.00" and totals[str(UNIT_A)]["assets"] == 3
    assert totals[str(UNIT_A)]["event_id"] == str(a["id"])
    page = client.get("/depreciation/runs", headers=bearer("auditor")).json()
    assert [r["period"] for r in page["items"]] == ["2026-11"]
    audited = client.get("/audit", params={"action": "depreciation.run"}, headers=bearer("auditor"))
    assert audited.status_code == 200, audited.text
    assert [e["after"]["total"] for e in audited.json()["items"]] == ["410.00"]


def test_who_may_run_and_read(client: TestClient, engine: Engine) -> None:
    mine = insert_asset(engine, unit_id=UNIT_A, custodian_id=uuid.uuid4())
    theirs = insert_asset(engine, unit_id=UNIT_B)
    november = run(client, "2026-11")
    for role in ("director", "auditor", "unit_liaison", "staff", "facilities_officer"):
        response = client.post(
            "/depreciation/runs", json={"period": "2026-11"}, headers=bearer(role)
        )
        assert response.status_code == 403, role
    assert client.post("/depreciation/runs", json={"period": "2026-11"}).status_code == 401
    for role in ("unit_liaison", "staff", "facilities_officer"):
        headers = bearer(role, unit_id=str(UNIT_A))
        assert client.get("/depreciation/runs", headers=headers).status_code == 403, role
        path = f"/depreciation/runs/{november['id']}"
        assert client.get(path, headers=headers).status_code == 403, role
    assert client.get("/depreciation/runs").status_code == 401
    for role in ("director", "auditor", "service"):
        assert client.get("/depreciation/runs", headers=bearer(role)).status_code == 200

    liaison = bearer("unit_liaison", unit_id=str(UNIT_A))
    assert schedule(client, mine.id, liaison)["number"] == mine.number
    response = client.get(f"/assets/{theirs.id}/depreciation", headers=liaison)
    assert response.status_code == 403 and response.json()["code"] == "OUTSIDE_OWN_UNIT"
    keeper = bearer("staff", staff_id=str(mine.custodian_id))
    assert schedule(client, mine.id, keeper)["charges"][0]["amount"] == "83.33"
    assert client.get(f"/assets/{theirs.id}/depreciation", headers=keeper).status_code == 403
    stranger = bearer("facilities_officer")
    assert client.get(f"/assets/{mine.id}/depreciation", headers=stranger).status_code == 403
    assert client.get(f"/assets/{mine.id}/depreciation").status_code == 401
    missing = client.get(f"/assets/{uuid.uuid4()}/depreciation", headers=OFFICER)
    assert missing.status_code == 404
    assert client.get(f"/depreciation/runs/{uuid.uuid4()}", headers=OFFICER).status_code == 404


def test_the_period_is_unique_in_the_database_too(client: TestClient, engine: Engine) -> None:
    """The second guard: even a run that got past the check cannot store a month twice."""
    run(client, "2026-11")
    with Session(engine) as session:
        again = DepreciationRun(
            period="2026-11",
            entry_date=date(2026, 11, 30),
            total=Decimal("0.00"),
            assets=0,
            units=0,
            run_by="test",
        )
        session.add(again)
        with pytest.raises(IntegrityError):
            session.commit()
