"""Routes of appraisal schemes, cycles (their lifecycle up to finalization) and the scores
entered in them (own-unit / own-record scope)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Response, status

from services.personnel.appraisal import finalization, schemes, scoring, service
from services.personnel.appraisal.access import SCORE_WRITERS, read_appraisal, read_scores
from services.personnel.appraisal.models import AppraisalScheme, CycleKind, CycleStatus
from services.personnel.appraisal.schemas import (
    CycleCreate,
    CyclePublic,
    CycleUpdate,
    SchemeCreate,
    SchemeFields,
    SchemePublic,
    ScoreBatch,
    ScoreEntry,
    ScorePublic,
    ScoreValues,
)
from services.personnel.deps import PersonnelSettingsDep
from services.personnel.organisation.schemas import CODE_PATTERN
from services.personnel.roles import MANAGERS, ReadScope, manage
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.context import Principal
from shared.db import SessionDep, after_commit
from shared.outbox import OutboxDep, RelayDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["appraisal"])
Manager = Annotated[Principal, Depends(require_roles(*MANAGERS))]
ScoreWriter = Annotated[Principal, Depends(require_roles(*SCORE_WRITERS))]
Year = Annotated[int | None, Query(ge=1900, le=2200)]


def _scheme(scheme: AppraisalScheme, response: Response) -> SchemePublic:
    response.headers["ETag"] = etag(scheme.version)
    return schemes.scheme_public(scheme)


def _cycle(cycle: CyclePublic, response: Response) -> CyclePublic:
    response.headers["ETag"] = etag(cycle.version)
    return cycle


@router.get("/appraisal-schemes", dependencies=read_appraisal)
def list_schemes(
    session: SessionDep,
    params: PageDep,
    code: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
) -> Page[SchemePublic]:
    """Appraisal schemes by code, newest edition first."""
    return schemes.list_schemes(session, params, code=code)


@router.get("/appraisal-schemes/{scheme_id}", dependencies=read_appraisal)
def get_scheme(session: SessionDep, scheme_id: uuid.UUID, response: Response) -> SchemePublic:
    """One scheme edition: weights of 德能勤绩廉创, scale, thresholds, vetoes, 优秀 share."""
    return _scheme(schemes.get_scheme(session, scheme_id), response)


@router.post("/appraisal-schemes", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_scheme(
    session: SessionDep, audit: AuditDep, body: SchemeCreate, response: Response
) -> SchemePublic:
    """Create edition 1 of a new scheme (weights must sum to 100)."""
    scheme = schemes.create_scheme(session=session, audit=audit, data=body)
    response.headers["Location"] = f"/appraisal-schemes/{scheme.id}"
    return _scheme(scheme, response)


@router.patch("/appraisal-schemes/{scheme_id}", dependencies=manage)
def update_scheme(
    session: SessionDep,
    audit: AuditDep,
    scheme_id: uuid.UUID,
    body: SchemeFields,
    response: Response,
    expected: ExpectedVersion,
) -> SchemePublic:
    """Change a scheme edition no finalized cycle has used yet (``If-Match``)."""
    scheme = schemes.update_scheme(
        session=session,
        audit=audit,
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
    session: SessionDep,
    audit: AuditDep,
    scheme_id: uuid.UUID,
    body: SchemeFields,
    response: Response,
) -> SchemePublic:
    """The next edition of this scheme's code: a copy of it with the given changes."""
    scheme = schemes.create_edition(session=session, audit=audit, scheme_id=scheme_id, data=body)
    response.headers["Location"] = f"/appraisal-schemes/{scheme.id}"
    return _scheme(scheme, response)


@router.get("/appraisal-cycles", dependencies=read_appraisal)
def list_cycles(
    session: SessionDep,
    params: PageDep,
    year: Year = None,
    kind: CycleKind | None = None,
    status: CycleStatus | None = None,
    unit_id: uuid.UUID | None = None,
) -> Page[CyclePublic]:
    """Appraisal cycles, latest period first, by year, kind, status or unit."""
    return service.list_cycles(
        session, params, year=year, kind=kind, status=status, unit_id=unit_id
    )


@router.get("/appraisal-cycles/{cycle_id}", dependencies=read_appraisal)
def get_cycle(session: SessionDep, cycle_id: uuid.UUID, response: Response) -> CyclePublic:
    """One cycle with its units and status (``ETag`` carries its version)."""
    return _cycle(service.cycle_out(session, service.get_cycle(session, cycle_id)), response)


@router.post("/appraisal-cycles", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_cycle(
    session: SessionDep, audit: AuditDep, body: CycleCreate, response: Response
) -> CyclePublic:
    """Open a monthly, quarterly, half-year or annual cycle for some budget units."""
    cycle = service.create_cycle(session=session, audit=audit, data=body)
    response.headers["Location"] = f"/appraisal-cycles/{cycle.id}"
    return _cycle(cycle, response)


@router.patch("/appraisal-cycles/{cycle_id}", dependencies=manage)
def update_cycle(
    session: SessionDep,
    audit: AuditDep,
    cycle_id: uuid.UUID,
    body: CycleUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> CyclePublic:
    """Rename an open cycle or change its units (``If-Match``)."""
    cycle = service.update_cycle(
        session=session,
        audit=audit,
        cycle_id=cycle_id,
        data=body,
        expected_version=expected,
    )
    return _cycle(cycle, response)


def _transition(
    session: SessionDep, audit: AuditDep, cycle_id: uuid.UUID, action: str, expected: int | None
) -> CyclePublic:
    return service.transition(
        session=session,
        audit=audit,
        cycle_id=cycle_id,
        action=action,
        expected_version=expected,
    )


@router.post("/appraisal-cycles/{cycle_id}/submit", dependencies=manage)
def submit_cycle(
    session: SessionDep,
    audit: AuditDep,
    cycle_id: uuid.UUID,
    response: Response,
    expected: ExpectedVersion,
) -> CyclePublic:
    """Close score entry (open → submitted); everyone scored needs all six scores."""
    return _cycle(_transition(session, audit, cycle_id, "submit", expected), response)


@router.post("/appraisal-cycles/{cycle_id}/review", dependencies=manage)
def review_cycle(
    session: SessionDep,
    audit: AuditDep,
    cycle_id: uuid.UUID,
    response: Response,
    expected: ExpectedVersion,
) -> CyclePublic:
    """Mark the submitted scores reviewed (submitted → reviewed)."""
    return _cycle(_transition(session, audit, cycle_id, "review", expected), response)


@router.post("/appraisal-cycles/{cycle_id}/reopen", dependencies=manage)
def reopen_cycle(
    session: SessionDep,
    audit: AuditDep,
    cycle_id: uuid.UUID,
    response: Response,
    expected: ExpectedVersion,
) -> CyclePublic:
    """Reopen score entry before finalization (submitted or reviewed → open)."""
    return _cycle(_transition(session, audit, cycle_id, "reopen", expected), response)


@router.post("/appraisal-cycles/{cycle_id}/finalize")
def finalize_cycle(
    session: SessionDep,
    audit: AuditDep,
    outbox: OutboxDep,
    settings: PersonnelSettingsDep,
    relay: RelayDep,
    cycle_id: uuid.UUID,
    response: Response,
    expected: ExpectedVersion,
    principal: Manager,
) -> CyclePublic:
    """Compute grades and ranks, enforce the 优秀 share per unit, lock the cycle and
    announce ``grade.finalized`` (reviewed → finalized)."""
    cycle = finalization.finalize(
        session=session,
        audit=audit,
        outbox=outbox,
        subscribers=settings.grade_subscribers,
        principal=principal,
        cycle_id=cycle_id,
        expected_version=expected,
    )
    after_commit(session, relay.wake)
    return _cycle(cycle, response)


@router.get("/appraisal-cycles/{cycle_id}/scores", dependencies=read_scores)
def list_scores(
    session: SessionDep,
    params: PageDep,
    scope: ReadScope,
    cycle_id: uuid.UUID,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
) -> Page[ScorePublic]:
    """Scores entered in a cycle, by unit then staff number (a liaison sees its own unit,
    staff their own)."""
    return scoring.list_scores(
        session, params, cycle_id=cycle_id, scope=scope, unit_id=unit_id, staff_id=staff_id
    )


@router.get("/appraisal-cycles/{cycle_id}/scores/{staff_id}", dependencies=read_scores)
def get_score(
    session: SessionDep,
    scope: ReadScope,
    cycle_id: uuid.UUID,
    staff_id: uuid.UUID,
    response: Response,
) -> ScorePublic:
    """One person's scores in a cycle (``ETag`` carries their version)."""
    score, name = scoring.get_score(session, cycle_id=cycle_id, staff_id=staff_id, scope=scope)
    response.headers["ETag"] = etag(score.version)
    return scoring.score_public(score, name)


@router.post("/appraisal-cycles/{cycle_id}/scores")
def enter_scores(
    session: SessionDep,
    audit: AuditDep,
    cycle_id: uuid.UUID,
    body: ScoreBatch,
    principal: ScoreWriter,
) -> list[ScorePublic]:
    """Enter scores for up to 200 people at once, all or nothing (every problem is listed)."""
    saved = scoring.enter_scores(
        session=session, audit=audit, principal=principal, cycle_id=cycle_id, entries=body.scores
    )
    return [scoring.score_public(s, n) for s, n in saved]


@router.put("/appraisal-cycles/{cycle_id}/scores/{staff_id}")
def put_score(
    session: SessionDep,
    audit: AuditDep,
    cycle_id: uuid.UUID,
    staff_id: uuid.UUID,
    body: ScoreValues,
    principal: ScoreWriter,
    response: Response,
    expected: ExpectedVersion,
) -> ScorePublic:
    """Enter or correct one person's dimension scores while the cycle is open (``If-Match``)."""
    [(score, name)] = scoring.enter_scores(
        session=session,
        audit=audit,
        principal=principal,
        cycle_id=cycle_id,
        entries=[ScoreEntry(staff_id=staff_id, **body.model_dump())],
        expected_version=expected,
    )
    response.headers["ETag"] = etag(score.version)
    return scoring.score_public(score, name)
