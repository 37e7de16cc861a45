"""Postings other services report through the inbox: ``depreciation.posted`` from assets.

A unit's depreciation for a month is one entry, Dr 5001 业务活动费用 (a line per asset
category) / Cr 1602 固定资产累计折旧, dated the month's last day, source ``depreciation`` and
``source_ref`` ``<unit>:<period>``. The inbox applies an event id once; the source_ref makes a
unit's month post once whatever the event id: a second event for it is acknowledged and posts
nothing (checked first, and, against a concurrent one, by the unique key in a savepoint so no
journal number is lost).

Refusals are final (the sender's outbox keeps the event as a dead letter, its reason in
``last_error``): a source other than assets (403 ``NOT_A_POSTING_SOURCE``), a payload that does
not add up (422 ``BAD_EVENT_PAYLOAD``), a unit finance does not know (422 ``UNKNOWN_UNIT``), and
a month that is closed (409 ``PERIOD_CLOSED``): a finance approver reopens the month, and the
dead letter is queued again (its ``dead_at`` cleared) to post it.
"""

from __future__ import annotations

import calendar
from decimal import Decimal

from pydantic import ValidationError
from sqlmodel import Session, select

from services.finance.ledger import posting
from services.finance.ledger.chart import ACCUMULATED_DEPRECIATION, OPERATING_EXPENSE
from services.finance.ledger.models import EntrySource, JournalEntry
from services.finance.ledger.schemas import DepreciationPosted
from shared.app import Platform
from shared.audit import AuditLog
from shared.inbox import EventEnvelope
from shared.problems import Conflict, Forbidden, Invalid

DEPRECIATION_POSTED = "depreciation.posted"
# the services whose postings finance books from events: assets (its cards' depreciation)
SOURCES = frozenset({"assets"})


def _payload(event: EventEnvelope) -> DepreciationPosted:
    try:
        data = DepreciationPosted.model_validate(event.payload)
    except ValidationError as exc:
        raise Invalid(
            "BAD_EVENT_PAYLOAD",
            f"{event.type} payload is invalid",
            errors=exc.errors(include_url=False, include_context=False, include_input=False),
        ) from None
    year, month = int(data.period[:4]), int(data.period[5:])
    last = calendar.monthrange(year, month)[1]
    if (data.entry_date.year, data.entry_date.month, data.entry_date.day) != (year, month, last):
        raise Invalid("BAD_EVENT_PAYLOAD", f"entry_date must be the last day of {data.period}")
    by_category = sum(data.by_category.values(), Decimal("0.00"))
    if by_category != data.amount:
        raise Invalid(
            "BAD_EVENT_PAYLOAD",
            f"the categories add up to {by_category:.2f}, not the amount {data.amount:.2f}",
        )
    return data


def source_ref(data: DepreciationPosted) -> str:
    return f"{data.unit_id}:{data.period}"


def post_depreciation(
    session: Session, audit: AuditLog, data: DepreciationPosted, *, posted_by: str
) -> JournalEntry | None:
    """Post the unit's month once; None when it is posted already."""
    ref = source_ref(data)
    done = select(JournalEntry.id).where(
        JournalEntry.source == EntrySource.DEPRECIATION, JournalEntry.source_ref == ref
    )
    if session.exec(done).first() is not None:
        return None
    lines = [
        posting.LineSpec(
            account=OPERATING_EXPENSE,
            unit_id=data.unit_id,
            debit=amount,
            memo=f"category {code}",
        )
        for code, amount in sorted(data.by_category.items())
    ]
    lines.append(
        posting.LineSpec(account=ACCUMULATED_DEPRECIATION, unit_id=data.unit_id, credit=data.amount)
    )
    try:
        with session.begin_nested():
            entry = posting.post(
                session,
                entry_date=data.entry_date,
                memo=f"Depreciation of fixed assets for {data.period}",
                lines=lines,
                source=EntrySource.DEPRECIATION,
                source_ref=ref,
                posted_by=posted_by,
            )
    except Conflict as exc:
        if exc.code != "ALREADY_POSTED":
            raise
        return None  # a concurrent event for the same unit and month posted it
    audit.record(
        session,
        action="depreciation.posted",
        resource_type="journal_entry",
        resource_id=entry.id,
        after=data.model_dump(mode="json"),
    )
    return entry


def subscribe(platform: Platform) -> None:
    @platform.inbox.handler(DEPRECIATION_POSTED)
    def on_depreciation(session: Session, event: EventEnvelope) -> None:
        if event.source not in SOURCES:
            raise Forbidden("NOT_A_POSTING_SOURCE", f"{event.source} does not report depreciation")
        post_depreciation(
            session, platform.audit, _payload(event), posted_by=f"service:{event.source}"
        )
