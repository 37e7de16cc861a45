"""The audit log is a hash chain: editing or deleting an entry is detected."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, update
from sqlmodel import Session

from shared.audit import AuditLog
from shared.context import Principal
from shared.tables import platform_tables
from tests.support.tokens import bearer

AUDIT = AuditLog(platform_tables("finance").audit)
OFFICER = Principal(sub="u-1", roles=frozenset({"finance_officer"}), unit_id="unit-7")


def _append_three(engine: Engine) -> None:
    with Session(engine) as session:
        for n in range(1, 4):
            AUDIT.record(
                session,
                action="voucher.post",
                resource_type="voucher",
                resource_id=n,
                before=None,
                after={"amount": f"{n}00.00"},
                principal=OFFICER,
            )
        session.commit()


def test_intact_chain_verifies(engine: Engine) -> None:
    _append_three(engine)
    with Session(engine) as session:
        report = AUDIT.verify(session)
    assert report.ok and report.checked == 3


def test_edited_entry_is_detected(engine: Engine) -> None:
    _append_three(engine)
    t = AUDIT.table
    with Session(engine) as session:
        session.execute(update(t).where(t.c.seq == 2).values(after={"amount": "999.00"}))
        session.commit()
        report = AUDIT.verify(session)
    assert not report.ok
    assert report.first_broken_seq == 2
    assert "altered" in (report.reason or "")


def test_deleted_entry_is_detected(engine: Engine) -> None:
    _append_three(engine)
    t = AUDIT.table
    with Session(engine) as session:
        session.execute(delete(t).where(t.c.seq == 2))
        session.commit()
        report = AUDIT.verify(session)
    assert not report.ok
    assert report.first_broken_seq == 3
    assert "removed" in (report.reason or "")


def test_entry_records_actor_roles_unit_and_request(client: TestClient) -> None:
    headers = {
        **bearer("finance_officer", sub="officer-1", unit_id="unit-3"),
        "Idempotency-Key": "k-1",
        "X-Request-ID": "req-audit-1",
    }
    assert (
        client.post(
            "/test/transfers", json={"amount": "10.50", "payee": "A"}, headers=headers
        ).status_code
        == 201
    )
    page = client.get("/audit", headers=bearer("auditor")).json()
    assert page["total"] == 1
    entry = page["items"][0]
    assert entry["actor"] == "officer-1"
    assert entry["roles"] == ["finance_officer"]
    assert entry["unit_id"] == "unit-3"
    assert entry["request_id"] == "req-audit-1"
    assert entry["after"]["amount"] == "10.50"


def test_audit_api_is_for_auditors_only(client: TestClient, engine: Engine) -> None:
    _append_three(engine)
    assert client.get("/audit").status_code == 401
    assert client.get("/audit", headers=bearer("staff")).status_code == 403
    assert client.get("/audit/verify", headers=bearer("finance_officer")).status_code == 403
    listing = client.get("/audit", params={"limit": 2}, headers=bearer("auditor")).json()
    assert [e["seq"] for e in listing["items"]] == [3, 2]
    assert listing["total"] == 3
    assert client.get("/audit/verify", headers=bearer("auditor")).json()["ok"] is True


def test_tampering_shows_through_the_api(client: TestClient, engine: Engine) -> None:
    _append_three(engine)
    t = AUDIT.table
    with Session(engine) as session:
        session.execute(update(t).where(t.c.seq == 1).values(actor="someone-else"))
        session.commit()
    report = client.get("/audit/verify", headers=bearer("auditor")).json()
    assert report == {
        "ok": False,
        "checked": 0,
        "first_broken_seq": 1,
        "reason": "entry content does not match its hash (it was altered)",
    }
