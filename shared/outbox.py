"""Transactional outbox: an effect for a peer is a row written with the change that causes it,
delivered by a relay with retries until the peer acknowledges it.

Delivery is at least once; the receiver's inbox (``shared.inbox``) makes it exactly once in
effect. Several relays of one service may send the same row twice; that is harmless for the
same reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select, update
from sqlmodel import Session

from shared.audit import jsonable
from shared.peers import PeerClient, PeerUnavailable
from shared.problems import ProblemError
from shared.types import utcnow

log = logging.getLogger("shared.outbox")
EVENTS_PATH = "/events"


class Outbox:
    def __init__(self, table: Table, source: str) -> None:
        self.table = table
        self.source = source

    def publish(
        self,
        session: Session,
        event_type: str,
        payload: Mapping[str, Any],
        destinations: Iterable[str],
    ) -> list[uuid.UUID]:
        """Queue ``event_type`` for each destination in the caller's transaction."""
        now = utcnow()
        ids = []
        for destination in destinations:
            event_id = uuid.uuid4()
            session.execute(
                insert(self.table).values(
                    id=event_id,
                    event_type=event_type,
                    destination=destination,
                    payload=jsonable(dict(payload)),
                    created_at=now,
                    attempts=0,
                    next_attempt_at=now,
                )
            )
            ids.append(event_id)
        return ids

    def pending_count(self, session: Session) -> int:
        t = self.table
        return int(
            session.execute(
                select(func.count()).select_from(t).where(t.c.delivered_at.is_(None))
            ).scalar_one()
        )


def backoff_seconds(attempts: int, cap: float = 600.0) -> float:
    """1, 2, 4 … seconds after each failed attempt, never more than ``cap``."""
    return float(min(cap, 2 ** max(0, attempts - 1)))


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        outbox: Outbox,
        peers: Mapping[str, PeerClient],
        *,
        poll_seconds: float = 2.0,
        batch: int = 100,
    ) -> None:
        self.engine = engine
        self.outbox = outbox
        self.peers = peers
        self.poll_seconds = poll_seconds
        self.batch = batch
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Deliver now instead of at the next poll (call after committing a publish)."""
        self._wake.set()

    def _due(self) -> list[dict[str, Any]]:
        t = self.outbox.table
        with Session(self.engine) as session:
            rows = (
                session.execute(
                    select(t)
                    .where(t.c.delivered_at.is_(None), t.c.next_attempt_at <= utcnow())
                    .order_by(t.c.created_at)
                    .limit(self.batch)
                )
                .mappings()
                .all()
            )
            return [dict(r) for r in rows]

    def _mark(self, event_id: uuid.UUID, attempts: int, error: str | None) -> None:
        t = self.outbox.table
        now = utcnow()
        values: dict[str, Any] = {"attempts": attempts, "last_error": error}
        if error is None:
            values["delivered_at"] = now
        else:
            values["next_attempt_at"] = now + timedelta(seconds=backoff_seconds(attempts))
        with Session(self.engine) as session:
            session.execute(update(t).where(t.c.id == event_id).values(**values))
            session.commit()

    async def _send(self, row: dict[str, Any]) -> str | None:
        peer = self.peers.get(row["destination"])
        if peer is None:
            return f"no URL configured for peer {row['destination']!r}"
        envelope = {
            "id": str(row["id"]),
            "type": row["event_type"],
            "source": self.outbox.source,
            "occurred_at": row["created_at"].isoformat(),
            "payload": row["payload"],
        }
        try:
            response = await peer.request(
                "POST", EVENTS_PATH, json=envelope, idempotency_key=str(row["id"])
            )
        except (PeerUnavailable, ProblemError) as exc:
            return exc.detail
        if response.status_code < 300:
            return None
        return f"{row['destination']} answered {response.status_code}: {response.text[:300]}"

    async def deliver_due(self) -> int:
        """Try every due event once; return how many were acknowledged."""
        rows = await asyncio.to_thread(self._due)
        delivered = 0
        for row in rows:
            error = await self._send(row)
            await asyncio.to_thread(self._mark, row["id"], row["attempts"] + 1, error)
            if error is None:
                delivered += 1
            else:
                log.warning(
                    "outbox delivery of %s to %s failed: %s", row["id"], row["destination"], error
                )
        return delivered

    async def run_forever(self) -> None:
        while True:
            try:
                await self.deliver_due()
            except Exception:
                log.exception("outbox relay pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            self._wake.clear()
