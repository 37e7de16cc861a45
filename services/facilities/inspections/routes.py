"""Routes of checklists and inspection rounds."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import Response, status

from services.facilities.inspections import service
from services.facilities.inspections.models import Category, RoundStatus
from services.facilities.inspections.schemas import (
    AnswerPublic,
    ChecklistCreate,
    ChecklistPublic,
    ChecklistSummary,
    RoundCreate,
    RoundDetail,
    RoundPublic,
)
from services.facilities.locations.deps import PlacesDep
from services.facilities.roles import manage_upkeep, read_wide
from shared.audit import AuditDep
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["inspections"])


@router.get("/checklists", dependencies=read_wide)
def list_checklists(
    session: SessionDep, params: PageDep, category: Category | None = None, current: bool = False
) -> Page[ChecklistSummary]:
    """Checklist versions by category (``current``: only each category's latest)."""
    return service.list_checklists(session, params, category=category, current=current)


@router.post("/checklists", status_code=status.HTTP_201_CREATED, dependencies=manage_upkeep)
def create_checklist(
    session: SessionDep, audit: AuditDep, body: ChecklistCreate, response: Response
) -> ChecklistPublic:
    """A category's next checklist version (versions in use are never edited)."""
    created = service.create_checklist(session, audit, data=body)
    response.headers["Location"] = f"/checklists/{created.id}"
    return created


@router.get("/checklists/{checklist_id}", dependencies=read_wide)
def get_checklist(session: SessionDep, checklist_id: uuid.UUID) -> ChecklistPublic:
    """One checklist version with its items."""
    return service.get_checklist(session, checklist_id)


@router.get("/inspection-rounds", dependencies=read_wide)
def list_rounds(
    session: SessionDep,
    params: PageDep,
    compound_id: uuid.UUID | None = None,
    status: RoundStatus | None = None,
    planned_from: date | None = None,
    planned_to: date | None = None,
) -> Page[RoundPublic]:
    """Rounds, latest planned first."""
    return service.list_rounds(
        session,
        params,
        compound_id=compound_id,
        status=status,
        planned_from=planned_from,
        planned_to=planned_to,
    )


@router.post("/inspection-rounds", status_code=status.HTTP_201_CREATED, dependencies=manage_upkeep)
def create_round(
    session: SessionDep, audit: AuditDep, places: PlacesDep, body: RoundCreate, response: Response
) -> RoundDetail:
    """Plan a round of a compound (or some buildings) with the current checklists."""
    created = service.create_round(session, audit, places, data=body)
    response.headers["Location"] = f"/inspection-rounds/{created.id}"
    response.headers["ETag"] = etag(created.version)
    return created


@router.get("/inspection-rounds/{round_id}", dependencies=read_wide)
def get_round(
    session: SessionDep, places: PlacesDep, round_id: uuid.UUID, response: Response
) -> RoundDetail:
    """One round, how many of its items are answered, and its compound as assets shows it."""
    found = service.round_detail(session, places, round_id)
    response.headers["ETag"] = etag(found.version)
    return found


@router.post("/inspection-rounds/{round_id}/start", dependencies=manage_upkeep)
def start_round(
    session: SessionDep,
    audit: AuditDep,
    round_id: uuid.UUID,
    expected: ExpectedVersion,
    response: Response,
) -> RoundPublic:
    """planned → in progress."""
    started = service.start_round(session, audit, round_id, expected)
    response.headers["ETag"] = etag(started.version)
    return started


@router.post("/inspection-rounds/{round_id}/complete", dependencies=manage_upkeep)
def complete_round(
    session: SessionDep,
    audit: AuditDep,
    round_id: uuid.UUID,
    expected: ExpectedVersion,
    response: Response,
) -> RoundPublic:
    """in progress → completed, once every item is answered."""
    done = service.complete_round(session, audit, round_id, expected)
    response.headers["ETag"] = etag(done.version)
    return done


@router.get("/inspection-rounds/{round_id}/answers", dependencies=read_wide)
def list_answers(session: SessionDep, params: PageDep, round_id: uuid.UUID) -> Page[AnswerPublic]:
    """The round's answers by item code."""
    return service.list_answers(session, params, round_id)
