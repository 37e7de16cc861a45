"""Reconciliation: the adjustments a campaign's results call for, their decisions, and closing.

Rules:
- ``reconcile`` proposes, for each item not found where expected, one adjustment: a
  relocation of a misplaced card to the room it was last scanned in, a write-off of a missing
  card, a new card for a surplus tag. Run again, it keeps the pending proposals that still
  hold, withdraws those the scans since made moot, and adds what is new; decided ones stay;
- a relocation is applied by an officer through the register's move (its rules: a card
  disposed of or awaiting a disposal does not move, the room is in use; lifecycle ``moved``);
- a new card is applied by an officer who says what the item is (category, name, unit,
  value): the register acquires it (its rules: 409 ``NUMBER_TAKEN`` when a card has the tag,
  an active category and room), numbered by its tag, funded ``surplus``, lifecycle
  ``acquired``;
- a write-off (盘亏核销) is a disposal: approving it goes through ``disposals.write_off``,
  so only an ``asset_officer`` or ``director`` of the disposal right's holder approves it,
  never its proposer (403 ``NOT_RIGHT_HOLDER`` / ``SELF_APPROVAL``, 409
  ``NO_DISPOSAL_RIGHT``), a card awaiting a disposal is not written off (409
  ``ASSET_NOT_IN_SERVICE``), and the card is disposed of and written off in finance as an
  approved disposal is. An item scanned since its write-off was proposed is not written off
  (409 ``PROPOSAL_STALE``: reconcile again). A scan arriving after the approval changes
  nothing on the card: the item's outcome becomes found (or misplaced) and the report shows
  it beside its approved write-off;
- any proposal may be rejected with a reason; a decided one is final (409
  ``ALREADY_DECIDED``);
- closing needs every item not found to have a decided proposal (409 ``PROPOSALS_PENDING``,
  ``UNRECONCILED``); a closed campaign is immutable (409 ``CAMPAIGN_CLOSED``).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists
from sqlmodel import Session, col, select

from services.assets.disposals import service as disposals
from services.assets.register import service as register
from services.assets.register.models import Asset, FundSource
from services.assets.register.schemas import AssetCreate, Move
from services.assets.stocktakes import results
from services.assets.stocktakes.access import campaign_in_scope, is_open
from services.assets.stocktakes.models import (
    Campaign,
    CampaignStatus,
    Outcome,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Scan,
)
from services.assets.stocktakes.schemas import (
    ProposalPublic,
    ReconcileReceipt,
    ResultPublic,
    SurplusCard,
)
from shared.audit import AuditLog
from shared.bulk import insert_rows, table_of
from shared.changes import record_change
from shared.context import Principal, actor
from shared.outbox import Outbox
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound
from shared.scope import RowScope
from shared.types import today, utcnow

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
    # one bulk insert: a bureau-wide count proposes thousands
    insert_rows(session.connection(), table_of(Proposal), fresh)
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


def _pending(
    session: Session, campaign_id: uuid.UUID, proposal_id: uuid.UUID
) -> tuple[Campaign, Proposal]:
    """The proposal to decide, with its campaign locked (open) and itself still pending."""
    campaign = campaign_in_scope(session, campaign_id, lock=True)
    is_open(campaign)
    proposal = session.get(Proposal, proposal_id, with_for_update=True)
    if proposal is None or proposal.campaign_id != campaign.id:
        raise NotFound("proposal", proposal_id)
    if proposal.status != ProposalStatus.PENDING:
        raise Conflict("ALREADY_DECIDED", f"proposal {proposal_id} is {proposal.status}")
    return campaign, proposal


def _card(session: Session, proposal: Proposal) -> Asset:
    assert proposal.asset_id is not None  # a relocation's and a write-off's card
    return register.get_asset(session, proposal.asset_id, lock=True)


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
    campaign, proposal = _pending(session, campaign_id, proposal_id)
    if proposal.kind == ProposalKind.WRITE_OFF:
        raise Conflict("NEEDS_APPROVAL", "a write-off is approved, not applied")
    if proposal.kind == ProposalKind.RELOCATE:
        if card is not None:
            raise Invalid("UNEXPECTED_CARD", "a relocation takes no card details")
        move = Move(room_id=proposal.to_room_id, reason=f"{campaign.name}: found elsewhere")
        register.move(session, audit, _card(session, proposal).id, data=move, expected_version=None)
    else:
        if card is None:
            raise Invalid("CARD_DETAILS_REQUIRED", "say what the surplus item is: its card")
        data = AssetCreate(
            number=proposal.tag,
            category_code=card.category_code,
            name=card.name,
            specification=card.specification,
            unit_id=card.unit_id,
            room_id=proposal.to_room_id,
            acquired_on=today(),
            original_value=card.value,
            fund_source=FundSource.SURPLUS,
            reason=f"{campaign.name}: surplus (盘盈)",
        )
        proposal.new_asset_id = register.acquire(session, audit, data=data).id
    return _decided(session, audit, proposal, ProposalStatus.APPLIED, "apply")


def _still_missing(session: Session, proposal: Proposal) -> None:
    """409 ``PROPOSAL_STALE`` when the item has been scanned since its write-off was proposed
    (a write-off is proposed only for an item never scanned in the campaign)."""
    seen = session.exec(
        select(
            exists().where(
                col(Scan.campaign_id) == proposal.campaign_id, col(Scan.tag) == proposal.tag
            )
        )
    ).one()
    if seen:
        raise Conflict(
            "PROPOSAL_STALE",
            f"{proposal.tag} has been scanned since its write-off was proposed: reconcile again",
        )


def approve(
    session: Session,
    audit: AuditLog,
    outbox: Outbox,
    principal: Principal,
    campaign_id: uuid.UUID,
    proposal_id: uuid.UUID,
) -> Proposal:
    """Approve a write-off: a disposal (盘亏核销) decided by the disposal right's holder."""
    campaign, proposal = _pending(session, campaign_id, proposal_id)
    if proposal.kind != ProposalKind.WRITE_OFF:
        raise Conflict("NOT_A_WRITE_OFF", "only a write-off is approved; apply the others")
    _still_missing(session, proposal)
    disposals.write_off(
        session,
        audit,
        outbox,
        principal,
        _card(session, proposal),
        reason=f"{campaign.name}: missing, written off (盘亏核销)",
        proposed_by=proposal.proposed_by,
        day=today(),
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
    _, proposal = _pending(session, campaign_id, proposal_id)
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
