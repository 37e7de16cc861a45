"""Pay and travel standards: drafted, approved by someone else, never edited, chosen by date."""

from __future__ import annotations

import copy
from typing import Any

from fastapi.testclient import TestClient

from tests.finance.conftest import APPROVER, AUDITOR, OFFICER, OFFICER_2, ok, ok_list
from tests.finance.standards_support import as_json, issue, issue_demo_set
from tests.support.tokens import bearer

STAFF = bearer("staff", sub="staff-1")
LIAISON = bearer("unit_liaison", sub="liaison-1")


def _demo(kind: str) -> dict[str, Any]:
    from services.finance.standards.demo import drafts

    return as_json(copy.deepcopy(next(d for d in drafts() if d["kind"] == kind)))


def _count(client: TestClient) -> int:
    total: int = client.get("/standards", headers=AUDITOR).json()["total"]
    return total


def test_the_version_in_force_is_chosen_by_date(client: TestClient) -> None:
    issue_demo_set(client)
    before = ok(client.get("/standards/in-force?kind=salary_scale&on=2026-06-30", headers=STAFF))
    after = ok(client.get("/standards/in-force?kind=salary_scale&on=2026-07-01", headers=STAFF))
    assert (before["version"], after["version"]) == (1, 2)
    assert before["body"]["ranks"]["clerk"][0] == "3200.00"
    assert after["body"]["ranks"]["clerk"][0] == "3300.00"  # 3 % rise, to the ten yuan
    early = client.get("/standards/in-force?kind=income_tax&on=2024-12-31", headers=STAFF)
    assert early.status_code == 404
    assert early.json()["code"] == "NO_STANDARD_IN_FORCE"
    # every kind is in force today, readable by whoever is paid or claims
    kinds = {d["kind"] for d in ok_list(client.get("/standards?limit=100", headers=LIAISON))}
    assert len(kinds) == 9


def test_in_force_from_code_answers_the_typed_body(client: TestClient, app: Any) -> None:
    from datetime import date

    from services.finance.standards import service
    from services.finance.standards.schemas import IncomeTax, SalaryScale
    from shared.db import unit_of_work

    issue_demo_set(client)
    with unit_of_work(app.state.engine) as session:
        row, scale = service.in_force(session, SalaryScale, date(2026, 8, 1))
        _, tax = service.in_force(session, IncomeTax, date(2026, 8, 1))
    assert row.version == 2 and len(scale.ranks["clerk"]) == 8
    assert [str(b.rate) for b in tax.brackets] == [
        "3.00",
        "10.00",
        "20.00",
        "25.00",
        "30.00",
        "35.00",
        "45.00",
    ]


def test_approval_is_by_another_person_and_a_standard_in_force_is_never_changed(
    client: TestClient,
) -> None:
    draft = ok(client.post("/standards", json=_demo("position_allowance"), headers=OFFICER), 201)
    assert (draft["status"], draft["version"]) == ("draft", 1)
    officer_approving = client.post(f"/standards/{draft['id']}/approve", headers=OFFICER)
    assert officer_approving.status_code == 403
    self_approval = client.post(
        f"/standards/{draft['id']}/approve", headers=bearer("finance_approver", sub="officer-1")
    )
    assert self_approval.status_code == 403
    assert self_approval.json()["code"] == "SELF_APPROVAL"
    approved = ok(client.post(f"/standards/{draft['id']}/approve", headers=APPROVER))
    assert approved["status"] == "approved" and approved["approved_by"] == "approver-1"
    for action in ("approve", "withdraw"):
        again = client.post(
            f"/standards/{draft['id']}/{action}",
            headers=APPROVER if action == "approve" else OFFICER,
        )
        assert again.status_code == 409
        assert again.json()["code"] == "STANDARD_NOT_DRAFT"
    # a second version on the same day cannot come into force beside the first
    same_day = ok(
        client.post("/standards", json=_demo("position_allowance"), headers=OFFICER_2), 201
    )
    assert same_day["version"] == 2
    clash = client.post(f"/standards/{same_day['id']}/approve", headers=APPROVER)
    assert clash.status_code == 409
    assert clash.json()["code"] == "EFFECTIVE_DATE_TAKEN"
    withdrawn = ok(client.post(f"/standards/{same_day['id']}/withdraw", headers=OFFICER))
    assert withdrawn["status"] == "withdrawn"
    # the draft that was withdrawn never comes into force
    in_force = ok(client.get("/standards/in-force?kind=position_allowance", headers=STAFF))
    assert in_force["id"] == draft["id"]


def test_a_body_that_breaks_a_rule_is_refused_and_nothing_is_drafted(client: TestClient) -> None:
    grades = _demo("grade_allowance")
    del grades["body"]["grades"]["ungraded"]
    tax = _demo("income_tax")
    tax["body"]["brackets"][1]["rate"] = "2"
    open_middle = _demo("income_tax")
    open_middle["body"]["brackets"][2]["up_to"] = None
    base = _demo("contributions")
    base["body"]["base_floor"] = "40000"
    lodging = _demo("travel_lodging")
    del lodging["body"]["caps"]["clerk"]["other"]
    number = _demo("position_allowance")
    number["body"]["ranks"]["clerk"] = 1300
    rate = _demo("contributions")
    rate["body"]["pension"] = "101"
    unknown_kind = {**_demo("travel_class"), "kind": "bonus"}
    cases = [
        (grades, "STANDARD_INCOMPLETE"),
        (tax, "BAD_TAX_BRACKETS"),
        (open_middle, "BAD_TAX_BRACKETS"),
        (base, "BAD_CONTRIBUTION_BASE"),
        (lodging, "STANDARD_INCOMPLETE"),
        (number, "VALIDATION_FAILED"),
        (rate, "VALIDATION_FAILED"),
        (unknown_kind, "VALIDATION_FAILED"),
    ]
    for body, code in cases:
        response = client.post("/standards", json=body, headers=OFFICER)
        assert response.status_code == 422, (code, response.text)
        assert response.json()["code"] == code
    assert _count(client) == 0


def test_roles(client: TestClient) -> None:
    body = _demo("travel_per_diem")
    for refused in (STAFF, LIAISON, APPROVER, AUDITOR):
        assert client.post("/standards", json=body, headers=refused).status_code == 403
    assert client.post("/standards", json=body).status_code == 401
    assert client.get("/standards").status_code == 401
    row = issue(client, body)
    assert client.post(f"/standards/{row['id']}/withdraw", headers=STAFF).status_code == 403
    assert client.get(f"/standards/{row['id']}", headers=STAFF).status_code == 200
    treasury = bearer("treasury", sub="treasury")
    assert client.get("/standards", headers=treasury).status_code == 403


def test_demo_seeding_twice_adds_nothing(app: Any) -> None:
    from services.finance.standards import demo
    from shared.audit import AuditLog
    from shared.db import unit_of_work
    from shared.tables import platform_tables

    audit = AuditLog(platform_tables("finance").audit)
    officer, approver = demo_principals()
    with unit_of_work(app.state.engine) as session:
        assert demo.seed(session, audit, officer, approver) == 10
    with unit_of_work(app.state.engine) as session:
        assert demo.seed(session, audit, officer, approver) == 0


def demo_principals() -> tuple[Any, Any]:
    from services.finance.demo import APPROVER as DEMO_APPROVER
    from services.finance.demo import OFFICER as DEMO_OFFICER

    return DEMO_OFFICER, DEMO_APPROVER
