"""Reconciliation: the adjustments a campaign's results call for, their decisions, and closing.

Rules:
- ``reconcile`` proposes, for each item not found where expected, one adjustment: a
  relocation of a misplaced card to the room it was last scanned in, a write-off of a missing
  card, a new card for a surplus tag. Run again, it keeps the pending proposals that still
  hold, withdraws those the scans since made moot, and adds what is new; decided ones stay;
- a relocation is applied by an officer: the card moves (lifecycle ``moved``);
- a new card is applied by an officer who says what the item is (category, name, unit,
  value): the card is numbered by its tag (409 ``TAG_TAKEN`` when a card has it), funded
  ``surplus``, lifecycle ``acquired``;
- a write-off needs approval by a ``director`` or an ``asset_officer`` who did not propose it
  (403 ``OWN_PROPOSAL``); approving disposes of the card (lifecycle ``disposed``, reason
  "stocktake write-off");
- any proposal may be rejected with a reason; a decided one is final (409
  ``ALREADY_DECIDED``);
- closing needs every item not found to have a decided proposal (409 ``PROPOSALS_PENDING``,
  ``UNRECONCILED``); a closed campaign is immutable (409 ``CAMPAIGN_CLOSED``).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from services.assets.categories.models import Category
from services.assets.register.lifecycle import actor, record_event
from services.assets.register.models import Asset, AssetStatus, EventKind, FundSource
from services.assets.stocktakes import results
from services.assets.stocktakes.access import campaign_in_scope, is_open
from services.assets.stocktakes.models import (
    Campaign,
    CampaignStatus,
    Outcome,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from services.assets.stocktakes.schemas import (
    ProposalPublic,
    ReconcileReceipt,
    ResultPublic,
    SurplusCard,
)
from shared.audit import AuditLog
from shared.changes import record_change, record_creation, touch
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Forbidden, Invalid, NotFound
from shared.scope import RowScope
from shared.types import today, utcnow

WRITE_OFF_REASON = "stocktake write-off"
P: Any = Proposal.__table__  # type: ignore[attr-defined]
KIND_OF = {
    Outcome.MISPLACED: ProposalKind.RELOCATE,
    Outcome.MISSING: ProposalKind.WRITE_OFF,
    Outcome.SURPLUS: ProposalKind.NEW_CARD,
}


def public(row: Proposal) -> ProposalPublic:
    return ProposalPublic.model_validate(row, from_attributes=True)


def _audited(row: Proposal) -> dict[str, Any]:
    data: dict[str, Any] = public(row).model_dump(mode="json", exclude={"version"})
    return data


def _wanted(item: ResultPublic) -> tuple[Any, ...]:
    """What a proposal for ``item`` says: its kind, card and rooms."""
    kind = KIND_OF[item.outcome]
    to_room = item.found_room_id if kind != ProposalKind.WRITE_OFF else None
    return kind, item.asset_id, item.expected_room_id, to_room


def _says(p: Proposal) -> tuple[Any, ...]:
    return p.kind, p.asset_id, p.from_room_id, p.to_room_id


def reconcile(session: Session, audit: AuditLog, campaign_id: uuid.UUID) -> ReconcileReceipt:
    campaign = campaign_in_scope(session, campaign_id, lock=True)
    is_open(campaign)
    wanted = {item.tag: _wanted(item) for item in results.not_found(session, campaign.id)}
    existing = {
        p.tag: p for p in session.exec(select(Proposal).where(Proposal.campaign_id == campaign.id))
    }
    moot = {
        p.id
        for tag, p in existing.items()
        if p.status == ProposalStatus.PENDING and wanted.get(tag) != _says(p)
    }
    for p in existing.values():
        if p.id in moot:
            session.delete(p)
    session.flush()  # the withdrawn ones go before a new one for the same tag comes
    kept = sum(
        1 for tag, p in existing.items() if p.status == ProposalStatus.PENDING and p.id not in moot
    )
    stay = {tag for tag, p in existing.items() if p.id not in moot}
    by = actor()
    now = utcnow()
    fresh = [
        {
            "id": uuid.uuid4(),
            "campaign_id": campaign.id,
            "kind": kind,
            "tag": tag,
            "asset_id": asset_id,
            "from_room_id": from_room,
            "to_room_id": to_room,
            "status": ProposalStatus.PENDING,
            "proposed_by": by,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for tag, (kind, asset_id, from_room, to_room) in wanted.items()
        if tag not in stay
    ]
    if fresh:  # one multi-row insert: a bureau-wide count proposes thousands
        session.execute(insert(P), fresh)
    receipt = ReconcileReceipt(
        created=len(fresh), kept=kept, withdrawn=len(moot), pending=kept + len(fresh)
    )
    audit.record(
        session,
        action="stocktake.reconcile",
        resource_type="stocktake",
        resource_id=campaign.id,
        after=receipt.model_dump(),
    )
    return receipt


def list_proposals(
    session: Session,
    params: PageParams,
    campaign_id: uuid.UUID,
    scope: RowScope,
    *,
    kind: ProposalKind | None,
    status: ProposalStatus | None,
) -> Page[ProposalPublic]:
    campaign_in_scope(session, campaign_id, scope)
    query = select(Proposal).where(Proposal.campaign_id == campaign_id)
    if kind is not None:
        query = query.where(col(Proposal.kind) == kind)
    if status is not None:
        query = query.where(col(Proposal.status) == status)
    return paginate(session, query, params, col(Proposal.tag), view=public)


def pending_proposals(session: Session, campaign_id: uuid.UUID) -> list[Proposal]:
    """The campaign's proposals awaiting a decision, by tag."""
    query = select(Proposal).where(
        Proposal.campaign_id == campaign_id, Proposal.status == ProposalStatus.PENDING
    )
    return list(session.exec(query.order_by(col(Proposal.tag))))


def _pending(session: Session, campaign_id: uuid.UUID, proposal_id: uuid.UUID) -> Proposal:
    """The proposal to decide, with its campaign locked (open) and itself still pending."""
    campaign = campaign_in_scope(session, campaign_id, lock=True)
    is_open(campaign)
    proposal = session.get(Proposal, proposal_id, with_for_update=True)
    if proposal is None or proposal.campaign_id != campaign.id:
        raise NotFound("proposal", proposal_id)
    if proposal.status != ProposalStatus.PENDING:
        raise Conflict("ALREADY_DECIDED", f"proposal {proposal_id} is {proposal.status}")
    return proposal


def _card(session: Session, proposal: Proposal) -> Asset:
    asset = session.get(Asset, proposal.asset_id, with_for_update=True)
    if asset is None:  # the foreign key keeps it; a card is never deleted
        raise NotFound("asset", proposal.asset_id)
    if asset.status == AssetStatus.DISPOSED:
        raise Conflict("ASSET_DISPOSED", f"asset {asset.number} was disposed of meanwhile")
    return asset


def _decided(
    session: Session, audit: AuditLog, proposal: Proposal, status: ProposalStatus, verb: str
) -> Proposal:
    before = _audited(proposal)
    proposal.status = status
    proposal.decided_by = actor()
    proposal.decided_at = utcnow()
    return record_change(
        session,
        audit,
        proposal,
        action=f"stocktake.proposal.{verb}",
        resource_type="stocktake_proposal",
        before=before,
        after_view=_audited,
    )


def apply(
    session: Session,
    audit: AuditLog,
    campaign_id: uuid.UUID,
    proposal_id: uuid.UUID,
    *,
    card: SurplusCard | None,
) -> Proposal:
    """Apply a relocation (no body) or register a surplus item's card (its details)."""
    proposal = _pending(session, campaign_id, proposal_id)
    if proposal.kind == ProposalKind.WRITE_OFF:
        raise Conflict("NEEDS_APPROVAL", "a write-off is approved, not applied")
    if proposal.kind == ProposalKind.RELOCATE:
        if card is not None:
            raise Invalid("UNEXPECTED_CARD", "a relocation takes no card details")
        _change_card(
            session,
            audit,
            proposal,
            kind=EventKind.MOVED,
            reason="stocktake: found elsewhere",
            room_id=proposal.to_room_id,
        )
    else:
        if card is None:
            raise Invalid("CARD_DETAILS_REQUIRED", "say what the surplus item is: its card")
        _register(session, audit, proposal, card)
    return _decided(session, audit, proposal, ProposalStatus.APPLIED, "apply")


def _change_card(
    session: Session,
    audit: AuditLog,
    proposal: Proposal,
    *,
    kind: EventKind,
    reason: str,
    **fields: Any,
) -> None:
    """Set ``fields`` on the proposal's card (not disposed of meanwhile) and record the step."""
    asset = _card(session, proposal)
    details: dict[str, Any] = {"stocktake_id": proposal.campaign_id}
    if "room_id" in fields:
        details |= {"from_room_id": asset.room_id, "room_id": fields["room_id"]}
    for name, value in fields.items():
        setattr(asset, name, value)
    touch(asset)
    session.add(asset)
    record_event(
        session, audit, asset, kind=kind, occurred_on=today(), reason=reason, details=details
    )


def _register(session: Session, audit: AuditLog, proposal: Proposal, card: SurplusCard) -> None:
    category = session.get(Category, card.category_code)
    if category is None or not category.active:
        raise Invalid("UNKNOWN_CATEGORY", f"category {card.category_code} does not exist")
    if session.exec(select(Asset.id).where(Asset.number == proposal.tag)).first() is not None:
        raise Conflict(
            "TAG_TAKEN", f"a card numbered {proposal.tag} exists: reject this proposal instead"
        )
    asset = Asset(
        number=proposal.tag,
        category_code=card.category_code,
        name=card.name,
        specification=card.specification,
        unit_id=card.unit_id,
        room_id=proposal.to_room_id,
        acquired_on=today(),
        original_value=card.value,
        value=card.value,
        fund_source=FundSource.SURPLUS,
    )
    record_creation(
        session,
        audit,
        asset,
        action="asset.create",
        resource_type="asset",
        after={"number": asset.number, "stocktake_id": proposal.campaign_id},
    )
    record_event(
        session,
        audit,
        asset,
        kind=EventKind.ACQUIRED,
        occurred_on=asset.acquired_on,
        reason="stocktake surplus (盘盈)",
        details={"stocktake_id": proposal.campaign_id, "value": card.value},
    )
    proposal.new_asset_id = asset.id


def approve(
    session: Session, audit: AuditLog, campaign_id: uuid.UUID, proposal_id: uuid.UUID
) -> Proposal:
    """Approve a write-off: never by its proposer; the card is disposed of."""
    proposal = _pending(session, campaign_id, proposal_id)
    if proposal.kind != ProposalKind.WRITE_OFF:
        raise Conflict("NOT_A_WRITE_OFF", "only a write-off is approved; apply the others")
    if actor() == proposal.proposed_by:
        raise Forbidden(
            "OWN_PROPOSAL", "a write-off is approved by a director or another asset officer"
        )
    _change_card(
        session,
        audit,
        proposal,
        kind=EventKind.DISPOSED,
        reason=WRITE_OFF_REASON,
        status=AssetStatus.DISPOSED,
        disposed_on=today(),
    )
    return _decided(session, audit, proposal, ProposalStatus.APPROVED, "approve")


def reject(
    session: Session,
    audit: AuditLog,
    campaign_id: uuid.UUID,
    proposal_id: uuid.UUID,
    *,
    reason: str,
) -> Proposal:
    proposal = _pending(session, campaign_id, proposal_id)
    proposal.reason = reason
    return _decided(session, audit, proposal, ProposalStatus.REJECTED, "reject")


def close(session: Session, audit: AuditLog, campaign_id: uuid.UUID) -> Campaign:
    """Close the campaign once every item not found has a decided proposal."""
    campaign = campaign_in_scope(session, campaign_id, lock=True)
    is_open(campaign)
    proposals = {
        p.tag: p.status
        for p in session.exec(select(Proposal).where(Proposal.campaign_id == campaign.id))
    }
    pending = sum(1 for s in proposals.values() if s == ProposalStatus.PENDING)
    if pending:
        raise Conflict("PROPOSALS_PENDING", f"{pending} proposals await a decision")
    open_items = [i.tag for i in results.not_found(session, campaign.id) if i.tag not in proposals]
    if open_items:
        raise Conflict(
            "UNRECONCILED",
            f"{len(open_items)} items have no proposal (reconcile again): "
            + ", ".join(open_items[:5]),
        )
    before = {"status": str(campaign.status)}
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = utcnow()
    campaign.closed_by = actor()
    summary = results.summary(session, campaign)
    return record_change(
        session,
        audit,
        campaign,
        action="stocktake.close",
        resource_type="stocktake",
        before=before,
        after=summary.model_dump(mode="json"),
    )
