"""Who may reach which campaign, and in which states a campaign takes which changes.

A bureau-wide reader reaches every campaign; a ``unit_liaison`` only the campaigns over its
own unit (a compound's or the whole bureau's campaign is no unit's: the officers run it).
"""

from __future__ import annotations

import uuid

from sqlmodel import Session

from services.assets.stocktakes.models import Campaign, CampaignStatus
from shared.problems import Conflict, NotFound
from shared.scope import RowScope


def campaign_in_scope(
    session: Session,
    campaign_id: uuid.UUID,
    scope: RowScope | None = None,
    *,
    lock: bool = False,
    share: bool = False,
) -> Campaign:
    """The campaign (404 when there is none, 403 when outside ``scope``); ``lock`` holds it
    for a change, ``share`` against one (scans may arrive side by side, not while it closes)."""
    row = session.get(Campaign, campaign_id, with_for_update={"read": share} if lock else None)
    if row is None:
        raise NotFound("stocktake", campaign_id)
    if scope is not None:
        scope.check(unit_id=row.unit_id)
    return row


def not_closed(campaign: Campaign) -> None:
    """409 ``CAMPAIGN_CLOSED``: a closed campaign is immutable."""
    if campaign.status == CampaignStatus.CLOSED:
        raise Conflict("CAMPAIGN_CLOSED", f"stocktake {campaign.id} is closed: nothing changes")


def is_open(campaign: Campaign) -> None:
    """409 unless the campaign was started and is not closed."""
    not_closed(campaign)
    if campaign.status == CampaignStatus.PLANNED:
        raise Conflict(
            "CAMPAIGN_NOT_STARTED", f"stocktake {campaign.id} has not started: start it first"
        )
