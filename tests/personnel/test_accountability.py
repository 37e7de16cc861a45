"""Accountability, rewards and penalties: append-only records, voids and corrections, scope."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.personnel.appraisal_support import add_staff, liaison, transfer
from tests.personnel.conftest import HR, make_unit
from tests.support.tokens import bearer


def record(client: TestClient, staff_id: str, **fields: Any) -> dict[str, Any]:
    body = {
        "staff_id": staff_id,
        "kind": "reward",
        "subtype": "嘉奖",
        "effective_on": "2026-03-01",
        "reason": "ran the year-end closing without a single error",
        "issuer": "机关事务管理局",
        **fields,
    }
    response = client.post("/accountability-records", json=body, headers=HR)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_records_of_every_kind_are_listed_by_staff_unit_kind_and_date(client: TestClient) -> None:
    fin, hr = make_unit(client, "FIN"), make_unit(client, "HR")
    alice, bob = add_staff(client, fin["id"], "Alice"), add_staff(client, hr["id"], "Bob")
    reward = record(client, alice)
    commended = record(client, alice, kind="commendation", subtype="先进工作者")
    penalty = record(
        client,
        bob,
        kind="penalty",
        subtype="警告",
        effective_on="2026-05-01",
        effective_until="2026-10-31",
        document_no="纪发〔2026〕3号",
    )
    record(client, bob, kind="accountability", subtype="诫勉", effective_on="2025-06-01")
    assert reward["unit_id"] == fin["id"] and reward["recorded_by"]
    assert penalty["unit_id"] == hr["id"] and penalty["void"] is None
    assert client.get(f"/accountability-records/{penalty['id']}", headers=HR).json() == penalty

    def ids(**params: Any) -> list[str]:
        response = client.get("/accountability-records", params=params, headers=HR)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["items"]]

    assert set(ids(staff_id=alice)) == {reward["id"], commended["id"]}
    assert ids(unit_id=hr["id"], kind="penalty") == [penalty["id"]]
    # a penalty in effect from May to October meets a range inside it
    assert ids(kind="penalty", date_from="2026-08-01", date_to="2026-08-31") == [penalty["id"]]
    assert ids(kind="penalty", date_from="2026-11-01") == []
    assert len(ids(date_from="2026-01-01", date_to="2026-12-31")) == 3
    assert len(ids()) == 4
    listed = client.get("/accountability-records", params={"limit": 1}, headers=HR).json()
    assert listed["total"] == 4 and len(listed["items"]) == 1
    audit = client.get(
        "/audit", params={"resource_type": "accountability_record"}, headers=bearer("auditor")
    )
    assert len(audit.json()["items"]) == 4


def test_a_record_is_posted_to_the_unit_of_its_date(client: TestClient) -> None:
    fin, hr = make_unit(client, "FIN"), make_unit(client, "HR")
    mover = add_staff(client, fin["id"], "Mover")
    transfer(client, mover, hr["id"], date(2026, 6, 1))
    assert record(client, mover, effective_on="2026-05-31")["unit_id"] == fin["id"]
    assert record(client, mover, effective_on="2026-06-01")["unit_id"] == hr["id"]


def test_bad_records_are_refused(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    alice = add_staff(client, fin["id"], "Alice", since=date(2024, 1, 1))
    base = {
        "staff_id": alice,
        "kind": "penalty",
        "subtype": "记过",
        "effective_on": "2026-03-01",
        "reason": "r",
        "issuer": "i",
    }
    cases = [
        ({"staff_id": str(uuid.uuid4())}, "UNKNOWN_STAFF"),
        ({"effective_on": "2023-12-31"}, "STAFF_NOT_POSTED"),
        ({"effective_until": "2026-02-28"}, "INVALID_PERIOD"),  # a rule, not a shape
        ({"kind": "bonus"}, "VALIDATION_FAILED"),
        ({"reason": ""}, "VALIDATION_FAILED"),
        ({"reason": "nul \x00 byte"}, "VALIDATION_FAILED"),
        ({"subtype": "x" * 61}, "VALIDATION_FAILED"),
        ({"effective_on": 20260301}, "VALIDATION_FAILED"),
        ({"corrects": {"record_id": str(uuid.uuid4()), "reason": "typo"}}, "UNKNOWN_RECORD"),
    ]
    for change, code in cases:
        response = client.post("/accountability-records", json={**base, **change}, headers=HR)
        assert response.status_code == 422, change
        assert response.json()["code"] == code, change
    assert client.get("/accountability-records", headers=HR).json()["total"] == 0
    assert client.get(f"/accountability-records/{uuid.uuid4()}", headers=HR).status_code == 404
    for role in ("unit_liaison", "director", "staff", "auditor"):
        refused = client.post("/accountability-records", json=base, headers=bearer(role))
        assert refused.status_code == 403, role


def test_records_are_append_only_a_correction_voids_the_earlier_one(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    alice = add_staff(client, fin["id"], "Alice")
    wrong = record(client, alice, kind="penalty", subtype="记大过")
    right = record(
        client,
        alice,
        kind="penalty",
        subtype="警告",
        corrects={"record_id": wrong["id"], "reason": "the committee decided 警告, not 记大过"},
    )
    earlier = client.get(f"/accountability-records/{wrong['id']}", headers=HR).json()
    assert earlier["subtype"] == "记大过", "the earlier record is kept as it was"
    assert earlier["void"]["replaced_by_id"] == right["id"]
    assert earlier["void"]["reason"].startswith("the committee")
    twice = client.post(
        "/accountability-records",
        json={
            "staff_id": alice,
            "kind": "penalty",
            "subtype": "警告",
            "effective_on": "2026-03-01",
            "reason": "r",
            "issuer": "i",
            "corrects": {"record_id": wrong["id"], "reason": "again"},
        },
        headers=HR,
    )
    assert twice.status_code == 409 and twice.json()["code"] == "RECORD_ALREADY_VOID"

    voided = client.post(
        f"/accountability-records/{right['id']}/void",
        json={"reason": "annulled on appeal"},
        headers=HR,
    )
    assert voided.status_code == 200
    assert voided.json()["void"]["reason"] == "annulled on appeal"
    assert voided.json()["void"]["replaced_by_id"] is None
    repeat = client.post(
        f"/accountability-records/{right['id']}/void", json={"reason": "again"}, headers=HR
    )
    assert repeat.status_code == 409
    assert (
        client.post(
            f"/accountability-records/{right['id']}/void", json={"reason": ""}, headers=HR
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/accountability-records/{uuid.uuid4()}/void", json={"reason": "x"}, headers=HR
        ).status_code
        == 404
    )
    in_force = client.get(
        "/accountability-records", params={"staff_id": alice, "include_void": False}, headers=HR
    ).json()
    assert in_force["total"] == 0
    everything = client.get("/accountability-records", params={"staff_id": alice}, headers=HR)
    assert everything.json()["total"] == 2
    # no route edits or deletes a record
    url = f"/accountability-records/{wrong['id']}"
    assert client.patch(url, json={"reason": "x"}, headers=HR).status_code == 405
    assert client.delete(url, headers=HR).status_code == 405


def test_a_liaison_reads_its_own_unit_and_staff_their_own_records(client: TestClient) -> None:
    fin, hr = make_unit(client, "FIN"), make_unit(client, "HR")
    alice, bob = add_staff(client, fin["id"], "Alice"), add_staff(client, hr["id"], "Bob")
    mine = record(client, alice)
    theirs = record(client, bob)

    listing = client.get("/accountability-records", headers=liaison(fin)).json()
    assert [r["id"] for r in listing["items"]] == [mine["id"]]
    url = f"/accountability-records/{theirs['id']}"
    assert client.get(url, headers=liaison(fin)).status_code == 403
    other = client.get(
        "/accountability-records", params={"unit_id": hr["id"]}, headers=liaison(fin)
    )
    assert other.status_code == 403

    me = bearer("staff", staff_id=alice)
    own = client.get("/accountability-records", headers=me).json()
    assert [r["id"] for r in own["items"]] == [mine["id"]]
    assert client.get(url, headers=me).status_code == 403
    snooping = client.get("/accountability-records", params={"staff_id": bob}, headers=me)
    assert snooping.status_code == 403
    assert client.get("/accountability-records", headers=bearer("director")).json()["total"] == 2
    assert client.get("/accountability-records", headers=bearer("guard")).status_code == 403
