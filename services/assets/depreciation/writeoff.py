"""Writing a disposed card off the books in finance: ``asset.disposed`` through the outbox
(finance posts Dr 1602 accumulated depreciation, Dr 5301 the net book value, Cr 1601 the
value), once per card.

A card disposed of in month D is depreciated for D, so it is written off only once D has
been run: by the run of D (or of the first month run, for a card disposed of before it), or
at the disposal's approval when D has been run already. The write-off row is the guard: a
card is written off once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists
from sqlmodel import Session, col, func, select

from services.assets.depreciation.charges import period_of
from services.assets.depreciation.models import DepreciationRun, WriteOff
from services.assets.register.models import Asset, AssetStatus
from shared.outbox import Outbox

EVENT_TYPE = "asset.disposed"
FINANCE = "finance"


def write_off(session: Session, outbox: Outbox, asset: Asset) -> WriteOff:
    """Queue the card's write-off for finance and note it (the caller checked it is due)."""
    assert asset.disposed_on is not None  # only disposed cards are written off
    event_id = None
    if asset.value > 0:
        [event_id] = outbox.publish(
            session,
            EVENT_TYPE,
            {
                "unit_id": asset.unit_id,
                "asset_id": asset.id,
                "number": asset.number,
                "category_code": asset.category_code,
                "disposed_on": asset.disposed_on,
                "value": f"{asset.value:.2f}",
                "accumulated_depreciation": f"{asset.accumulated_depreciation:.2f}",
            },
            [FINANCE],
        )
    row = WriteOff(
        asset_id=asset.id,
        disposed_on=asset.disposed_on,
        value=asset.value,
        accumulated_depreciation=asset.accumulated_depreciation,
        event_id=event_id,
    )
    session.add(row)
    return row


def write_off_due(session: Session, outbox: Outbox, *, until: date) -> int:
    """Write off every disposed card not written off yet whose disposal is on or before
    ``until`` (a run's month's last day, after its charges); how many."""
    cards = session.exec(
        select(Asset)
        .where(
            Asset.status == AssetStatus.DISPOSED,
            col(Asset.disposed_on) <= until,
            ~exists().where(col(WriteOff.asset_id) == Asset.id),
        )
        .order_by(col(Asset.number))
        .execution_options(populate_existing=True)
    ).all()
    for asset in cards:
        write_off(session, outbox, asset)
    return len(cards)


def write_off_if_run(session: Session, outbox: Outbox, asset: Asset) -> WriteOff | None:
    """At a disposal's approval: write the card off now if its disposal's month has been run
    (else the run of that month does)."""
    assert asset.disposed_on is not None
    latest = session.exec(select(func.max(DepreciationRun.period))).one()
    if latest is None or latest < period_of(asset.disposed_on):
        return None
    return write_off(session, outbox, asset)
