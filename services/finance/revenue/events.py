"""Revenue from other services through the inbox: ``revenue.received`` (assets sends lease
income and disposal proceeds). The inbox applies an event id once, so a repeated event is a
no-op; the receipt also keeps the event id (unique) as a second guard."""

from __future__ import annotations

from pydantic import ValidationError
from sqlmodel import Session

from services.finance.revenue import service
from services.finance.revenue.schemas import ReceiptCreate
from shared.app import Platform
from shared.inbox import EventEnvelope
from shared.problems import Forbidden, Invalid

EVENT_TYPE = "revenue.received"


# the services whose revenue finance books: assets (rents of leased operating assets,
# disposal proceeds) and facilities (fees)
SOURCES = frozenset({"assets", "facilities"})


def subscribe(platform: Platform) -> None:
    @platform.inbox.handler(EVENT_TYPE)
    def on_revenue(session: Session, event: EventEnvelope) -> None:
        if event.source not in SOURCES:
            raise Forbidden("NOT_A_REVENUE_SOURCE", f"{event.source} does not report revenue")
        try:
            data = ReceiptCreate.model_validate(event.payload)
        except ValidationError as exc:
            raise Invalid(
                "BAD_EVENT_PAYLOAD",
                f"{EVENT_TYPE} payload is invalid",
                errors=exc.errors(include_url=False, include_context=False, include_input=False),
            ) from None
        service.record(
            session,
            platform.audit,
            data=data,
            recorded_by=f"service:{event.source}",
            principal=None,
            source_event_id=event.id,
        )
