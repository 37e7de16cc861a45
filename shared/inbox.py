"""Inbox: events from peers, applied once each (de-duplicated by event id) in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import Table
from sqlmodel import Session

from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep, insert_unless_present
from shared.deps import from_app_state
from shared.problems import Invalid, ProblemError
from shared.routing import Router
from shared.types import utcnow

P = TypeVar("P", bound=BaseModel)


class EventEnvelope(BaseModel):
    id: uuid.UUID
    type: str = Field(min_length=1, max_length=100)
    source: str = Field(min_length=1, max_length=50)
    occurred_at: datetime
    payload: dict[str, Any]


def payload_as(event: EventEnvelope, schema: type[P]) -> P:
    """The event's payload as ``schema``; 422 ``BAD_EVENT_PAYLOAD`` with the errors otherwise
    (a final refusal: the sender keeps the event as a dead letter)."""
    try:
        return schema.model_validate(event.payload)
    except ValidationError as exc:
        raise Invalid(
            "BAD_EVENT_PAYLOAD",
            f"{event.type} payload is invalid",
            errors=exc.errors(include_url=False, include_context=False, include_input=False),
        ) from None


class EventAck(BaseModel):
    id: uuid.UUID
    duplicate: bool


Handler = Callable[[Session, EventEnvelope], None]


class Inbox:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.handlers: dict[str, Handler] = {}

    def handler(self, event_type: str) -> Callable[[Handler], Handler]:
        """Register the function that applies ``event_type`` (it must not commit)."""

        def register(fn: Handler) -> Handler:
            self.handlers[event_type] = fn
            return fn

        return register

    def accept(self, session: Session, event: EventEnvelope) -> bool:
        """Apply ``event`` unless already applied; return False for a duplicate. The receipt
        and the handler's effect share the caller's transaction (the unit of work commits)."""
        handler = self.handlers.get(event.type)
        if handler is None:
            raise ProblemError(
                422, "UNKNOWN_EVENT_TYPE", f"this service does not subscribe to {event.type!r}"
            )
        first = insert_unless_present(
            session,
            self.table,
            {
                "event_id": event.id,
                "source": event.source,
                "event_type": event.type,
                "received_at": utcnow(),
            },
        )
        if not first:
            return False
        handler(session, event)
        return True


InboxDep = Annotated[Inbox, Depends(from_app_state("inbox", Inbox))]


def inbox_router() -> Router:
    """``POST /events``: where peers' outbox relays deliver (role ``service``)."""
    router = Router(tags=["events"])

    @router.post("/events")
    def receive_event(
        inbox: InboxDep,
        session: SessionDep,
        event: EventEnvelope,
        caller: Annotated[Principal, Depends(require_roles("service"))],
    ) -> EventAck:
        """Apply an event from a peer once; a repeated event id is acknowledged and ignored."""
        if caller.sub != f"service:{event.source}":
            raise ProblemError(
                403,
                "EVENT_SOURCE_MISMATCH",
                f"{caller.sub} may not send events as {event.source!r}",
            )
        return EventAck(id=event.id, duplicate=not inbox.accept(session, event))

    return router
