"""A campaign's report as an XLSX workbook: one row per item (what needs a decision first), with
its rooms by code and the proposal made for it and its decision."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, col, select

from services.assets.realestate.models import Room
from services.assets.stocktakes import results
from services.assets.stocktakes.access import campaign_in_scope
from services.assets.stocktakes.models import Campaign, Proposal
from shared import tabular
from shared.scope import RowScope

HEADERS = (
    "outcome",
    "tag",
    "asset name",
    "expected room",
    "found room",
    "unit",
    "custodian",
    "scans",
    "proposal",
    "proposal status",
    "decided by",
    "reason",
)


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def rows(session: Session, campaign: Campaign) -> Iterator[list[Any]]:
    rooms = dict(session.exec(select(Room.id, Room.code)).all())
    proposals = {
        p.tag: p
        for p in session.exec(select(Proposal).where(col(Proposal.campaign_id) == campaign.id))
    }
    for item in results.every(session, campaign.id):
        p = proposals.get(item.tag)
        yield [
            item.outcome.value,
            item.tag,
            item.name,
            rooms.get(item.expected_room_id) if item.expected_room_id else None,
            rooms.get(item.found_room_id) if item.found_room_id else None,
            _text(item.unit_id),
            _text(item.custodian_id),
            item.scans,
            str(p.kind) if p else None,
            str(p.status) if p else None,
            p.decided_by if p else None,
            p.reason if p else None,
        ]


def workbook(session: Session, campaign_id: uuid.UUID, scope: RowScope) -> bytes:
    """The report of a campaign in ``scope``."""
    campaign = campaign_in_scope(session, campaign_id, scope)
    return tabular.write_xlsx(HEADERS, rows(session, campaign), title="stocktake")
