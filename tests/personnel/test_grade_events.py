"""grade.finalized / grade.revised go through the outbox to every subscriber, over real HTTP,
and reach one that was down when the grades were finalized."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlmodel import Session

from services.finance.main import SPEC as FINANCE
from services.personnel.config import PersonnelSettings
from services.personnel.main import create_app
from shared.app import Platform, ServiceSpec, create_service_app
from shared.audit import AuditLog
from shared.config import ServiceSettings
from shared.inbox import EventEnvelope
from shared.outbox import OutboxRelay
from shared.peers import PeerClient
from shared.tables import platform_tables
from tests.personnel.appraisal_support import add_staff, advance, make_cycle, make_scheme, score
from tests.personnel.conftest import HR, make_unit
from tests.support.databases import Databases
from tests.support.servers import free_port, serve_in_thread
from tests.support.tokens import StaticToken, verifier

FINANCE_AUDIT = AuditLog(platform_tables("finance").audit)


def subscribe(platform: Platform) -> None:
    """A stand-in for finance: it notes every grade event it applies in its audit log."""
    inbox = platform.inbox

    def note(session: Session, event: EventEnvelope) -> None:
        FINANCE_AUDIT.record(
            session,
            action=f"applied.{event.type}",
            resource_type="appraisal_cycle",
            resource_id=event.payload["cycle_id"],
            after={"source": event.source, "id": str(event.id), **event.payload},
        )

    inbox.handler("grade.finalized")(note)
    inbox.handler("grade.revised")(note)


SUBSCRIBER = ServiceSpec(
    name="finance",
    title="grade subscriber",
    description="test subscriber",
    migrations_dir=Path(FINANCE.migrations_dir),
    subscribe=subscribe,
)


def subscriber_app(engine: Engine) -> FastAPI:
    return create_service_app(
        SUBSCRIBER,
        ServiceSettings(service_name="finance"),
        engine=engine,
        verifier=verifier(),
        run_relay=False,
        access_log=False,
    )


@pytest.fixture
def finance_engine(databases: Databases) -> Iterator[Engine]:
    engine = databases.fresh_engine("finance")
    yield engine
    engine.dispose()


def applied(engine: Engine) -> list[dict[str, Any]]:
    t = FINANCE_AUDIT.table
    with Session(engine) as session:
        rows = session.execute(
            select(t.c.action, t.c.after).where(t.c.action.like("applied.%")).order_by(t.c.seq)
        )
        return [{"action": action, **after} for action, after in rows]


def outbox(app: FastAPI) -> list[dict[str, Any]]:
    t = app.state.outbox.table
    with Session(app.state.engine) as session:
        rows = session.execute(select(t).order_by(t.c.created_at)).mappings()
        return [dict(r) for r in rows]


def deliver(app: FastAPI, url: str) -> int:
    """One pass of the personnel relay, signed in as ``service:personnel``."""

    async def run() -> int:
        async with httpx.AsyncClient() as http:
            token = StaticToken("service", sub="service:personnel")
            peer = PeerClient("finance", url, http, token, timeout=2, retries=0)
            relay = OutboxRelay(app.state.engine, app.state.outbox, {"finance": peer})
            return await relay.deliver_due()

    return asyncio.run(run())


def make_due(app: FastAPI) -> None:
    """Let every backoff elapse."""
    t = app.state.outbox.table
    with Session(app.state.engine) as session:
        session.execute(update(t).values(next_attempt_at=t.c.created_at))
        session.commit()


def finalize_two(client: TestClient) -> tuple[dict[str, Any], dict[str, str]]:
    unit = make_unit(client, "FIN")
    staff = {
        add_staff(client, unit["id"], "Alice"): "95",
        add_staff(client, unit["id"], "Bob"): "80",
    }
    scheme = make_scheme(client, excellent_cap_percent="50")
    cycle = make_cycle(client, scheme["id"], [unit["id"]])
    for staff_id, value in staff.items():
        score(client, cycle["id"], staff_id, value)
    advance(client, cycle["id"], "submit", "review", "finalize")
    return cycle, {sid: unit["id"] for sid in staff}


def test_grades_reach_a_subscriber_that_was_down_once_each(
    client: TestClient, finance_engine: Engine
) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    app.state.settings.grade_subscribers = ["finance"]
    cycle, units = finalize_two(client)
    [row] = outbox(app)
    assert (row["event_type"], row["destination"]) == ("grade.finalized", "finance")
    assert row["payload"]["cycle_id"] == cycle["id"]
    assert {g["staff_id"]: g["grade"] for g in row["payload"]["grades"]} == dict(
        zip(units, ["excellent", "competent"], strict=True)
    )

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    assert deliver(app, url) == 0, "finance is down"
    [row] = outbox(app)
    assert row["delivered_at"] is None and row["attempts"] == 1
    assert row["next_attempt_at"] > row["created_at"]

    with serve_in_thread(subscriber_app(finance_engine), port):
        make_due(app)
        assert deliver(app, url) == 1
        assert deliver(app, url) == 0, "delivered once"
        [event] = applied(finance_engine)
        assert event["action"] == "applied.grade.finalized"
        assert event["source"] == "personnel"
        assert event["year"] == 2026 and event["cycle_kind"] == "annual"
        grades = {g["staff_id"]: g for g in event["grades"]}
        assert set(grades) == set(units)
        alice = next(iter(units))
        assert grades[alice]["grade"] == "excellent" and grades[alice]["score"] == "95.00"
        assert grades[alice]["unit_id"] == units[alice]
        assert grades[alice]["period_start"] == "2026-01-01"

        results = client.get(f"/appraisal-cycles/{cycle['id']}/results", headers=HR).json()
        bob = next(r for r in results["items"] if r["staff_id"] != alice)
        revised = client.post(
            f"/appraisal-results/{bob['id']}/revisions",
            json={"reason": "recount", "scores": {"performance": "40"}},
            headers=HR,
        )
        assert revised.status_code == 201, revised.text
        assert deliver(app, url) == 1
        revision = applied(finance_engine)[-1]
        assert revision["action"] == "applied.grade.revised"
        assert (revision["staff_id"], revision["revision"]) == (bob["staff_id"], 1)
        assert (revision["previous_grade"], revision["grade"]) == (
            "competent",
            "basically_competent",
        )
        assert revision["score"] == "68.00" and revision["reason"] == "recount"
    assert len(applied(finance_engine)) == 2
    assert all(r["delivered_at"] is not None for r in outbox(app))


def test_each_subscriber_gets_its_own_copy_written_with_the_grades(
    databases: Databases,
) -> None:
    engine = databases.fresh_engine("personnel")
    settings = PersonnelSettings(grade_subscribers=["finance", "assets"])
    app = create_app(
        settings, engine=engine, verifier=verifier(), run_relay=False, access_log=False
    )
    try:
        with TestClient(app) as client:
            finalize_two(client)
            rows = outbox(app)
            assert sorted(r["destination"] for r in rows) == ["assets", "finance"]
            assert {r["event_type"] for r in rows} == {"grade.finalized"}
            assert rows[0]["payload"] == rows[1]["payload"]
            assert rows[0]["id"] != rows[1]["id"], "each copy is its own event"
    finally:
        engine.dispose()


def test_finance_subscribes_by_default(client: TestClient) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    assert app.state.settings.grade_subscribers == ["finance"]


def test_without_subscribers_finalizing_queues_no_event(client: TestClient) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    app.state.settings.grade_subscribers = []
    finalize_two(client)
    assert outbox(app) == []
