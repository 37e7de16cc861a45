"""Transactional outbox: an effect for a peer is a row written with the change that causes it,
delivered by a relay with retries until the peer acknowledges it.

Delivery is at least once; the receiver's inbox (``shared.inbox``) makes it exactly once in
effect. Several relays of one service may send the same row twice; that is harmless for the
same reason. A peer that is down is retried with growing backoff, and while it is down the
rest of its queue waits for the next pass instead of each row timing out in turn. An event
the peer refuses for good (a 4xx other than 408/425/429) is kept as a dead letter
(``dead_at`` set, ``last_error`` saying why): never lost, never retried by itself; clearing
``dead_at`` queues it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Engine, Table, func, insert, select, update
from sqlmodel import Session

from shared.audit import jsonable
from shared.db import for_writing, unit_of_work
from shared.deps import from_app_state
from shared.peers import PeerClient
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

    def backlog(self, session: Session) -> dict[str, int]:
        """Events waiting for delivery and dead letters, for ``/metrics``."""
        t = self.table
        undelivered = t.c.delivered_at.is_(None)
        waiting, dead = session.execute(
            select(
                func.count().filter(undelivered, t.c.dead_at.is_(None)),
                func.count().filter(undelivered, t.c.dead_at.is_not(None)),
            ).select_from(t)
        ).one()
        return {"waiting": int(waiting), "dead": int(dead)}


_TRANSIENT_4XX = frozenset({408, 425, 429})


@dataclass(frozen=True)
class Outcome:
    error: str | None
    permanent: bool = False


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
        self.write_engine = for_writing(engine)
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
                    .where(
                        t.c.delivered_at.is_(None),
                        t.c.dead_at.is_(None),
                        t.c.next_attempt_at <= utcnow(),
                    )
                    .order_by(t.c.created_at)
                    .limit(self.batch)
                )
                .mappings()
                .all()
            )
            return [dict(r) for r in rows]

    def _mark(self, event_id: uuid.UUID, attempts: int, outcome: Outcome) -> None:
        t = self.outbox.table
        now = utcnow()
        values: dict[str, Any] = {"attempts": attempts, "last_error": outcome.error}
        if outcome.error is None:
            values["delivered_at"] = now
        elif outcome.permanent:
            values["dead_at"] = now
        else:
            values["next_attempt_at"] = now + timedelta(seconds=backoff_seconds(attempts))
        with unit_of_work(self.write_engine) as session:
            session.execute(update(t).where(t.c.id == event_id).values(**values))

    async def _send(self, row: dict[str, Any]) -> Outcome:
        peer = self.peers.get(row["destination"])
        if peer is None:
            return Outcome(f"no URL configured for peer {row['destination']!r}")
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
        except ProblemError as exc:
            return Outcome(exc.detail)
        status = response.status_code
        if status < 300:
            return Outcome(None)
        error = f"{row['destination']} answered {status}: {response.text[:300]}"
        return Outcome(error, permanent=400 <= status < 500 and status not in _TRANSIENT_4XX)

    async def deliver_due(self) -> int:
        """Try each due event once; return how many were acknowledged.

        After one failure to reach a destination, its other events wait for the next pass.
        """
        rows = await asyncio.to_thread(self._due)
        delivered = 0
        unreachable: set[str] = set()
        for row in rows:
            if row["destination"] in unreachable:
                continue
            outcome = await self._send(row)
            await asyncio.to_thread(self._mark, row["id"], row["attempts"] + 1, outcome)
            if outcome.error is None:
                delivered += 1
                continue
            if not outcome.permanent:
                unreachable.add(row["destination"])
            log.warning(
                "outbox delivery of %s to %s failed%s: %s",
                row["id"],
                row["destination"],
                " for good (dead letter)" if outcome.permanent else "",
                outcome.error,
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


OutboxDep = Annotated[Outbox, Depends(from_app_state("outbox", Outbox))]
# woken after a commit that published events, so peers hear of them without waiting a poll
RelayDep = Annotated[OutboxRelay, Depends(from_app_state("relay", OutboxRelay))]
