"""Routes of appraisal schemes and cycles (their lifecycle up to finalization)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from services.personnel.appraisal import finalization, schemes, service
from services.personnel.appraisal.access import (
    read_appraisal,
)
from services.personnel.appraisal.models import AppraisalScheme, CycleKind, CycleStatus
from services.personnel.appraisal.schemas import (
    CycleCreate,
    CyclePublic,
    CycleUpdate,
    SchemeCreate,
    SchemeFields,
    SchemePublic,
)
from services.personnel.organisation.models import CODE_PATTERN
from services.personnel.roles import MANAGERS, manage
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.context import Principal
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = APIRouter(tags=["appraisal"])
Manager = Annotated[Principal, Depends(require_roles(*MANAGERS))]
Year = Annotated[int | None, Query(ge=1900, le=2200)]


def _scheme(scheme: AppraisalScheme, response: Response) -> SchemePublic:
    response.headers["ETag"] = etag(scheme.version)
    return schemes.scheme_public(scheme)


def _cycle(cycle: CyclePublic, response: Response) -> CyclePublic:
    response.headers["ETag"] = etag(cycle.version)
    return cycle


@router.get("/appraisal-schemes", dependencies=read_appraisal)
async def list_schemes(
    session: SessionDep,
    params: PageDep,
    code: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
) -> Page[SchemePublic]:
    """Appraisal schemes by code, newest edition first."""
    found, total = schemes.list_schemes(session, params, code=code)
    items = [schemes.scheme_public(s) for s in found]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.get("/appraisal-schemes/{scheme_id}", dependencies=read_appraisal)
async def get_scheme(session: SessionDep, scheme_id: uuid.UUID, response: Response) -> SchemePublic:
    """One scheme edition: weights of 德能勤绩廉创, scale, thresholds, vetoes, 优秀 share."""
    return _scheme(schemes.get_scheme(session, scheme_id), response)


@router.post("/appraisal-schemes", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_scheme(
    request: Request, session: SessionDep, body: SchemeCreate, response: Response
) -> SchemePublic:
    """Create edition 1 of a new scheme (weights must sum to 100)."""
    scheme = schemes.create_scheme(session=session, audit=request.app.state.audit, data=body)
    response.headers["Location"] = f"/appraisal-schemes/{scheme.id}"
    return _scheme(scheme, response)


@router.patch("/appraisal-schemes/{scheme_id}", dependencies=manage)
def update_scheme(
    request: Request,
    session: SessionDep,
    scheme_id: uuid.UUID,
    body: SchemeFields,
    response: Response,
    expected: ExpectedVersion,
) -> SchemePublic:
    """Change a scheme edition no finalized cycle has used yet (``If-Match``)."""
    scheme = schemes.update_scheme(
        session=session,
        audit=request.app.state.audit,
        scheme_id=scheme_id,
        data=body,
        expected_version=expected,
    )
    return _scheme(scheme, response)


@router.post(
    "/appraisal-schemes/{scheme_id}/editions",
    status_code=status.HTTP_201_CREATED,
    dependencies=manage,
)
def create_edition(
    request: Request,
    session: SessionDep,
    scheme_id: uuid.UUID,
    body: SchemeFields,
    response: Response,
) -> SchemePublic:
    """The next edition of this scheme's code: a copy of it with the given changes."""
    scheme = schemes.create_edition(
        session=session, audit=request.app.state.audit, scheme_id=scheme_id, data=body
    )
    response.headers["Location"] = f"/appraisal-schemes/{scheme.id}"
    return _scheme(scheme, response)


@router.get("/appraisal-cycles", dependencies=read_appraisal)
async def list_cycles(
    session: SessionDep,
    params: PageDep,
    year: Year = None,
    kind: CycleKind | None = None,
    status: CycleStatus | None = None,
    unit_id: uuid.UUID | None = None,
) -> Page[CyclePublic]:
    """Appraisal cycles, latest period first, by year, kind, status or unit."""
    cycles, total = service.list_cycles(
        session, params, year=year, kind=kind, status=status, unit_id=unit_id
    )
    units = service.cycle_units(session, [c.id for c in cycles])
    items = [service.cycle_public(c, units.get(c.id, [])) for c in cycles]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.get("/appraisal-cycles/{cycle_id}", dependencies=read_appraisal)
async def get_cycle(session: SessionDep, cycle_id: uuid.UUID, response: Response) -> CyclePublic:
    """One cycle with its units and status (``ETag`` carries its version)."""
    return _cycle(service.cycle_out(session, service.get_cycle(session, cycle_id)), response)


@router.post("/appraisal-cycles", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_cycle(
    request: Request, session: SessionDep, body: CycleCreate, response: Response
) -> CyclePublic:
    """Open a monthly, quarterly, half-year or annual cycle for some budget units."""
    cycle = service.create_cycle(session=session, audit=request.app.state.audit, data=body)
    response.headers["Location"] = f"/appraisal-cycles/{cycle.id}"
    return _cycle(cycle, response)


@router.patch("/appraisal-cycles/{cycle_id}", dependencies=manage)
def update_cycle(
    request: Request,
    session: SessionDep,
    cycle_id: uuid.UUID,
    body: CycleUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> CyclePublic:
    """Rename an open cycle or change its units (``If-Match``)."""
    cycle = service.update_cycle(
        session=session,
        audit=request.app.state.audit,
        cycle_id=cycle_id,
        data=body,
        expected_version=expected,
    )
    return _cycle(cycle, response)


def _transition(
    request: Request, session: SessionDep, cycle_id: uuid.UUID, action: str, expected: int | None
) -> CyclePublic:
    return service.transition(
        session=session,
        audit=request.app.state.audit,
        cycle_id=cycle_id,
        action=action,
        expected_version=expected,
    )


@router.post("/appraisal-cycles/{cycle_id}/submit", dependencies=manage)
def submit_cycle(
    request: Request,
    session: SessionDep,
    cycle_id: uuid.UUID,
    response: Response,
    expected: ExpectedVersion,
) -> CyclePublic:
    """Close score entry (open → submitted); everyone scored needs all six scores."""
    return _cycle(_transition(request, session, cycle_id, "submit", expected), response)


@router.post("/appraisal-cycles/{cycle_id}/review", dependencies=manage)
def review_cycle(
    request: Request,
    session: SessionDep,
    cycle_id: uuid.UUID,
    response: Response,
    expected: ExpectedVersion,
) -> CyclePublic:
    """Mark the submitted scores reviewed (submitted → reviewed)."""
    return _cycle(_transition(request, session, cycle_id, "review", expected), response)


@router.post("/appraisal-cycles/{cycle_id}/reopen", dependencies=manage)
def reopen_cycle(
    request: Request,
    session: SessionDep,
    cycle_id: uuid.UUID,
    response: Response,
    expected: ExpectedVersion,
) -> CyclePublic:
    """Reopen score entry before finalization (submitted or reviewed → open)."""
    return _cycle(_transition(request, session, cycle_id, "reopen", expected), response)


@router.post("/appraisal-cycles/{cycle_id}/finalize")
def finalize_cycle(
    request: Request,
    session: SessionDep,
    cycle_id: uuid.UUID,
    response: Response,
    expected: ExpectedVersion,
    principal: Manager,
) -> CyclePublic:
    """Compute grades and ranks, enforce the 优秀 share per unit, lock the cycle and
    announce ``grade.finalized`` (reviewed → finalized)."""
    state = request.app.state
    cycle = finalization.finalize(
        session=session,
        audit=state.audit,
        outbox=state.outbox,
        subscribers=state.settings.grade_subscribers,
        principal=principal,
        cycle_id=cycle_id,
        expected_version=expected,
    )
    state.relay.wake()
    return _cycle(cycle, response)
