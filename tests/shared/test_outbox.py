"""Outbox → HTTP → inbox: a peer being down delays an effect; it is never lost or doubled."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from services.personnel.main import SPEC as PERSONNEL
from shared.app import Platform, ServiceSpec, create_service_app
from shared.audit import AuditLog
from shared.config import ServiceSettings
from shared.inbox import EventEnvelope
from shared.outbox import Outbox, OutboxRelay, backoff_seconds
from shared.peers import PeerClient
from shared.tables import platform_tables
from tests.support.databases import Databases
from tests.support.servers import free_port, serve_in_thread
from tests.support.tokens import StaticToken, bearer, verifier

RECEIVER_AUDIT = AuditLog(platform_tables("personnel").audit)


def subscribe(platform: Platform) -> None:
    inbox = platform.inbox

    @inbox.handler("grade.finalized")
    def apply_grade(session: Session, event: EventEnvelope) -> None:
        RECEIVER_AUDIT.record(
            session,
            action="grade.applied",
            resource_type="staff",
            resource_id=event.payload["staff_id"],
            after=event.payload,
        )


RECEIVER = ServiceSpec(
    name="personnel",
    title="receiver",
    description="test receiver",
    migrations_dir=Path(PERSONNEL.migrations_dir),
    subscribe=subscribe,
)


def receiver_app(engine: Engine) -> FastAPI:
    settings = ServiceSettings(service_name="personnel")
    return create_service_app(
        RECEIVER, settings, engine=engine, verifier=verifier(), run_relay=False, access_log=False
    )


@pytest.fixture
def receiver_engine(databases: Databases) -> Iterator[Engine]:
    engine = databases.fresh_engine("personnel")
    yield engine
    engine.dispose()


def _applied(engine: Engine) -> int:
    t = RECEIVER_AUDIT.table
    with Session(engine) as session:
        return int(
            session.execute(
                select(func.count()).select_from(t).where(t.c.action == "grade.applied")
            ).scalar_one()
        )


def _outbox_row(engine: Engine, outbox: Outbox) -> dict:
    with Session(engine) as session:
        return dict(session.execute(select(outbox.table)).mappings().one())


def test_event_survives_a_down_receiver_and_is_applied_exactly_once(
    engine: Engine, receiver_engine: Engine
) -> None:
    outbox = Outbox(platform_tables("finance").outbox, source="finance")
    with Session(engine) as session:
        [event_id] = outbox.publish(
            session,
            "grade.finalized",
            {"staff_id": "s-42", "year": 2026, "grade": "优秀"},
            ["personnel"],
        )
        session.commit()

    port = free_port()
    url = f"http://127.0.0.1:{port}"

    async def deliver() -> int:
        async with httpx.AsyncClient() as http:
            peer = PeerClient(
                "personnel",
                url,
                http,
                StaticToken("service", sub="service:finance"),
                timeout=2,
                retries=0,
            )
            return await OutboxRelay(engine, outbox, {"personnel": peer}).deliver_due()

    # receiver down: kept, attempt counted, retried later
    assert asyncio.run(deliver()) == 0
    row = _outbox_row(engine, outbox)
    assert row["delivered_at"] is None
    assert row["attempts"] == 1
    assert "unavailable" in row["last_error"]
    assert row["next_attempt_at"] > row["created_at"]
    assert asyncio.run(deliver()) == 0, "not due again before its backoff"

    app = receiver_app(receiver_engine)
    with serve_in_thread(app, port):
        with Session(engine) as session:  # let the backoff elapse
            session.execute(update(outbox.table).values(next_attempt_at=row["created_at"]))
            session.commit()
        assert asyncio.run(deliver()) == 1
        assert asyncio.run(deliver()) == 0, "a delivered event is not sent again"
        row = _outbox_row(engine, outbox)
        assert row["delivered_at"] is not None and row["attempts"] == 2
        assert _applied(receiver_engine) == 1

        # the relay (or a second relay) sends the same event again: the inbox ignores it
        envelope = {
            "id": str(event_id),
            "type": "grade.finalized",
            "source": "finance",
            "occurred_at": row["created_at"].isoformat(),
            "payload": row["payload"],
        }
        again = httpx.post(
            f"{url}/events", json=envelope, headers=bearer("service", sub="service:finance")
        )
        assert again.status_code == 200
        assert again.json() == {"id": str(event_id), "duplicate": True}
        assert _applied(receiver_engine) == 1


def test_inbox_accepts_events_only_from_services_and_only_known_types(
    receiver_engine: Engine,
) -> None:
    from fastapi.testclient import TestClient

    app = receiver_app(receiver_engine)
    envelope = {
        "id": "6f1c1a8e-3a43-4c0e-9a55-0d7a3b0f5a11",
        "type": "grade.finalized",
        "source": "finance",
        "occurred_at": "2026-11-26T00:00:00Z",
        "payload": {"staff_id": "s-1"},
    }
    with TestClient(app) as client:
        assert client.post("/events", json=envelope).status_code == 401
        assert (
            client.post("/events", json=envelope, headers=bearer("hr_officer")).status_code == 403
        )
        unknown = client.post(
            "/events",
            json={**envelope, "type": "lease.paid"},
            headers=bearer("service", sub="service:finance"),
        )
        assert unknown.status_code == 422 and unknown.json()["code"] == "UNKNOWN_EVENT_TYPE"
        assert (
            client.post(
                "/events", json=envelope, headers=bearer("service", sub="service:finance")
            ).json()["duplicate"]
            is False
        )
    assert _applied(receiver_engine) == 1


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff_seconds(40) == 600


def test_refused_event_becomes_a_dead_letter_and_a_down_peer_holds_only_its_own_queue(
    engine: Engine,
) -> None:
    outbox = Outbox(platform_tables("finance").outbox, source="finance")
    with Session(engine) as session:
        [refused] = outbox.publish(session, "lease.paid", {"n": 1}, ["personnel"])
        down = outbox.publish(session, "grade.finalized", {"n": 2}, ["assets"])
        down += outbox.publish(session, "grade.finalized", {"n": 3}, ["assets"])
        [ok] = outbox.publish(session, "grade.finalized", {"n": 4}, ["personnel"])
        session.commit()
    calls: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.host)
        if request.url.host == "assets":
            raise httpx.ConnectError("down")
        kind = json.loads(request.content)["type"]
        if kind == "lease.paid":
            return httpx.Response(422, json={"code": "UNKNOWN_EVENT_TYPE"})
        return httpx.Response(200, json={})

    async def deliver() -> int:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
            token = StaticToken("service", sub="service:finance")
            peers = {
                name: PeerClient(name, f"http://{name}", http, token, retries=0)
                for name in ("personnel", "assets")
            }
            return await OutboxRelay(engine, outbox, peers).deliver_due()

    assert asyncio.run(deliver()) == 1
    assert calls.count("assets") == 1, "the second assets event waits for the next pass"
    with Session(engine) as session:
        rows = {r["id"]: r for r in session.execute(select(outbox.table)).mappings()}
    assert rows[refused]["dead_at"] is not None
    assert "422" in rows[refused]["last_error"]
    assert rows[ok]["delivered_at"] is not None
    assert [rows[i]["attempts"] for i in down] == [1, 0]
    assert all(rows[i]["dead_at"] is None for i in down)
    with Session(engine) as session:  # time passes; the dead letter stays put
        session.execute(update(outbox.table).values(next_attempt_at=rows[ok]["created_at"]))
        session.commit()
    calls.clear()
    asyncio.run(deliver())
    assert "personnel" not in calls
    assert outbox.backlog(Session(engine)) == {"waiting": 2, "dead": 1}
