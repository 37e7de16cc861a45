"""Postings other services report through the inbox, from assets: ``depreciation.posted``
and ``asset.disposed``.

A unit's depreciation for a month is one entry, Dr 5001 业务活动费用 (a line per asset
category) / Cr 1602 固定资产累计折旧, dated the month's last day, source ``depreciation`` and
``source_ref`` ``<unit>:<period>``. The inbox applies an event id once; the source_ref makes a
unit's month post once whatever the event id: a second event for it is acknowledged and posts
nothing (checked first, and, against a concurrent one, by the unique key in a savepoint so no
journal number is lost).

A disposed fixed asset (``asset.disposed``) is written off once (source ``asset_disposal``,
``source_ref`` the asset's id): Dr 1602 its accumulated depreciation, Dr 5301 资产处置费用 its
net book value (each line only when not zero), Cr 1601 its value; dated its disposal day, or
today when that month is closed (as revenue is). A sale's proceeds come separately, as
revenue owed to the treasury (``revenue.received``).

Refusals are final (the sender's outbox keeps the event as a dead letter, its reason in
``last_error``): a source other than assets (403 ``NOT_A_POSTING_SOURCE``), a payload that does
not add up (422 ``BAD_EVENT_PAYLOAD``), a unit finance does not know (422 ``UNKNOWN_UNIT``), and
a month that is closed (409 ``PERIOD_CLOSED``): a finance approver reopens the month, and the
dead letter is queued again (its ``dead_at`` cleared) to post it.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from services.finance.ledger import posting
from services.finance.ledger.chart import (
    ACCUMULATED_DEPRECIATION,
    DISPOSAL_EXPENSE,
    FIXED_ASSETS,
    OPERATING_EXPENSE,
)
from services.finance.ledger.models import EntrySource, JournalEntry
from services.finance.ledger.schemas import AssetDisposed, DepreciationPosted
from services.finance.periods import service as periods
from shared.app import Platform
from shared.audit import AuditLog
from shared.inbox import EventEnvelope, payload_as
from shared.problems import Conflict, Forbidden, Invalid

DEPRECIATION_POSTED = "depreciation.posted"
ASSET_DISPOSED = "asset.disposed"
# the services whose postings finance books from events: assets (its cards' depreciation)
SOURCES = frozenset({"assets"})


def _payload(event: EventEnvelope) -> DepreciationPosted:
    data = payload_as(event, DepreciationPosted)
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


def _post_once(
    session: Session,
    *,
    source: EntrySource,
    ref: str,
    entry_date: date,
    memo: str,
    lines: list[posting.LineSpec],
    posted_by: str,
) -> JournalEntry | None:
    """Post the entry unless (source, ref) is posted already (then None). Against a
    concurrent posting of the same, the unique key refuses it inside a savepoint, so the
    journal number it took goes back and the event is still acknowledged."""
    done = select(JournalEntry.id).where(
        JournalEntry.source == source, JournalEntry.source_ref == ref
    )
    if session.exec(done).first() is not None:
        return None
    try:
        with session.begin_nested():
            return posting.post(
                session,
                entry_date=entry_date,
                memo=memo,
                lines=lines,
                source=source,
                source_ref=ref,
                posted_by=posted_by,
            )
    except Conflict as exc:
        if exc.code != "ALREADY_POSTED":
            raise
        return None


def post_depreciation(
    session: Session, audit: AuditLog, data: DepreciationPosted, *, posted_by: str
) -> JournalEntry | None:
    """Post the unit's month once; None when it is posted already."""
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
    entry = _post_once(
        session,
        source=EntrySource.DEPRECIATION,
        ref=source_ref(data),
        entry_date=data.entry_date,
        memo=f"Depreciation of fixed assets for {data.period}",
        lines=lines,
        posted_by=posted_by,
    )
    if entry is None:
        return None
    audit.record(
        session,
        action="depreciation.posted",
        resource_type="journal_entry",
        resource_id=entry.id,
        after=data.model_dump(mode="json"),
    )
    return entry


def write_off(
    session: Session, audit: AuditLog, data: AssetDisposed, *, posted_by: str
) -> JournalEntry | None:
    """Write the disposed asset off once; None when it is written off already."""
    if data.accumulated_depreciation > data.value:
        raise Invalid(
            "BAD_EVENT_PAYLOAD",
            f"accumulated depreciation {data.accumulated_depreciation:.2f} exceeds the value "
            f"{data.value:.2f}",
        )
    unit, net = data.unit_id, data.value - data.accumulated_depreciation
    lines = []
    if data.accumulated_depreciation > 0:
        lines.append(
            posting.LineSpec(
                account=ACCUMULATED_DEPRECIATION, unit_id=unit, debit=data.accumulated_depreciation
            )
        )
    if net > 0:
        lines.append(posting.LineSpec(account=DISPOSAL_EXPENSE, unit_id=unit, debit=net))
    lines.append(posting.LineSpec(account=FIXED_ASSETS, unit_id=unit, credit=data.value))
    entry = _post_once(
        session,
        source=EntrySource.ASSET_DISPOSAL,
        ref=str(data.asset_id),
        entry_date=periods.posting_day(session, data.disposed_on),
        memo=f"Disposal of fixed asset {data.number}: written off",
        lines=lines,
        posted_by=posted_by,
    )
    if entry is None:
        return None
    audit.record(
        session,
        action="asset_disposal.posted",
        resource_type="journal_entry",
        resource_id=entry.id,
        after=data.model_dump(mode="json"),
    )
    return entry


def _from_assets(event: EventEnvelope) -> None:
    if event.source not in SOURCES:
        raise Forbidden("NOT_A_POSTING_SOURCE", f"{event.source} does not report {event.type}")


def subscribe(platform: Platform) -> None:
    @platform.inbox.handler(DEPRECIATION_POSTED)
    def on_depreciation(session: Session, event: EventEnvelope) -> None:
        _from_assets(event)
        post_depreciation(
            session, platform.audit, _payload(event), posted_by=f"service:{event.source}"
        )

    @platform.inbox.handler(ASSET_DISPOSED)
    def on_disposal(session: Session, event: EventEnvelope) -> None:
        _from_assets(event)
        data = payload_as(event, AssetDisposed)
        write_off(session, platform.audit, data, posted_by=f"service:{event.source}")
