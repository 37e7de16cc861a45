"""Staff records: encrypted ID numbers, effective-dated postings, unit scope, self-service."""

from __future__ import annotations

import json
import uuid

from fastapi.testclient import TestClient

from tests.personnel.conftest import HR, make_unit
from tests.personnel.staffing import hire, national_id
from tests.support.tokens import bearer


def test_hr_sees_the_id_number_everyone_else_sees_it_masked(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    staff = hire(client, 1, fin["id"])
    number = national_id(1)
    assert staff["national_id"] == number
    for role in ("director", "auditor", "service"):
        seen = client.get(f"/staff/{staff['id']}", headers=bearer(role)).json()
        assert seen["national_id"] == "*" * 14 + number[-4:], role
    liaison = bearer("unit_liaison", unit_id=fin["id"])
    assert (
        client.get("/staff", headers=liaison).json()["items"][0]["national_id"].startswith("****")
    )
    audit = client.get("/audit", headers=bearer("auditor")).json()
    assert number not in json.dumps(audit), "the ID number never reaches the audit trail"


def test_bad_and_duplicate_identities_are_refused(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    hire(client, 1, fin["id"])
    base = {
        "staff_no": "S9",
        "name": "X",
        "unit_id": fin["id"],
        "rank_code": "clerk",
        "effective_from": "2025-01-01",
    }
    wrong_check = national_id(2)[:-1] + ("0" if national_id(2)[-1] != "0" else "1")
    cases = [
        ({"national_id": wrong_check}, 422, "INVALID_NATIONAL_ID"),
        ({"national_id": "42100219800101001"}, 422, "VALIDATION_FAILED"),
        ({"national_id": national_id(1)}, 409, "NATIONAL_ID_TAKEN"),
        ({"national_id": national_id(3), "staff_no": "S00001"}, 409, "STAFF_NO_TAKEN"),
        ({"national_id": national_id(4), "rank_code": "emperor"}, 422, "UNKNOWN_RANK"),
        ({"national_id": national_id(5), "unit_id": str(uuid.uuid4())}, 422, "UNKNOWN_UNIT"),
    ]
    for change, status, code in cases:
        response = client.post("/staff", json={**base, **change}, headers=HR)
        assert response.status_code == status, change
        assert response.json()["code"] == code
    assert client.get("/staff", headers=HR).json()["total"] == 1


def test_rank_and_unit_are_answerable_as_of_any_day_across_a_transfer(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    hr = make_unit(client, "HR")
    staff = hire(client, 1, fin["id"])
    change = {
        "effective_from": "2026-03-01",
        "unit_id": hr["id"],
        "rank_code": "section_chief",
        "reason": "transferred and promoted",
    }
    moved = client.post(
        f"/staff/{staff['id']}/postings", json=change, headers={**HR, "If-Match": '"1"'}
    )
    assert moved.status_code == 201, moved.text
    url = f"/staff/{staff['id']}"
    before = client.get(url, params={"as_of": "2026-02-28"}, headers=HR).json()["posting"]
    after = client.get(url, params={"as_of": "2026-03-01"}, headers=HR).json()["posting"]
    assert (before["unit_id"], before["rank_code"]) == (fin["id"], "clerk")
    assert (after["unit_id"], after["rank_code"]) == (hr["id"], "section_chief")
    assert client.get(url, params={"as_of": "2024-12-31"}, headers=HR).json()["posting"] is None
    in_fin = client.get("/staff", params={"unit_id": fin["id"], "as_of": "2026-01-15"}, headers=HR)
    assert in_fin.json()["total"] == 1
    in_fin_later = client.get(
        "/staff", params={"unit_id": fin["id"], "as_of": "2026-04-01"}, headers=HR
    )
    assert in_fin_later.json()["total"] == 0
    history = client.get(f"{url}/history", headers=HR).json()["items"]
    assert [(p["valid_from"], p["valid_to"]) for p in history] == [
        ("2025-01-01", "2026-03-01"),
        ("2026-03-01", None),
    ]
    backdated = client.post(
        f"{url}/postings",
        headers=HR,
        json={"effective_from": "2026-02-01", "rank_code": "clerk", "reason": "oops"},
    )
    assert backdated.status_code == 422
    assert backdated.json()["code"] == "CHANGE_NOT_AFTER_CURRENT_POSTING"
    stale = client.post(
        f"{url}/postings",
        headers={**HR, "If-Match": '"1"'},
        json={"effective_from": "2026-06-01", "rank_code": "clerk", "reason": "demoted"},
    )
    assert stale.status_code == 412


def test_a_liaison_sees_only_its_own_unit_and_its_sections(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    section = make_unit(client, "FIN-01", kind="section", parent_id=fin["id"])
    other = make_unit(client, "HR")
    mine = hire(client, 1, fin["id"])
    in_section = hire(client, 2, section["id"])
    theirs = hire(client, 3, other["id"])
    liaison = bearer("unit_liaison", unit_id=fin["id"])
    listing = client.get("/staff", headers=liaison).json()
    assert {s["id"] for s in listing["items"]} == {mine["id"], in_section["id"]}
    assert client.get(f"/staff/{theirs['id']}", headers=liaison).status_code == 404
    asked = client.get("/staff", params={"unit_id": other["id"]}, headers=liaison).json()
    assert asked["total"] == 0, "filtering cannot widen the scope"
    assert client.get("/staff", headers=bearer("unit_liaison")).status_code == 403
    assert client.get("/staff/bulk", headers=liaison).status_code == 403


def test_staff_read_their_own_record_and_nobody_elses(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    me = hire(client, 1, fin["id"])
    colleague = hire(client, 2, fin["id"])
    token = bearer("staff", staff_id=me["id"])
    own = client.get("/staff/me", headers=token).json()
    assert own["id"] == me["id"]
    assert own["national_id"].startswith("****")
    assert client.get(f"/staff/{colleague['id']}", headers=token).status_code == 404
    assert [s["id"] for s in client.get("/staff", headers=token).json()["items"]] == [me["id"]]
    assert client.get("/staff/me", headers=bearer("staff")).status_code == 403


def test_bulk_reads_everyone_in_slices(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    for n in range(1, 6):
        hire(client, n, fin["id"])
    seen: list[str] = []
    after = None
    for _ in range(5):
        params = {"limit": 2, **({"after": after} if after else {})}
        page = client.get("/staff/bulk", params=params, headers=bearer("service")).json()
        seen += [s["staff_no"] for s in page["items"]]
        after = page["next_after"]
        if after is None:
            break
    assert seen == [f"S{n:05d}" for n in range(1, 6)]


def test_retiree_entitlements_follow_retirement(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    staff = hire(client, 1, fin["id"], rank_code="deputy_bureau_chief")
    url = f"/staff/{staff['id']}/retiree-entitlement"
    levels = {
        "former_rank_code": "deputy_bureau_chief",
        "category": "bureau_level",
        "vehicle_level": 2,
        "medical_level": 2,
        "allowance_level": 3,
        "welfare_level": 2,
    }
    assert client.put(url, json=levels, headers=HR).json()["code"] == "NOT_RETIRED"
    retire = {"effective_from": "2025-06-01", "status": "retired", "reason": "reached age"}
    assert client.post(f"/staff/{staff['id']}/postings", json=retire, headers=HR).status_code == 201
    put = client.put(url, json=levels, headers=HR)
    assert put.status_code == 200
    assert put.json()["allowance_level"] == 3
    assert client.get(url, headers=bearer("service")).json()["category"] == "bureau_level"
    retirees = client.get("/retirees", params={"category": "bureau_level"}, headers=HR).json()
    assert retirees["total"] == 1
    assert client.get(url, headers=bearer("staff", staff_id=staff["id"])).status_code == 403
