"""The audit log is a hash chain: editing or deleting an entry is detected."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select, update
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
        "head_seq": None,
        "head_hash": None,
    }


def test_removing_the_newest_entries_is_caught_by_an_anchor(
    client: TestClient, engine: Engine
) -> None:
    _append_three(engine)
    auditor = bearer("auditor")
    head = client.get("/audit/verify", headers=auditor).json()
    assert head["ok"] is True
    assert head["head_seq"] == 3
    anchor = {"anchor_seq": head["head_seq"], "anchor_hash": head["head_hash"]}
    t = AUDIT.table
    with Session(engine) as session:
        session.execute(delete(t).where(t.c.seq == 3))
        session.commit()
    assert client.get("/audit/verify", headers=auditor).json()["ok"] is True, (
        "alone, a tail cut hides"
    )
    report = client.get("/audit/verify", params=anchor, headers=auditor).json()
    assert report["ok"] is False
    assert report["first_broken_seq"] == 3
    assert "removed" in report["reason"]
    # the next entry does not take the deleted number
    with Session(engine) as session:
        AUDIT.record(session, action="x", resource_type="y", principal=OFFICER)
        session.commit()
        assert session.execute(select(func.max(t.c.seq))).scalar_one() == 4


def test_a_rewritten_chain_is_caught_by_an_anchor(client: TestClient, engine: Engine) -> None:
    """Someone with database access edits an entry and recomputes every hash after it."""
    from shared.audit import GENESIS_HASH, row_hash

    _append_three(engine)
    head = client.get("/audit/verify", headers=bearer("auditor")).json()
    t = AUDIT.table
    with Session(engine) as session:
        rows = [dict(r) for r in session.execute(select(t).order_by(t.c.seq)).mappings()]
        rows[0]["after"] = {"amount": "1.00"}
        prev = GENESIS_HASH
        for row in rows:
            row["prev_hash"], row["hash"] = prev, row_hash(prev, row)
            prev = row["hash"]
            session.execute(
                update(t)
                .where(t.c.seq == row["seq"])
                .values(after=row["after"], prev_hash=row["prev_hash"], hash=row["hash"])
            )
        session.commit()
    params = {"anchor_seq": head["head_seq"], "anchor_hash": head["head_hash"]}
    report = client.get("/audit/verify", params=params, headers=bearer("auditor")).json()
    assert report["ok"] is False
    assert report["reason"] == "the anchored entry was rewritten"
    bad = client.get("/audit/verify", params={"anchor_seq": 1}, headers=bearer("auditor"))
    assert bad.status_code == 422


def test_concurrent_appends_never_fork_the_chain(engine: Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from shared.db import for_writing

    writer = for_writing(engine)

    def append(n: int) -> None:
        for i in range(5):
            with Session(writer) as session:
                AUDIT.record(
                    session,
                    action="voucher.post",
                    resource_type="voucher",
                    resource_id=f"{n}-{i}",
                    principal=OFFICER,
                )
                session.commit()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(append, range(8)))
    with Session(engine) as session:
        report = AUDIT.verify(session)
    assert report.ok, report
    assert report.checked == 40
