"""Campaigns: create, correct, start (freezing the expected list), read. Functions only flush.

Rules:
- a ``unit`` campaign names its unit, a ``compound`` campaign an existing compound, an ``all``
  campaign neither (422 ``SCOPE_MISMATCH`` otherwise); planned dates are in order;
- starting freezes the expected list in one ``INSERT … SELECT``: every card in scope that is
  not disposed, with its number, room, unit and custodian as the card said then;
- a closed campaign is immutable (409 ``CAMPAIGN_CLOSED``).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, insert, literal
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from services.assets.realestate.models import Compound, Room
from services.assets.register.models import Asset, AssetStatus
from services.assets.stocktakes.access import campaign_in_scope, not_closed
from services.assets.stocktakes.models import Campaign, CampaignStatus, ExpectedItem, ScopeKind
from services.assets.stocktakes.schemas import CampaignCreate, CampaignPublic, CampaignUpdate
from shared.audit import AuditLog
from shared.bulk import table_of
from shared.changes import apply_update, record_change, record_creation
from shared.context import actor
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid
from shared.scope import RowScope
from shared.types import utcnow

E: Any = table_of(ExpectedItem)


def public(row: Campaign) -> CampaignPublic:
    return CampaignPublic.model_validate(row, from_attributes=True)


def _audited(row: Campaign) -> dict[str, Any]:
    data: dict[str, Any] = public(row).model_dump(mode="json", exclude={"version"})
    return data


def _check_dates(row: Campaign | CampaignCreate) -> None:
    if row.planned_end < row.planned_start:
        raise Invalid("DATES_OUT_OF_ORDER", "planned_end is before planned_start")


def create(session: Session, audit: AuditLog, *, data: CampaignCreate) -> Campaign:
    wanted = {
        ScopeKind.UNIT: (data.unit_id is not None, data.compound_id is None),
        ScopeKind.COMPOUND: (data.compound_id is not None, data.unit_id is None),
        ScopeKind.ALL: (data.unit_id is None, data.compound_id is None),
    }[data.scope]
    if not all(wanted):
        raise Invalid(
            "SCOPE_MISMATCH",
            "scope unit names unit_id only, scope compound compound_id only, scope all neither",
        )
    if data.compound_id is not None and session.get(Compound, data.compound_id) is None:
        raise Invalid("UNKNOWN_COMPOUND", f"compound {data.compound_id} does not exist")
    _check_dates(data)
    row = Campaign(**data.model_dump(), created_by=actor())
    return record_creation(
        session,
        audit,
        row,
        action="stocktake.create",
        resource_type="stocktake",
        after=_audited(row),
    )


def update(
    session: Session,
    audit: AuditLog,
    campaign_id: uuid.UUID,
    *,
    data: CampaignUpdate,
    expected_version: int | None,
) -> Campaign:
    """Rename a campaign or move its planned dates (``If-Match``), until it is closed."""
    row = campaign_in_scope(session, campaign_id, lock=True)
    not_closed(row)
    apply_update(
        session,
        audit,
        row,
        data.model_dump(exclude_unset=True),
        resource_type="stocktake",
        view=_audited,
        expected_version=expected_version,
    )
    _check_dates(row)
    return row


def _frozen(campaign: Campaign) -> Any:
    """The campaign's expected rows as a select: the cards in scope that are not disposed."""
    query = core_select(
        literal(campaign.id, E.c.campaign_id.type),
        col(Asset.id),
        col(Asset.number),
        col(Asset.name),
        col(Asset.room_id),
        col(Asset.unit_id),
        col(Asset.custodian_id),
    ).where(col(Asset.status) != AssetStatus.DISPOSED)
    if campaign.scope == ScopeKind.UNIT:
        query = query.where(col(Asset.unit_id) == campaign.unit_id)
    elif campaign.scope == ScopeKind.COMPOUND:
        query = query.join(Room, col(Room.id) == col(Asset.room_id)).where(
            col(Room.compound_id) == campaign.compound_id
        )
    return query


def start(session: Session, audit: AuditLog, campaign_id: uuid.UUID) -> Campaign:
    """Open the campaign and freeze its expected list (409 unless it is planned)."""
    row = campaign_in_scope(session, campaign_id, lock=True)
    not_closed(row)
    if row.status != CampaignStatus.PLANNED:
        raise Conflict("ALREADY_STARTED", f"stocktake {campaign_id} was started already")
    conn = session.connection()
    columns = ["campaign_id", "asset_id", "number", "name", "room_id", "unit_id", "custodian_id"]
    conn.execute(insert(E).from_select(columns, _frozen(row)))
    count = conn.execute(
        select(func.count()).select_from(E).where(E.c.campaign_id == row.id)
    ).scalar_one()
    before = _audited(row)
    row.status = CampaignStatus.OPEN
    row.started_at = utcnow()
    row.started_by = actor()
    row.expected_count = int(count)
    return record_change(
        session,
        audit,
        row,
        action="stocktake.start",
        resource_type="stocktake",
        before=before,
        after_view=_audited,
    )


def get(session: Session, campaign_id: uuid.UUID, scope: RowScope) -> Campaign:
    return campaign_in_scope(session, campaign_id, scope)


def list_campaigns(
    session: Session,
    params: PageParams,
    scope: RowScope,
    *,
    status: CampaignStatus | None,
    unit_id: uuid.UUID | None,
) -> Page[CampaignPublic]:
    """Campaigns, newest first; a liaison sees its own unit's only."""
    scope.check_filters(unit_id=unit_id)
    query = select(Campaign)
    limit = scope.condition(col(Campaign.unit_id))
    if limit is not None:
        query = query.where(limit)
    if status is not None:
        query = query.where(col(Campaign.status) == status)
    if unit_id is not None:
        query = query.where(col(Campaign.unit_id) == unit_id)
    order = (col(Campaign.created_at).desc(), col(Campaign.id))
    return paginate(session, query, params, *order, view=public)
