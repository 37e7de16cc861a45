"""Disposals (处置): requested by the asset officer, decided by the disposal right's holder.

- A request names the asset, the kind (sale, scrapping, transfer out, donation), the reason,
  the disposal date (not in the future, not before the acquisition) and, for a sale only, the
  proceeds (more than zero; 422 ``PROCEEDS_REQUIRED`` / ``PROCEEDS_NOT_ALLOWED``); everything
  but scrapping names its counterparty (422 ``COUNTERPARTY_REQUIRED``). The asset must be in
  use or idle (409 ``ASSET_STATE``); it goes ``pending_disposal``, one open disposal an asset
  (409 ``DISPOSAL_OPEN``, with a partial unique index behind it).
- Only the holder of the disposal right over the asset on the day of the decision decides
  (``rights.service.holder_on``, inherited from the room and building): nobody holds it →
  409 ``NO_DISPOSAL_RIGHT``; the decider is an ``asset_officer`` or ``director`` whose token's
  ``unit_id`` is the holder's unit, else 403 ``NOT_RIGHT_HOLDER``; never the requester (403
  ``SELF_APPROVAL``: maker–checker).
- Approval disposes of the card (``disposed``, ``disposed_on`` = the disposal date) and, for
  a sale, queues the proceeds for finance as ``revenue.received`` (kind ``disposal``, the
  asset's unit) in the same unit of work; the relay delivers it, finance books it once.
  The card is written off in finance (``asset.disposed``: Dr 1602 / Dr 5301 / Cr 1601) once
  its disposal's month has been depreciated: now, if that month has been run, else by the run
  of that month (``depreciation.writeoff``). Rejection gives the card back its status before
  the request.
- A stocktake's write-off of a missing item (盘亏核销, kind ``write_off``) is a disposal too,
  made only through ``write_off`` (422 ``WRITE_OFF_BY_STOCKTAKE`` on a request): the card is in
  use or idle (409 ``ASSET_NOT_IN_SERVICE``: not already awaiting a disposal), the approver is
  checked as above (the proposer is the requester), and the disposal is recorded approved;
  the card is disposed of exactly as an approval does.
- Depreciation charges the month of the disposal and none after: a disposal dated before a
  month the asset was already depreciated for is refused (409
  ``DEPRECIATED_AFTER_DISPOSAL``), at the request and again at approval.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from services.assets.depreciation import writeoff
from services.assets.depreciation.charges import period_of
from services.assets.depreciation.models import DepreciationCharge
from services.assets.disposals.models import Disposal, DisposalKind, DisposalStatus
from services.assets.disposals.schemas import DisposalCreate, DisposalPublic
from services.assets.register.lifecycle import record_event
from services.assets.register.models import Asset, AssetStatus, EventKind
from services.assets.rights.models import Right, SubjectKind
from services.assets.rights.service import holder_on
from shared.audit import AuditLog
from shared.changes import record_change, record_creation, touch
from shared.concurrency import check_version
from shared.context import Principal, actor
from shared.outbox import Outbox
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Forbidden, Invalid, NotFound
from shared.scope import RowScope, claim_uuid
from shared.types import today, utcnow

REVENUE_EVENT = "revenue.received"
FINANCE = "finance"
_DISPOSABLE = frozenset({AssetStatus.IN_USE, AssetStatus.IDLE})


def public(disposal: Disposal) -> DisposalPublic:
    return DisposalPublic.model_validate(disposal, from_attributes=True)


def _check_terms(data: DisposalCreate) -> None:
    if data.kind == DisposalKind.WRITE_OFF:
        raise Invalid(
            "WRITE_OFF_BY_STOCKTAKE", "a write-off (盘亏核销) is approved from a stocktake only"
        )
    if data.kind == DisposalKind.SALE and data.proceeds is None:
        raise Invalid("PROCEEDS_REQUIRED", "a sale states its proceeds")
    if data.kind != DisposalKind.SALE and data.proceeds is not None:
        raise Invalid("PROCEEDS_NOT_ALLOWED", f"a {data.kind.value} brings in no proceeds")
    if data.kind != DisposalKind.SCRAPPING and data.counterparty is None:
        raise Invalid("COUNTERPARTY_REQUIRED", f"a {data.kind.value} names its counterparty")
    if data.disposal_date > today():
        raise Invalid("FUTURE_DATE", "a disposal cannot be dated in the future")


def _check_depreciation(session: Session, asset: Asset, disposal_date: Any) -> None:
    """Refuse a disposal dated before a month the asset was already depreciated for."""
    latest = session.exec(
        select(func.max(DepreciationCharge.period)).where(DepreciationCharge.asset_id == asset.id)
    ).one()
    if latest is not None and latest > period_of(disposal_date):
        raise Conflict(
            "DEPRECIATED_AFTER_DISPOSAL",
            f"asset {asset.number} was depreciated for {latest}, after a disposal dated "
            f"{disposal_date}; date the disposal in {latest} or later",
            depreciated_until=latest,
        )


def create(session: Session, audit: AuditLog, *, data: DisposalCreate) -> Disposal:
    _check_terms(data)
    asset = session.get(Asset, data.asset_id, with_for_update=True)
    if asset is None:
        raise Invalid("UNKNOWN_ASSET", f"asset {data.asset_id} does not exist")
    if asset.status == AssetStatus.PENDING_DISPOSAL:
        raise Conflict("DISPOSAL_OPEN", f"asset {asset.number} has a disposal awaiting decision")
    if asset.status not in _DISPOSABLE:
        raise Conflict(
            "ASSET_STATE", f"asset {asset.number} is {asset.status}; it cannot be disposed of"
        )
    if data.disposal_date < asset.acquired_on:
        raise Invalid("BEFORE_ACQUISITION", f"asset {asset.number} was acquired later")
    _check_depreciation(session, asset, data.disposal_date)
    disposal = Disposal(
        **data.model_dump(),
        unit_id=asset.unit_id,
        asset_status_before=asset.status,
        requested_by=actor(),
        requested_at=utcnow(),
    )
    asset.status = AssetStatus.PENDING_DISPOSAL
    touch(asset)
    session.add(asset)
    record_creation(
        session,
        audit,
        disposal,
        action="disposal.requested",
        resource_type="disposal",
        after=public(disposal).model_dump(mode="json", exclude={"version"}),
    )
    record_event(
        session,
        audit,
        asset,
        kind=EventKind.DISPOSAL_REQUESTED,
        occurred_on=today(),
        reason=data.reason,
        details={"disposal_id": disposal.id, "kind": data.kind, "proceeds": data.proceeds},
    )
    return disposal


def get(session: Session, disposal_id: uuid.UUID, scope: RowScope) -> Disposal:
    """One disposal (a liaison: its unit's; staff: of an asset they keep)."""
    row = session.exec(
        select(Disposal, Asset.custodian_id)
        .join(Asset, col(Asset.id) == Disposal.asset_id)
        .where(Disposal.id == disposal_id)
    ).first()
    if row is None:
        raise NotFound("disposal", disposal_id)
    disposal, custodian = row
    scope.check(unit_id=disposal.unit_id, staff_id=custodian)
    return disposal


def search(
    session: Session,
    params: PageParams,
    scope: RowScope,
    *,
    status: DisposalStatus | None,
    unit_id: uuid.UUID | None,
    kind: DisposalKind | None,
) -> Page[DisposalPublic]:
    """Disposals, newest request first, within the caller's scope."""
    scope.check_filters(unit_id=unit_id)
    query = select(Disposal).join(Asset, col(Asset.id) == Disposal.asset_id)
    limit = scope.condition(col(Disposal.unit_id), col(Asset.custodian_id))
    if limit is not None:
        query = query.where(limit)
    if status is not None:
        query = query.where(Disposal.status == status)
    if unit_id is not None:
        query = query.where(Disposal.unit_id == unit_id)
    if kind is not None:
        query = query.where(Disposal.kind == kind)
    return paginate(session, query, params, col(Disposal.requested_at).desc(), view=public)


def _locked(session: Session, disposal_id: uuid.UUID, expected: int | None) -> Disposal:
    disposal = session.get(Disposal, disposal_id, with_for_update=True, populate_existing=True)
    if disposal is None:
        raise NotFound("disposal", disposal_id)
    check_version("disposal", disposal.version, expected)
    if disposal.status != DisposalStatus.PENDING:
        raise Conflict(
            "DISPOSAL_STATE", f"the disposal is {disposal.status}; it was decided already"
        )
    return disposal


def _check_decider(session: Session, principal: Principal, disposal: Disposal) -> uuid.UUID:
    """The holder's unit, when the caller may decide for it (else a problem)."""
    if principal.sub == disposal.requested_by:
        raise Forbidden("SELF_APPROVAL", "the requester of a disposal cannot decide it")
    held = holder_on(session, SubjectKind.ASSET, disposal.asset_id, Right.DISPOSAL, today())
    if held is None:
        raise Conflict("NO_DISPOSAL_RIGHT", "nobody holds the disposal right over this asset today")
    holder = held.holding.holder_unit_id
    if holder is None or holder != claim_uuid(principal.unit_id):
        raise Forbidden(
            "NOT_RIGHT_HOLDER",
            f"the disposal right is held by {held.holding.holder_name}; only its officer "
            "or director decides",
        )
    return holder


def _decided(
    disposal: Disposal, principal: Principal, status: DisposalStatus, holder: uuid.UUID
) -> None:
    disposal.status = status
    disposal.decided_by = principal.sub
    disposal.decided_at = utcnow()
    disposal.holder_unit_id = holder


def _dispose(
    session: Session,
    audit: AuditLog,
    outbox: Outbox,
    principal: Principal,
    disposal: Disposal,
    asset: Asset,
) -> None:
    """What an approved disposal does: the card disposed of on the disposal date, a sale's
    proceeds queued for finance, the card written off in finance if its month has run."""
    _check_depreciation(session, asset, disposal.disposal_date)
    asset.status = AssetStatus.DISPOSED
    asset.disposed_on = disposal.disposal_date
    touch(asset)
    session.add(asset)
    if disposal.kind == DisposalKind.SALE:
        assert disposal.proceeds is not None  # a sale's request states both
        assert disposal.counterparty is not None
        [disposal.proceeds_event_id] = outbox.publish(
            session,
            REVENUE_EVENT,
            {
                "unit_id": asset.unit_id,
                "kind": "disposal",
                "amount": f"{disposal.proceeds:.2f}",
                "received_on": disposal.disposal_date,
                "payer": disposal.counterparty,
                "reference": f"disposal of asset {asset.number}",
            },
            [FINANCE],
        )
    written_off = writeoff.write_off_if_run(session, outbox, asset)
    record_event(
        session,
        audit,
        asset,
        kind=EventKind.DISPOSED,
        occurred_on=disposal.disposal_date,
        reason=disposal.reason,
        details={
            "disposal_id": disposal.id,
            "kind": disposal.kind,
            "proceeds": disposal.proceeds,
            "approved_by": principal.sub,
            "write_off_event_id": written_off.event_id if written_off else None,
        },
    )


def approve(
    session: Session,
    audit: AuditLog,
    outbox: Outbox,
    principal: Principal,
    disposal_id: uuid.UUID,
    *,
    expected_version: int | None,
) -> Disposal:
    disposal = _locked(session, disposal_id, expected_version)
    holder = _check_decider(session, principal, disposal)
    asset = session.get(Asset, disposal.asset_id, with_for_update=True)
    assert asset is not None  # a disposal's asset is never deleted
    _decided(disposal, principal, DisposalStatus.APPROVED, holder)
    _dispose(session, audit, outbox, principal, disposal, asset)
    return record_change(
        session,
        audit,
        disposal,
        action="disposal.approved",
        resource_type="disposal",
        before={"status": DisposalStatus.PENDING},
        after={"status": disposal.status, "proceeds_event_id": disposal.proceeds_event_id},
        principal=principal,
    )


def write_off(
    session: Session,
    audit: AuditLog,
    outbox: Outbox,
    principal: Principal,
    asset: Asset,
    *,
    reason: str,
    proposed_by: str,
    day: date,
) -> Disposal:
    """盘亏核销: ``principal`` approves the write-off of ``asset`` (locked by the caller) that
    ``proposed_by`` proposed; the disposal is recorded approved and the card disposed of."""
    if asset.status not in _DISPOSABLE:
        raise Conflict("ASSET_NOT_IN_SERVICE", f"asset {asset.number} is {asset.status}")
    if day < asset.acquired_on:
        raise Invalid("BEFORE_ACQUISITION", f"asset {asset.number} was acquired later")
    disposal = Disposal(
        asset_id=asset.id,
        unit_id=asset.unit_id,
        kind=DisposalKind.WRITE_OFF,
        reason=reason,
        disposal_date=day,
        asset_status_before=asset.status,
        requested_by=proposed_by,
        requested_at=utcnow(),
    )
    holder = _check_decider(session, principal, disposal)
    _decided(disposal, principal, DisposalStatus.APPROVED, holder)
    record_creation(
        session,
        audit,
        disposal,
        action="disposal.written_off",
        resource_type="disposal",
        after=public(disposal).model_dump(mode="json", exclude={"version"}),
        principal=principal,
    )
    _dispose(session, audit, outbox, principal, disposal, asset)
    return disposal


def reject(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    disposal_id: uuid.UUID,
    *,
    reason: str,
    expected_version: int | None,
) -> Disposal:
    disposal = _locked(session, disposal_id, expected_version)
    holder = _check_decider(session, principal, disposal)
    asset = session.get(Asset, disposal.asset_id, with_for_update=True)
    assert asset is not None
    asset.status = AssetStatus(disposal.asset_status_before)
    touch(asset)
    session.add(asset)
    _decided(disposal, principal, DisposalStatus.REJECTED, holder)
    disposal.decision_note = reason
    record_event(
        session,
        audit,
        asset,
        kind=EventKind.DISPOSAL_REJECTED,
        occurred_on=today(),
        reason=reason,
        details={"disposal_id": disposal.id, "rejected_by": principal.sub},
    )
    return record_change(
        session,
        audit,
        disposal,
        action="disposal.rejected",
        resource_type="disposal",
        before={"status": DisposalStatus.PENDING},
        after={"status": disposal.status, "reason": reason},
        principal=principal,
    )
