"""Routes of the preventive plans (计划性维护) and their generator."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import Response, status

from services.facilities.locations.deps import PlacesDep
from services.facilities.preventive import generate, service
from services.facilities.preventive.models import Plan
from services.facilities.preventive.schemas import (
    GenerationReceipt,
    PlanCreate,
    PlanPublic,
    PlanUpdate,
)
from services.facilities.roles import manage_upkeep, read_wide
from shared.audit import AuditDep
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router
from shared.types import today

router = Router(tags=["preventive plans"])


def _answer(row: Plan, response: Response) -> PlanPublic:
    response.headers["ETag"] = etag(row.version)
    return service.public(row)


@router.get("/preventive-plans", dependencies=read_wide)
def list_plans(
    session: SessionDep, params: PageDep, active: bool | None = None
) -> Page[PlanPublic]:
    """Plans by code."""
    return service.list_plans(session, params, active=active)


@router.post("/preventive-plans", status_code=status.HTTP_201_CREATED, dependencies=manage_upkeep)
def create_plan(
    session: SessionDep, audit: AuditDep, places: PlacesDep, body: PlanCreate, response: Response
) -> PlanPublic:
    """A recurring task: every N months or N weeks from its anchor day, raised lead days
    ahead."""
    row = service.create(session, audit, data=body, places=places)
    response.headers["Location"] = f"/preventive-plans/{row.id}"
    return _answer(row, response)


@router.post("/preventive-plans/generate", dependencies=manage_upkeep)
def generate_orders(
    session: SessionDep, audit: AuditDep, until: date | None = None
) -> GenerationReceipt:
    """Raise the work order of every occurrence due to be raised by ``until`` (default
    today) that is not raised yet: run twice, nothing more; run late, it catches up."""
    return generate.run(session, audit, until=until or today())


@router.get("/preventive-plans/{plan_id}", dependencies=read_wide)
def get_plan(session: SessionDep, plan_id: uuid.UUID, response: Response) -> PlanPublic:
    """One plan (``ETag`` carries its version)."""
    return _answer(service.get(session, plan_id), response)


@router.patch("/preventive-plans/{plan_id}", dependencies=manage_upkeep)
def update_plan(
    session: SessionDep,
    audit: AuditDep,
    places: PlacesDep,
    plan_id: uuid.UUID,
    body: PlanUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> PlanPublic:
    """Correct a plan (``If-Match``); occurrences already raised stay as they are."""
    row = service.update(
        session, audit, plan_id, data=body, expected_version=expected, places=places
    )
    return _answer(row, response)
