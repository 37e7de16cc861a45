"""Routes of the stocktakes (清查盘点): campaigns, scans, results, proposals, closing, report."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Body, Depends, Response, status

from services.assets.roles import AUDITOR, DIRECTOR, LIAISON, OFFICER, ScopeDep, manage
from services.assets.stocktakes import reconcile, report, results, scans, service
from services.assets.stocktakes.models import (
    Campaign,
    CampaignStatus,
    Outcome,
    ProposalKind,
    ProposalStatus,
)
from services.assets.stocktakes.schemas import (
    CampaignCreate,
    CampaignPublic,
    CampaignUpdate,
    ProposalPublic,
    ReconcileReceipt,
    Rejection,
    ResultPublic,
    ResultSummary,
    ScanBatch,
    ScanReceipt,
    SurplusCard,
)
from shared import tabular
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.context import Principal
from shared.db import SessionDep
from shared.outbox import OutboxDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["stocktakes"])
# readers of campaigns: the officers and the bureau's readers, a liaison its own unit's
read_stocktakes = [Depends(require_roles(OFFICER, DIRECTOR, AUDITOR, LIAISON))]
# who posts scans: an officer, or a liaison in its own unit's campaign
scan = [Depends(require_roles(OFFICER, LIAISON))]
# who rejects a proposal, or approves a write-off (the disposal right's holder's officer or
# director, never its proposer)
decide = [Depends(require_roles(OFFICER, DIRECTOR))]
Decider = Annotated[Principal, Depends(require_roles(OFFICER, DIRECTOR))]


def _answer(row: Campaign, response: Response) -> CampaignPublic:
    response.headers["ETag"] = etag(row.version)
    return service.public(row)


@router.get("/stocktakes", dependencies=read_stocktakes)
def list_campaigns(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    status: CampaignStatus | None = None,
    unit_id: uuid.UUID | None = None,
) -> Page[CampaignPublic]:
    """Campaigns, newest first (a liaison sees its own unit's)."""
    return service.list_campaigns(session, params, scope, status=status, unit_id=unit_id)


@router.post("/stocktakes", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_campaign(
    session: SessionDep, audit: AuditDep, body: CampaignCreate, response: Response
) -> CampaignPublic:
    """Plan a campaign over a unit, a compound or everything."""
    row = service.create(session, audit, data=body)
    response.headers["Location"] = f"/stocktakes/{row.id}"
    return _answer(row, response)


@router.get("/stocktakes/{campaign_id}", dependencies=read_stocktakes)
def get_campaign(
    session: SessionDep, scope: ScopeDep, campaign_id: uuid.UUID, response: Response
) -> CampaignPublic:
    """One campaign (``ETag`` carries its version)."""
    return _answer(service.get(session, campaign_id, scope), response)


@router.patch("/stocktakes/{campaign_id}", dependencies=manage)
def update_campaign(
    session: SessionDep,
    audit: AuditDep,
    campaign_id: uuid.UUID,
    body: CampaignUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> CampaignPublic:
    """Rename a campaign or move its planned dates (``If-Match``), until it is closed."""
    row = service.update(session, audit, campaign_id, data=body, expected_version=expected)
    return _answer(row, response)


@router.post("/stocktakes/{campaign_id}/start", dependencies=manage)
def start_campaign(
    session: SessionDep, audit: AuditDep, campaign_id: uuid.UUID, response: Response
) -> CampaignPublic:
    """Open the campaign: its expected list (the cards in scope, not disposed) is frozen."""
    return _answer(service.start(session, audit, campaign_id), response)


@router.post("/stocktakes/{campaign_id}/scans", dependencies=scan)
def post_scans(
    session: SessionDep, scope: ScopeDep, campaign_id: uuid.UUID, body: ScanBatch
) -> ScanReceipt:
    """Up to 500 scans; a scan id seen before changes nothing (the receipt counts them)."""
    return scans.post(session, campaign_id=campaign_id, batch=body, scope=scope)


@router.get("/stocktakes/{campaign_id}/results", dependencies=read_stocktakes)
def list_results(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    campaign_id: uuid.UUID,
    outcome: Outcome | None = None,
) -> Page[ResultPublic]:
    """Each item's outcome (found, misplaced, missing, surplus) by tag."""
    return results.page(session, campaign_id, scope, params, outcome=outcome)


@router.get("/stocktakes/{campaign_id}/summary", dependencies=read_stocktakes)
def summary(session: SessionDep, scope: ScopeDep, campaign_id: uuid.UUID) -> ResultSummary:
    """How many items of each outcome, and how many scans."""
    return results.summary_in_scope(session, campaign_id, scope)


@router.get(
    "/stocktakes/{campaign_id}/report.xlsx",
    dependencies=read_stocktakes,
    response_class=Response,
    responses=tabular.file_responses("The campaign's report"),
)
def export_report(session: SessionDep, scope: ScopeDep, campaign_id: uuid.UUID) -> Response:
    """The report: one row per item with its outcome, rooms, proposal and decision (an item
    scanned after its write-off was approved shows found, beside its approved write-off)."""
    return Response(
        report.workbook(session, campaign_id, scope),
        media_type=tabular.TabularFormat.XLSX.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="stocktake-{campaign_id}.xlsx"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/stocktakes/{campaign_id}/reconcile", dependencies=manage)
def reconcile_campaign(
    session: SessionDep, audit: AuditDep, campaign_id: uuid.UUID
) -> ReconcileReceipt:
    """Propose a relocation per misplaced item, a write-off per missing one, a new card per
    surplus tag (run again: keeps what holds, withdraws what no longer does)."""
    return reconcile.reconcile(session, audit, campaign_id)


@router.get("/stocktakes/{campaign_id}/proposals", dependencies=read_stocktakes)
def list_proposals(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    campaign_id: uuid.UUID,
    kind: ProposalKind | None = None,
    status: ProposalStatus | None = None,
) -> Page[ProposalPublic]:
    """The campaign's proposals by tag, filtered by kind or status."""
    return reconcile.list_proposals(session, params, campaign_id, scope, kind=kind, status=status)


@router.post("/stocktakes/{campaign_id}/proposals/{proposal_id}/apply", dependencies=manage)
def apply_proposal(
    session: SessionDep,
    audit: AuditDep,
    campaign_id: uuid.UUID,
    proposal_id: uuid.UUID,
    body: Annotated[SurplusCard | None, Body()] = None,
) -> ProposalPublic:
    """Apply a relocation (no body: the card moves) or a new card (its details in the body)."""
    row = reconcile.apply(session, audit, campaign_id, proposal_id, card=body)
    return reconcile.public(row)


@router.post("/stocktakes/{campaign_id}/proposals/{proposal_id}/approve")
def approve_proposal(
    session: SessionDep,
    audit: AuditDep,
    outbox: OutboxDep,
    principal: Decider,
    campaign_id: uuid.UUID,
    proposal_id: uuid.UUID,
) -> ProposalPublic:
    """Approve a write-off (盘亏核销) as the disposal right's holder, never its proposer: a
    disposal recorded approved; the card is disposed of and written off in finance."""
    row = reconcile.approve(session, audit, outbox, principal, campaign_id, proposal_id)
    return reconcile.public(row)


@router.post("/stocktakes/{campaign_id}/proposals/{proposal_id}/reject", dependencies=decide)
def reject_proposal(
    session: SessionDep,
    audit: AuditDep,
    campaign_id: uuid.UUID,
    proposal_id: uuid.UUID,
    body: Rejection,
) -> ProposalPublic:
    """Reject a proposal, saying why: nothing changes on the card."""
    row = reconcile.reject(session, audit, campaign_id, proposal_id, reason=body.reason)
    return reconcile.public(row)


@router.post("/stocktakes/{campaign_id}/close", dependencies=manage)
def close_campaign(
    session: SessionDep, audit: AuditDep, campaign_id: uuid.UUID, response: Response
) -> CampaignPublic:
    """Close the campaign once every proposal is decided: from then on it is immutable."""
    return _answer(reconcile.close(session, audit, campaign_id), response)
