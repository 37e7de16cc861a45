"""Rent in arrears by age, and leases about to expire."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.assets.conftest import OFFICER, room
from tests.assets.lease_support import active, frontage, pay
from tests.support.tokens import bearer


def test_arrears_are_aged_in_buckets_per_lease_and_in_total(client: TestClient) -> None:
    f = frontage(client)
    a, b, _ = f["shops"]
    # 50.00 m² × 80.00 = 4,000.00 and 30.00 m² × 80.00 = 2,400.00 a month, due the 15th
    one = active(client, [a], code="L-1")
    two = active(client, [b], code="L-2", starts_on="2026-03-01", ends_on="2027-02-28")
    assert pay(client, one["id"], 2, "4000.00", "2026-02-20").status_code == 200

    def report(as_of: str) -> dict[str, object]:
        response = client.get("/leases/arrears", params={"as_of": as_of}, headers=bearer("auditor"))
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body

    # on 2026-04-16: L-1's 01-15 is 91 days late, (02-15 paid), 03-15 32, 04-15 1;
    # L-2's 03-01 is 46 days late, 04-01 15
    got = report("2026-04-16")
    assert got["rows"] == [
        {
            "lease_id": one["id"],
            "code": "L-1",
            "tenant_name": "Jinling Tea House Co., Ltd.",
            "invoices": 3,
            "days_1_30": "4000.00",
            "days_31_60": "4000.00",
            "days_61_90": "0.00",
            "over_90": "4000.00",
            "total": "12000.00",
            "oldest_due_on": "2026-01-15",
        },
        {
            "lease_id": two["id"],
            "code": "L-2",
            "tenant_name": "Jinling Tea House Co., Ltd.",
            "invoices": 2,
            "days_1_30": "2400.00",
            "days_31_60": "2400.00",
            "days_61_90": "0.00",
            "over_90": "0.00",
            "total": "4800.00",
            "oldest_due_on": "2026-03-01",
        },
    ]
    assert got["totals"] == {
        "invoices": 5,
        "days_1_30": "6400.00",
        "days_31_60": "6400.00",
        "days_61_90": "0.00",
        "over_90": "4000.00",
        "total": "16800.00",
    }
    # a day earlier: 90 days is still 61–90, 31 days 31–60, and due today is not late
    earlier = report("2026-04-15")
    assert earlier["totals"] == {
        "invoices": 4,
        "days_1_30": "2400.00",
        "days_31_60": "6400.00",
        "days_61_90": "4000.00",
        "over_90": "0.00",
        "total": "12800.00",
    }
    assert report("2026-01-15")["rows"] == []


def test_expiry_warnings_carry_the_threshold_reached(client: TestClient) -> None:
    f = frontage(client)
    shops = [
        *f["shops"],
        *(
            room(client, f["floor"], f"C1-S01-02{n}", use="commercial_frontage", seats=0)
            for n in range(1, 6)
        ),
    ]
    ends = {
        "L-30": "2027-11-19",  # 30 days after 2027-10-20
        "L-31": "2027-11-20",
        "L-60": "2027-12-19",
        "L-61": "2027-12-20",
        "L-90": "2028-01-18",
        "L-91": "2028-01-19",  # beyond 90 days: not yet
        "L-GONE": "2027-10-19",  # ended the day before
    }
    for shop, (code, ends_on) in zip(shops, ends.items(), strict=False):
        active(client, [shop], code=code, starts_on="2026-01-01", ends_on=ends_on)
    cut = active(client, [shops[7]], code="L-CUT", starts_on="2026-01-01", ends_on="2027-11-01")
    client.post(
        f"/leases/{cut['id']}/terminate",
        json={"terminated_on": "2026-12-31", "reason": "Tenant left"},
        headers=OFFICER,
    )
    response = client.get("/leases/expiring", params={"as_of": "2027-10-20"}, headers=OFFICER)
    assert response.status_code == 200, response.text
    got = [(i["code"], i["days_left"], i["threshold"]) for i in response.json()["items"]]
    assert got == [
        ("L-30", 30, 30),
        ("L-31", 31, 60),
        ("L-60", 60, 60),
        ("L-61", 61, 90),
        ("L-90", 90, 90),
    ]
