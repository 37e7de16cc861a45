"""Expense and travel claims: caps by rank and city class, per diems by days, the director's
exception, receipts claimed once, personnel unreachable, scope and maker–checker."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.types import today
from tests.finance.claims_support import (
    Office,
    claim_body,
    line,
    open_office,
    raise_claim,
    submit,
    trip,
)
from tests.finance.conftest import APPROVER, AUDITOR, DIRECTOR, ok, ok_list
from tests.support.tokens import bearer


@pytest.fixture
def office(client: TestClient) -> Office:
    return open_office(client)


def lines_of(claim: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{x['kind']}@{x['trip']}": x for x in claim["lines"]}


BEIJING = claim_body(
    [trip("北京", "2026-03-10", "2026-03-12", train="second")],
    [
        line("lodging", "1200.00", 0, "H001"),  # 2 nights
        line("meals", "360.00", 0),  # 3 days
        line("local_transport", "300.00", 0),  # 3 days
        line("transport", "553.00", 0, "T001", "T002"),
        line("other", "50.00", None, "M001"),
    ],
)


def test_a_clerk_in_beijing_is_capped_per_night_and_per_day(
    client: TestClient, office: Office
) -> None:
    claim = raise_claim(client, office.staff(office.clerk), BEIJING)
    assert claim["status"] == "draft" and claim["claimed"] == "2463.00"
    assert claim["unit_id"] == office.unit["id"] and claim["staff_name"] == "clerk"
    done = submit(client, claim, office.staff(office.clerk))
    got = lines_of(done)
    # clerk × first tier: 500 a night, 2 nights; meals 120 × 3 days; local transport 80 × 3
    assert (got["lodging@0"]["cap"], got["lodging@0"]["payable"]) == ("1000.00", "1000.00")
    assert got["lodging@0"]["flag"] == "OVER_LODGING_CAP"
    assert (got["meals@0"]["cap"], got["meals@0"]["flag"]) == ("360.00", None)
    assert (got["local_transport@0"]["cap"], got["local_transport@0"]["payable"]) == (
        "240.00",
        "240.00",
    )
    assert got["local_transport@0"]["flag"] == "OVER_PER_DIEM"
    assert (got["transport@0"]["flag"], got["transport@0"]["payable"]) == (None, "553.00")
    assert got["other@None"]["payable"] == "50.00"
    assert done["status"] == "submitted" and done["trips"][0]["city_class"] == "first_tier"
    assert (done["claimed"], done["payable"]) == ("2463.00", "2203.00")
    assert [t["rank"] for t in got["lodging@0"]["trace"]] == ["clerk", "clerk"]


@pytest.mark.parametrize(
    ("person", "city", "nights", "cap"),
    [
        ("chief", "成都", 1, "480.00"),  # bureau chief × provincial capital
        ("chief", "上海", 2, "1300.00"),  # bureau chief × first tier, 650 a night
        ("clerk", "成都", 3, "1140.00"),  # clerk × provincial capital, 380 a night
        ("clerk", "绵阳", 1, "340.00"),  # a city not listed: other
    ],
)
def test_lodging_caps_by_rank_and_city_class(
    client: TestClient, office: Office, person: str, city: str, nights: int, cap: str
) -> None:
    who = getattr(office, person)
    back = f"2026-04-{1 + nights:02d}"
    body = claim_body([trip(city, "2026-04-01", back)], [line("lodging", "5000.00", 0, "L1")])
    done = submit(client, raise_claim(client, office.staff(who), body), office.staff(who))
    assert (done["lines"][0]["cap"], done["payable"]) == (cap, cap)


def test_per_diems_follow_the_days_and_a_day_trip_has_no_night(
    client: TestClient, office: Office
) -> None:
    body = claim_body(
        [trip("成都", "2026-05-06", "2026-05-06"), trip("南京", "2026-05-10", "2026-05-14")],
        [
            line("meals", "1000.00", 0),
            line("lodging", "100.00", 0, "R1"),
            line("meals", "1000.00", 1),
            line("local_transport", "400.00", 1),
        ],
    )
    staff = office.staff(office.clerk)
    done = submit(client, raise_claim(client, staff, body), staff)
    caps = [(x["cap"], x["payable"]) for x in done["lines"]]
    # day trip: 1 day of meals at 100 (provincial capital), no night to lodge
    # second trip: 5 days: meals 100 × 5, local transport 80 × 5 (within)
    assert caps == [
        ("100.00", "100.00"),
        ("0.00", "0.00"),
        ("500.00", "500.00"),
        ("400.00", "400.00"),
    ]
    assert done["payable"] == "1000.00"


def test_the_rank_of_each_night_is_personnel_s_answer_for_that_day(
    client: TestClient, office: Office
) -> None:
    office.clerk.postings.append(
        (date(2026, 3, 11), office.clerk.postings[0][1], "deputy_bureau_chief")
    )
    body = claim_body(
        [trip("北京", "2026-03-10", "2026-03-12")], [line("lodging", "2000.00", 0, "P1")]
    )
    staff = office.staff(office.clerk)
    done = submit(client, raise_claim(client, staff, body), staff)
    # night of the 10th as a clerk (500), of the 11th as a deputy bureau chief (650)
    assert done["lines"][0]["cap"] == "1150.00"
    assert [t["rank"] for t in done["lines"][0]["trace"]] == ["clerk", "deputy_bureau_chief"]


def test_travel_above_the_rank_s_class_is_flagged_and_not_payable_by_standard(
    client: TestClient, office: Office
) -> None:
    body = claim_body(
        [trip("成都", "2026-06-01", "2026-06-02", flight="business")],
        [line("transport", "2400.00", 0, "F1")],
    )
    chief = office.staff(office.chief)
    done = submit(client, raise_claim(client, chief, body), chief)
    assert done["lines"][0]["flag"] == "CLASS_ABOVE_STANDARD"
    assert (done["lines"][0]["cap"], done["payable"]) == ("0.00", "0.00")
    body["lines"][0]["receipts"][0]["number"] = "F2"
    body["trips"][0]["flight_cabin"] = "economy"
    ok_one = submit(client, raise_claim(client, chief, body), chief)
    assert ok_one["lines"][0]["flag"] is None and ok_one["payable"] == "2400.00"


def test_a_director_excepts_an_over_standard_line_with_a_reason(
    client: TestClient, office: Office
) -> None:
    staff = office.staff(office.clerk)
    done = submit(client, raise_claim(client, staff, BEIJING), staff)
    lodging = lines_of(done)["lodging@0"]
    path = f"/claims/{done['id']}/lines/{lodging['id']}/exception"
    reason = {"reason": "Only hotel near the venue during the congress"}
    assert client.post(path, json=reason, headers=APPROVER).status_code == 403
    within = lines_of(done)["meals@0"]
    refused = client.post(
        f"/claims/{done['id']}/lines/{within['id']}/exception", json=reason, headers=DIRECTOR
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "NOT_OVER_STANDARD")
    stale = client.post(path, json=reason, headers={**DIRECTOR, "If-Match": '"1"'})
    assert stale.status_code == 412
    granted = ok(client.post(path, json=reason, headers=DIRECTOR))
    got = lines_of(granted)["lodging@0"]
    assert (got["payable"], got["exception_by"]) == ("1200.00", "director-1")
    assert got["exception_reason"] == reason["reason"]
    assert granted["payable"] == "2403.00"
    again = client.post(path, json=reason, headers=DIRECTOR)
    assert again.json()["code"] == "EXCEPTION_GRANTED"
    # a director who is the claimant cannot except their own line
    own = bearer("director", sub="user-clerk", staff_id=str(office.clerk.id))
    line_id = lines_of(granted)["local_transport@0"]["id"]
    mine = client.post(f"/claims/{done['id']}/lines/{line_id}/exception", json=reason, headers=own)
    assert (mine.status_code, mine.json()["code"]) == (403, "SELF_DECISION")


def test_a_receipt_is_claimed_once_by_anyone(client: TestClient, office: Office) -> None:
    clerk, chief = office.staff(office.clerk), office.staff(office.chief)
    twice = claim_body([], [line("other", "10.00", None, "X1"), line("other", "20.00", None, "X1")])
    same = client.post("/claims", json=twice, headers=clerk)
    assert (same.status_code, same.json()["code"]) == (409, "DUPLICATE_RECEIPT")
    first = raise_claim(client, clerk, claim_body([], [line("other", "10.00", None, "X1")]))
    again = client.post(
        "/claims", json=claim_body([], [line("other", "10.00", None, "X1")]), headers=chief
    )
    assert (again.status_code, again.json()["code"]) == (409, "DUPLICATE_RECEIPT")
    assert ok(client.get("/claims", headers=AUDITOR))["total"] == 1
    # withdrawn, its receipt may be claimed again
    ok(client.post(f"/claims/{first['id']}/withdraw", json={"reason": "wrong trip"}, headers=clerk))
    raise_claim(client, chief, claim_body([], [line("other", "10.00", None, "X1")]))


def test_the_unique_live_number_guards_a_receipt_claimed_meanwhile(
    client: TestClient, office: Office
) -> None:
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import Session

    from services.finance.claims.models import ClaimReceipt

    claim = raise_claim(
        client, office.staff(office.clerk), claim_body([], [line("other", "10.00", None, "Z1")])
    )
    app: Any = client.app
    with Session(app.state.engine) as session:
        session.add(
            ClaimReceipt(
                claim_id=uuid.UUID(claim["id"]),
                line_id=uuid.UUID(claim["lines"][0]["id"]),
                number="Z1",
                live_number="Z1",
                issued_on=date(2026, 1, 1),
                issuer="x",
                amount=Decimal(1),
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()


def test_personnel_unreachable_is_503_and_nothing_changes(
    client: TestClient, office: Office
) -> None:
    staff = office.staff(office.clerk)
    draft = raise_claim(client, staff, BEIJING)
    audit_before = ok(client.get("/audit", params={"limit": 200}, headers=AUDITOR))["total"]
    office.personnel.down = True
    body = claim_body([], [line("other", "10.00", None, "D1")])
    for response in (
        client.post("/claims", json=body, headers=staff),
        client.post(f"/claims/{draft['id']}/submit", headers=staff),
    ):
        assert (response.status_code, response.json()["code"]) == (503, "PEER_UNAVAILABLE")
    now = ok(client.get(f"/claims/{draft['id']}", headers=staff))
    assert (now["status"], now["version"], now["lines"]) == (
        "draft",
        draft["version"],
        draft["lines"],
    )
    assert ok(client.get("/claims", headers=AUDITOR))["total"] == 1
    assert ok(client.get("/audit", params={"limit": 200}, headers=AUDITOR))["total"] == audit_before
    office.personnel.down = False
    assert submit(client, draft, staff)["status"] == "submitted"


def test_refusals_of_content_change_nothing(client: TestClient, office: Office) -> None:
    staff = office.staff(office.clerk)
    cases = {
        "TRIP_DATES": claim_body(
            [trip("北京", "2026-03-12", "2026-03-10")], [line("meals", "1.00", 0)]
        ),
        "TRIP_TOO_LONG": claim_body(
            [trip("北京", "2026-01-01", "2026-03-10")], [line("meals", "1.00", 0)]
        ),
        "FUTURE_TRIP": claim_body(
            [trip("北京", str(today()), str(today() + timedelta(days=1)))],
            [line("meals", "1.00", 0)],
        ),
        "TRIP_REQUIRED": claim_body([], [line("meals", "1.00", None)]),
        "UNKNOWN_TRIP": claim_body([], [line("meals", "1.00", 3)]),
        "DUPLICATE_LINE": claim_body(
            [trip("北京", "2026-03-10", "2026-03-12")],
            [line("meals", "1.00", 0), line("meals", "2.00", 0)],
        ),
        "RECEIPTS_SHORT": claim_body([], [line("other", "10.00", None)]),
    }
    for code, body in cases.items():
        response = client.post("/claims", json=body, headers=staff)
        assert (response.status_code, response.json()["code"]) == (422, code), code
    unknown = bearer("staff", sub="nobody", staff_id="00000000-0000-4000-8000-000000000001")
    response = client.post(
        "/claims", json=claim_body([], [line("other", "1.00", None, "N1")]), headers=unknown
    )
    assert (response.status_code, response.json()["code"]) == (422, "UNKNOWN_STAFF")
    assert ok(client.get("/claims", headers=AUDITOR))["total"] == 0


def test_scope_staff_their_own_liaison_its_unit(client: TestClient, office: Office) -> None:
    clerk, chief = office.staff(office.clerk), office.staff(office.chief)
    mine = raise_claim(client, clerk, claim_body([], [line("other", "10.00", None, "S1")]))
    # a liaison claims for staff of its unit, not for others; staff only for themselves
    body = claim_body([], [line("other", "10.00", None, "S2")], staff_id=str(office.chief.id))
    by_liaison = raise_claim(client, office.liaison, body)
    assert (by_liaison["staff_id"], by_liaison["prepared_by"]) == (
        str(office.chief.id),
        "liaison-u1",
    )
    body["staff_id"] = str(office.clerk.id)
    outside = client.post("/claims", json=body, headers=office.other_liaison)
    assert (outside.status_code, outside.json()["code"]) == (403, "OUTSIDE_OWN_UNIT")
    forged = client.post("/claims", json=body, headers=chief)
    assert (forged.status_code, forged.json()["code"]) == (403, "OUTSIDE_OWN_RECORDS")
    assert [c["id"] for c in ok_list(client.get("/claims", headers=clerk))] == [mine["id"]]
    # a member of staff who holds a bureau role too still claims as themselves
    officer = bearer("staff", "finance_officer", sub="officer-x", staff_id=str(office.chief.id))
    body = claim_body([], [line("other", "10.00", None, "S3")])
    assert raise_claim(client, officer, body)["staff_id"] == str(office.chief.id)
    unlinked = client.post("/claims", json=body, headers=bearer("staff", sub="no-record"))
    assert (unlinked.status_code, unlinked.json()["code"]) == (403, "NO_STAFF_RECORD")
    assert client.get(f"/claims/{mine['id']}", headers=chief).status_code == 404
    assert client.get(f"/claims/{mine['id']}", headers=office.other_liaison).status_code == 404
    assert len(ok_list(client.get("/claims", headers=office.liaison))) == 3
    assert ok_list(client.get("/claims", headers=office.other_liaison)) == []
    other = client.get(
        "/claims", params={"unit_id": office.unit["id"]}, headers=office.other_liaison
    )
    assert other.status_code == 403
    # the claimant edits and submits; the other staff cannot; the liaison may
    edit = client.post(f"/claims/{mine['id']}/submit", headers=office.other_liaison)
    assert edit.status_code == 404
    assert len(ok_list(client.get("/claims", params={"status": "draft"}, headers=AUDITOR))) == 3


def test_a_draft_is_rewritten_after_if_match_and_only_a_draft(
    client: TestClient, office: Office
) -> None:
    staff = office.staff(office.clerk)
    claim = raise_claim(client, staff, claim_body([], [line("other", "10.00", None, "W1")]))
    body = claim_body([], [line("other", "12.00", None, "W1", "W2")])
    stale = client.put(f"/claims/{claim['id']}", json=body, headers={**staff, "If-Match": '"9"'})
    assert stale.status_code == 412
    rewritten = ok(
        client.put(f"/claims/{claim['id']}", json=body, headers={**staff, "If-Match": '"1"'})
    )
    assert (rewritten["version"], rewritten["claimed"]) == (2, "12.00")
    assert sorted(r["number"] for r in rewritten["lines"][0]["receipts"]) == ["W1", "W2"]
    submit(client, rewritten, staff)
    late = client.put(f"/claims/{claim['id']}", json=body, headers=staff)
    assert (late.status_code, late.json()["code"]) == (409, "CLAIM_STATE")
    audit = ok(
        client.get("/audit", params={"resource_type": "claim", "limit": 50}, headers=AUDITOR)
    )
    actions = sorted(e["action"] for e in audit["items"])
    assert actions == ["claim.created", "claim.rewritten", "claim.submitted"]


@pytest.mark.parametrize(
    ("method", "path", "refused"),
    [
        (
            "post",
            "/claims",
            ("finance_officer", "finance_approver", "director", "auditor", "treasury"),
        ),
        ("get", "/claims", ("treasury",)),
        ("get", "/claims/reports/by-unit?year=2026", ("treasury",)),
        ("get", "/claims/reports/exceptions", ("treasury",)),
        ("get", "/claims/reports/top-claimants", ("treasury",)),
        ("get", "/claims/{id}", ("treasury",)),
        (
            "put",
            "/claims/{id}",
            ("finance_officer", "finance_approver", "director", "auditor", "treasury"),
        ),
        (
            "post",
            "/claims/{id}/submit",
            ("finance_officer", "finance_approver", "director", "auditor"),
        ),
        (
            "post",
            "/claims/{id}/withdraw",
            ("finance_officer", "finance_approver", "director", "auditor"),
        ),
        (
            "post",
            "/claims/{id}/lines/{id}/exception",
            ("finance_officer", "finance_approver", "auditor", "staff", "unit_liaison"),
        ),
        (
            "post",
            "/claims/{id}/approve",
            ("finance_officer", "director", "auditor", "staff", "unit_liaison"),
        ),
        ("post", "/claims/{id}/reject", ("finance_officer", "auditor", "staff", "unit_liaison")),
        ("post", "/claims/{id}/pay", ("director", "auditor", "staff", "unit_liaison")),
    ],
)
def test_refused_roles_and_the_anonymous_caller(
    client: TestClient, method: str, path: str, refused: tuple[str, ...]
) -> None:
    url = path.replace("{id}", "00000000-0000-4000-8000-000000000000")
    for role in refused:
        headers = bearer(
            role,
            sub=f"{role}-x",
            unit_id="00000000-0000-4000-8000-0000000000aa",
            staff_id="00000000-0000-4000-8000-0000000000bb",
        )
        assert client.request(method.upper(), url, headers=headers).status_code == 403, role
    assert client.request(method.upper(), url).status_code == 401


def test_a_claim_sent_again_with_its_key_is_raised_once(client: TestClient, office: Office) -> None:
    clerk = office.staff(office.clerk)
    body = claim_body([], [line("other", "10.00", None, "K1")])
    headers = {**clerk, "Idempotency-Key": "claim-retry-1"}
    first = client.post("/claims", json=body, headers=headers)
    again = client.post("/claims", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["location"] == first.headers["location"] == f"/claims/{first.json()['id']}"
    assert again.headers["etag"] == first.headers["etag"]
    assert ok(client.get("/claims", headers=AUDITOR))["total"] == 1
    # without the key, the same claim sent again is refused for its own receipt
    refused = client.post("/claims", json=body, headers=clerk)
    assert (refused.status_code, refused.json()["code"]) == (409, "DUPLICATE_RECEIPT")
    # the key with another body is refused, and nothing is raised
    other = claim_body([], [line("other", "7.00", None, "K2")])
    reused = client.post("/claims", json=other, headers=headers)
    assert (reused.status_code, reused.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert ok(client.get("/claims", headers=AUDITOR))["total"] == 1
