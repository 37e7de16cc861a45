"""Routes of the monthly depreciation: run a month, read runs, read an asset's schedule."""

from __future__ import annotations

import uuid

from fastapi import Response, status

from services.assets.depreciation import service
from services.assets.depreciation.schemas import AssetSchedule, RunCreate, RunDetail, RunPublic
from services.assets.roles import ScopeDep, manage, read_assets, read_wide
from shared.audit import AuditDep
from shared.db import SessionDep
from shared.outbox import OutboxDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["depreciation"])


@router.post(
    "/depreciation/runs",
    status_code=status.HTTP_201_CREATED,
    dependencies=manage,
    responses={200: {"description": "The month had run already: its run, nothing new posted"}},
)
def run_depreciation(
    session: SessionDep, audit: AuditDep, outbox: OutboxDep, body: RunCreate, response: Response
) -> RunPublic:
    """Depreciate every card for the month and queue one posting per unit for finance
    (201). A month that has run already is answered as it was (200), nothing posted again."""
    run, new = service.run_month(session, audit, outbox, period=body.period)
    response.status_code = status.HTTP_201_CREATED if new else status.HTTP_200_OK
    response.headers["Location"] = f"/depreciation/runs/{run.id}"
    return run


@router.get("/depreciation/runs", dependencies=read_wide)
def list_runs(session: SessionDep, params: PageDep) -> Page[RunPublic]:
    """The months run, latest first."""
    return service.list_runs(session, params)


@router.get("/depreciation/runs/{run_id}", dependencies=read_wide)
def get_run(session: SessionDep, run_id: uuid.UUID) -> RunDetail:
    """One run with each unit's total and the event that posts it to finance."""
    return service.get_run(session, run_id)


@router.get("/assets/{asset_id}/depreciation", dependencies=read_assets)
def asset_schedule(session: SessionDep, scope: ScopeDep, asset_id: uuid.UUID) -> AssetSchedule:
    """An asset's depreciation: where it stands and each month charged (a liaison: its
    unit's assets; staff: the assets they keep)."""
    return service.schedule(session, asset_id, scope)
