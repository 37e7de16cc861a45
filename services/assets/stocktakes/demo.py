"""Demo stocktakes for ``make run``: one closed campaign and one open one, over the units that
hold the most demo cards, made through the module's own service functions, audited.

The closed campaign found its unit's cards where the cards say, but one (its relocation was
applied: the card moved), one card kept in a room that was not found (its write-off, 盘亏核销,
approved by the bureau's director: the bureau holds the disposal right over every demo
building, and rooms inherit it; the card is disposed of), those without a room (their
write-offs rejected: "found after the count"), and one tag with no card (its new card
rejected: a visitor's item). The open campaign has counted half of its unit's cards so far.
Nothing is made when there are no cards yet (the register's demo seeds them), and a second run
changes nothing.

Campaigns are run by the caller's principal (the assets demo sets the demo asset officer);
write-offs and rejections are decided by the demo director, of the bureau's unit.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.assets.register.models import Asset, AssetStatus
from services.assets.rights.models import Right, SubjectKind
from services.assets.rights.service import holder_on
from services.assets.stocktakes import reconcile, scans, service
from services.assets.stocktakes.models import Campaign, ProposalKind, ScopeKind
from services.assets.stocktakes.schemas import MAX_BATCH, CampaignCreate, ScanBatch, ScanIn
from shared.audit import AuditLog
from shared.context import Principal, principal_var
from shared.outbox import Outbox
from shared.scope import RowScope
from shared.tables import platform_tables
from shared.types import today

DIRECTOR = Principal(sub="demo:director", roles=frozenset({"director"}))
CLOSED_NAME = "2025 year-end stocktake (demo)"
OPEN_NAME = "2026 mid-year stocktake (demo)"
SURPLUS_TAG = "DEMO-NOCARD-1"
EVERYTHING = RowScope(everything=True)


def seed(
    session: Session,
    units: Sequence[uuid.UUID] = (),
    *,
    users: dict[str, str] | None = None,
    bureau: uuid.UUID | None = None,
) -> bool:
    """Create the demo campaigns that are missing; True when anything was. ``units``: the
    units to choose from (any unit with cards when empty); ``users``: the demo users' ids by
    role (decisions are made in the demo director's name); ``bureau``: the director's unit,
    the disposal right's holder (without it, or without the right, no write-off is
    approved). Campaigns are run by the caller's principal (``principal_var``)."""
    names = set(session.exec(select(Campaign.name)))
    busiest = _busiest_units(session, units)
    if not busiest or {CLOSED_NAME, OPEN_NAME} <= names:
        return False
    officer = principal_var.get()
    if officer is None:
        raise RuntimeError("the stocktake demo runs as the caller's principal: set one")
    audit = AuditLog(platform_tables("assets").audit)
    director = DIRECTOR.as_user(users)
    if bureau is not None:
        director = dataclasses.replace(director, unit_id=str(bureau))
    if CLOSED_NAME not in names:
        _closed(session, audit, busiest[0], officer, director)
    if OPEN_NAME not in names:
        _open(session, audit, busiest[1] if len(busiest) > 1 else busiest[0], officer)
    return True


def _busiest_units(session: Session, units: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The units with the most cards in a room, most first."""
    query = (
        select(Asset.unit_id, func.count())
        .where(col(Asset.status) != AssetStatus.DISPOSED, col(Asset.room_id).is_not(None))
        .group_by(col(Asset.unit_id))
        .order_by(func.count().desc(), col(Asset.unit_id))
    )
    if units:
        query = query.where(col(Asset.unit_id).in_(list(units)))
    return [unit for unit, _ in session.exec(query)]


def _start(
    session: Session, audit: AuditLog, unit_id: uuid.UUID, name: str, start: date
) -> Campaign:
    data = CampaignCreate(
        name=name,
        scope=ScopeKind.UNIT,
        unit_id=unit_id,
        planned_start=start,
        planned_end=start + timedelta(days=30),
    )
    made = service.create(session, audit, data=data)
    return service.start(session, audit, made.id)


def _post(session: Session, campaign: Campaign, found: list[tuple[str, uuid.UUID]]) -> None:
    """Scan each (tag, room) found, in batches, with scan ids derived from the campaign, from
    the moment it started on (a scan before its start is refused)."""
    assert campaign.started_at is not None
    at = campaign.started_at
    items = [
        ScanIn(
            scan_id=uuid.uuid5(campaign.id, f"{tag}@{room}"),
            tag=tag,
            room_id=room,
            counter="Demo counter",
            scanned_at=at + timedelta(milliseconds=i),
        )
        for i, (tag, room) in enumerate(found)
    ]
    for i in range(0, len(items), MAX_BATCH):
        batch = ScanBatch(scans=items[i : i + MAX_BATCH])
        scans.post(session, campaign_id=campaign.id, batch=batch, scope=EVERYTHING)


def _cards(session: Session, campaign: Campaign) -> list[tuple[str, uuid.UUID | None]]:
    query = (
        select(Asset.number, Asset.room_id)
        .where(Asset.unit_id == campaign.unit_id, col(Asset.status) != AssetStatus.DISPOSED)
        .order_by(col(Asset.number))
    )
    return list(session.exec(query).all())


def _closed(
    session: Session,
    audit: AuditLog,
    unit_id: uuid.UUID,
    officer: Principal,
    director: Principal,
) -> None:
    token = principal_var.set(officer)
    try:
        campaign = _start(session, audit, unit_id, CLOSED_NAME, date(2025, 12, 1))
        cards = _cards(session, campaign)
        rooms = sorted({room for _, room in cards if room is not None})
        found = [(tag, room) for tag, room in cards if room is not None]
        if len(rooms) > 1:  # the first card turns up in the next room: misplaced
            tag, room = found[0]
            found[0] = (tag, rooms[(rooms.index(room) + 1) % len(rooms)])
        lost = found.pop()[0] if len(found) > 2 else None  # the last one is not found
        found.append((SURPLUS_TAG, rooms[0]))
        _post(session, campaign, found)
        reconcile.reconcile(session, audit, campaign.id)
        pending = reconcile.pending_proposals(session, campaign.id)
        for proposal in pending:
            if proposal.kind == ProposalKind.RELOCATE:
                reconcile.apply(session, audit, campaign.id, proposal.id, card=None)
        principal_var.set(director)
        outbox = Outbox(platform_tables("assets").outbox, source="assets")
        for proposal in pending:
            if proposal.tag == lost and _holds_disposal(session, proposal.asset_id, director):
                reconcile.approve(session, audit, outbox, director, campaign.id, proposal.id)
                continue
            if proposal.kind == ProposalKind.WRITE_OFF:
                reason = "found in the archive store after the count"
            elif proposal.kind == ProposalKind.NEW_CARD:
                reason = "a visitor's item, returned"
            else:
                continue
            reconcile.reject(session, audit, campaign.id, proposal.id, reason=reason)
        principal_var.set(officer)
        reconcile.close(session, audit, campaign.id)
    finally:
        principal_var.reset(token)


def _holds_disposal(session: Session, asset_id: uuid.UUID | None, director: Principal) -> bool:
    """Whether the director's unit holds the disposal right over the card today."""
    if asset_id is None or director.unit_id is None:
        return False
    held = holder_on(session, SubjectKind.ASSET, asset_id, Right.DISPOSAL, today())
    return held is not None and str(held.holding.holder_unit_id) == director.unit_id


def _open(session: Session, audit: AuditLog, unit_id: uuid.UUID, officer: Principal) -> None:
    token = principal_var.set(officer)
    try:
        campaign = _start(session, audit, unit_id, OPEN_NAME, date(2026, 6, 1))
        cards = [(tag, room) for tag, room in _cards(session, campaign) if room is not None]
        _post(session, campaign, cards[: len(cards) // 2])
    finally:
        principal_var.reset(token)
