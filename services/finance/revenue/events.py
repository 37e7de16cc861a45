"""Revenue from other services through the inbox: ``revenue.received`` (assets sends lease
income and disposal proceeds). The inbox applies an event id once, so a repeated event is a
no-op; the receipt also keeps the event id (unique) as a second guard."""

from __future__ import annotations

from sqlmodel import Session

from services.finance.revenue import service
from services.finance.revenue.schemas import ReceiptCreate
from shared.app import Platform
from shared.inbox import EventEnvelope, payload_as
from shared.problems import Forbidden

EVENT_TYPE = "revenue.received"


# the services whose revenue finance books: assets (rents of leased operating assets,
# disposal proceeds) and facilities (fees)
SOURCES = frozenset({"assets", "facilities"})


def subscribe(platform: Platform) -> None:
    @platform.inbox.handler(EVENT_TYPE)
    def on_revenue(session: Session, event: EventEnvelope) -> None:
        if event.source not in SOURCES:
            raise Forbidden("NOT_A_REVENUE_SOURCE", f"{event.source} does not report revenue")
        data = payload_as(event, ReceiptCreate)
        service.record(
            session,
            platform.audit,
            data=data,
            recorded_by=f"service:{event.source}",
            principal=None,
            source_event_id=event.id,
        )
