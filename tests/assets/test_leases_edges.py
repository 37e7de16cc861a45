"""Leases at the edges: amounts that must fit, days at the calendar's end, one rounding of a
month's rent, the month a termination falls in, and rooms with no area."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.assets.conftest import OFFICER, room
from tests.assets.lease_support import active, draft, frontage, invoices, lease_data, pay


def _shop(client: TestClient, f: dict[str, Any], code: str, area: str) -> Any:
    return room(client, f["floor"], code, use="commercial_frontage", area_m2=area, seats=0)


def _post(client: TestClient, rooms: list[dict[str, Any]], **fields: Any) -> Any:
    return client.post("/leases", json=lease_data(rooms, **fields), headers=OFFICER)


def _total(client: TestClient) -> int:
    total: int = client.get("/leases", headers=OFFICER).json()["total"]
    return total


@pytest.mark.parametrize("field", ["rent_per_m2", "market_rent_per_m2"])
def test_a_rent_per_m2_states_its_range(client: TestClient, field: str) -> None:
    f = frontage(client)
    assert _post(client, f["shops"][:1], **{field: "100000.00"}).status_code == 422
    assert _post(client, f["shops"][:1], **{field: "99999999999999.99"}).status_code == 422
    schema = client.get("/openapi.json").json()["components"]["schemas"]["LeaseCreate"]
    pattern = schema["properties"][field]["pattern"]
    assert "{0,4}" in pattern  # at most five digits before the point
    ok = _post(client, f["shops"][:1], rent_per_m2="99999.99", market_rent_per_m2="99999.99")
    assert ok.status_code == 201, ok.text
    assert ok.json()["monthly_rent"] == "4999999.50"


@pytest.mark.parametrize(
    ("areas", "fields", "status", "code"),
    [
        # 1e10 m² × 99999.99 is more than any amount of money
        (["9999999999.99"], {}, 422, "MONTHLY_RENT_TOO_LARGE"),
        # fits in the first year, not once escalated 5 % a year for 19 years
        (["1000000000.00"], {"ends_on": "2046-01-14"}, 422, "MONTHLY_RENT_TOO_LARGE"),
        (["9999999999.99", "9999999999.99"], {}, 409, "LEASE_AREA_TOO_LARGE"),
    ],
)
def test_a_month_that_would_not_fit_an_amount_is_refused(
    client: TestClient, areas: list[str], fields: dict[str, str], status: int, code: str
) -> None:
    f = frontage(client)
    rooms = [_shop(client, f, f"C1-S01-02{n}", area) for n, area in enumerate(areas)]
    rent = {"rent_per_m2": "99999.99", "market_rent_per_m2": "99999.99"}
    response = _post(client, rooms, **rent, **fields)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert _total(client) == 0


def test_the_first_year_alone_may_be_large(client: TestClient) -> None:
    f = frontage(client)
    big = _shop(client, f, "C1-S01-020", "1000000000.00")
    rent = {"rent_per_m2": "99999.99", "market_rent_per_m2": "99999.99", "escalation_pct": "0"}
    lease = _post(client, [big], **rent)
    assert lease.status_code == 201, lease.text
    assert lease.json()["monthly_rent"] == "99999990000000.00"


def test_days_at_the_calendars_end(client: TestClient) -> None:
    f = frontage(client)
    late = _post(client, f["shops"][:1], starts_on="9985-01-01", ends_on="9986-12-31")
    assert late.status_code == 201, late.text
    url = f"/leases/{late.json()['id']}"
    moved = client.patch(url, json={"starts_on": "9990-01-01"}, headers=OFFICER)
    assert moved.status_code == 422 and moved.json()["code"] == "TERM_ENDS_BEFORE_START"
    moved = client.patch(
        url, json={"starts_on": "9990-01-01", "ends_on": "9999-11-30"}, headers=OFFICER
    )
    assert moved.status_code == 200, moved.text
    last = client.post(f"{url}/activate", headers=OFFICER)
    assert last.status_code == 200, last.text
    months = invoices(client, last.json()["id"])
    assert (len(months), months[-1]["period_end"]) == (119, "9999-11-30")
    for starts_on, ends_on in (("9999-12-01", "9999-12-31"), ("9998-01-01", "9999-12-31")):
        refused = _post(client, f["shops"][1:2], starts_on=starts_on, ends_on=ends_on)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "DAY_OUT_OF_RANGE"
        patched = client.patch(url, json={"ends_on": ends_on}, headers=OFFICER)
        assert patched.json()["code"] in ("DAY_OUT_OF_RANGE", "NOT_A_DRAFT")
    assert _total(client) == 1


@pytest.mark.parametrize("as_of", ["9999-11-01", "9999-12-01", "9999-12-31", "0001-01-01"])
def test_reports_on_the_calendars_edges(client: TestClient, as_of: str) -> None:
    f = frontage(client)
    active(client, f["shops"][:1], starts_on="9999-01-01", ends_on="9999-11-30")
    expiring = client.get("/leases/expiring", params={"as_of": as_of}, headers=OFFICER)
    assert expiring.status_code == 200, expiring.text
    codes = [i["code"] for i in expiring.json()["items"]]
    assert codes == (["L-2026-001"] if as_of == "9999-11-01" else [])
    arrears = client.get("/leases/arrears", params={"as_of": as_of}, headers=OFFICER)
    assert arrears.status_code == 200, arrears.text
    due = {"9999-11-01": 10, "0001-01-01": 0}.get(as_of, 11)
    assert arrears.json()["totals"]["invoices"] == due


def test_the_shown_monthly_rent_is_the_invoiced_one(client: TestClient) -> None:
    f = frontage(client)
    small = _shop(client, f, "C1-S01-020", "12.50")
    # 12.50 × 1.01 = 12.625: half up, 12.63, shown and invoiced alike
    lease = active(client, [small], rent_per_m2="1.01", market_rent_per_m2="1.01")
    assert lease["monthly_rent"] == "12.63"
    assert invoices(client, lease["id"])[0]["amount"] == "12.63"
    listed = client.get("/leases", headers=OFFICER).json()["items"]
    assert listed[0]["monthly_rent"] == "12.63"


def _terminate(client: TestClient, lease: dict[str, Any], day: str) -> Any:
    return client.post(
        f"/leases/{lease['id']}/terminate",
        json={"terminated_on": day, "reason": "Tenant left"},
        headers=OFFICER,
    )


def test_the_month_a_termination_falls_in_is_prorated(client: TestClient) -> None:
    f = frontage(client)
    lease = active(client, f["shops"][:1])  # 50 m² × 80.00 = 4000.00 a month
    assert _terminate(client, lease, "2026-03-20").status_code == 200
    months = invoices(client, lease["id"])
    # month 3 runs 03-15 … 04-14 (31 days); 6 days let: 4000 × 6 / 31 = 774.19
    third = months[2]
    assert (third["amount"], third["period_end"], third["status"]) == (
        "774.19",
        "2026-03-20",
        "due",
    )
    assert third["version"] == 2
    assert [m["amount"] for m in months[:2]] == ["4000.00", "4000.00"]
    assert pay(client, lease["id"], 3, "774.19", "2026-03-25").status_code == 200


def test_a_termination_on_a_months_last_day_changes_nothing_of_it(client: TestClient) -> None:
    f = frontage(client)
    lease = active(client, f["shops"][:1])
    assert _terminate(client, lease, "2026-04-14").status_code == 200
    third = invoices(client, lease["id"])[2]
    assert (third["amount"], third["period_end"], third["version"]) == ("4000.00", "2026-04-14", 1)


def test_a_paid_month_a_termination_falls_in_stays_paid_in_full(client: TestClient) -> None:
    f = frontage(client)
    lease = active(client, f["shops"][:1])
    assert pay(client, lease["id"], 3, "4000.00", "2026-03-15").status_code == 200
    assert _terminate(client, lease, "2026-03-20").status_code == 200
    third = invoices(client, lease["id"])[2]
    assert (third["amount"], third["period_end"], third["status"]) == (
        "4000.00",
        "2026-04-14",
        "paid",
    )


def test_rooms_with_no_area_are_not_let(client: TestClient) -> None:
    f = frontage(client)
    empty = _shop(client, f, "C1-S01-020", "0")
    response = _post(client, [empty])
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "NO_LEASABLE_AREA"
    lease = draft(client, f["shops"][:1])
    url = f"/leases/{lease['id']}"
    patched = client.patch(url, json={"room_ids": [empty["id"]]}, headers=OFFICER)
    assert patched.json()["code"] == "NO_LEASABLE_AREA"
    # a room's area set to zero after the draft: activation refuses it
    shrunk = client.patch(f"/rooms/{f['shops'][0]['id']}", json={"area_m2": "0"}, headers=OFFICER)
    assert shrunk.status_code == 200, shrunk.text
    refused = client.post(f"{url}/activate", headers=OFFICER)
    assert (refused.status_code, refused.json()["code"]) == (409, "NO_LEASABLE_AREA")
    assert invoices(client, lease["id"]) == []


def test_a_months_rent_under_one_yuan_is_refused(client: TestClient) -> None:
    f = frontage(client)
    tiny = _shop(client, f, "C1-S01-020", "0.50")
    # 0.50 × 1.98 = 0.99
    response = _post(client, [tiny], rent_per_m2="1.98", market_rent_per_m2="1.98")
    assert (response.status_code, response.json()["code"]) == (422, "MONTHLY_RENT_TOO_SMALL")
    # 0.50 × 1.99 = 0.995: 1.00, and one day of 31 is 0.03
    assert _post(client, [tiny], rent_per_m2="1.99", market_rent_per_m2="1.99").status_code == 201
