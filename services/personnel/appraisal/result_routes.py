"""Routes of scores, results, revisions and the bulk grade list (own-unit / own-record scope)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from services.personnel.appraisal import results, revisions, scoring
from services.personnel.appraisal.access import (
    SCORE_WRITERS,
    ScopeDep,
    read_appraisal,
    read_scores,
)
from services.personnel.appraisal.models import CycleKind
from services.personnel.appraisal.rules import Grade
from services.personnel.appraisal.schemas import (
    GradePublic,
    ResultPublic,
    RevisionCreate,
    RevisionPublic,
    ScoreBatch,
    ScoreEntry,
    ScorePublic,
    ScoreValues,
)
from services.personnel.roles import MANAGERS
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.context import Principal
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = APIRouter(tags=["appraisal results"])
Manager = Annotated[Principal, Depends(require_roles(*MANAGERS))]
ScoreWriter = Annotated[Principal, Depends(require_roles(*SCORE_WRITERS))]


@router.get("/appraisal-cycles/{cycle_id}/scores", dependencies=read_scores)
async def list_scores(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    cycle_id: uuid.UUID,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
) -> Page[ScorePublic]:
    """Scores entered in a cycle, by unit then staff number (a liaison sees its own unit,
    staff their own)."""
    rows, total = scoring.list_scores(
        session, params, cycle_id=cycle_id, scope=scope, unit_id=unit_id, staff_id=staff_id
    )
    items = [scoring.score_public(s, n) for s, n in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.get("/appraisal-cycles/{cycle_id}/scores/{staff_id}", dependencies=read_scores)
async def get_score(
    session: SessionDep,
    scope: ScopeDep,
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
    request: Request,
    session: SessionDep,
    cycle_id: uuid.UUID,
    body: ScoreBatch,
    principal: ScoreWriter,
) -> list[ScorePublic]:
    """Enter scores for up to 200 people at once, all or nothing (every problem is listed)."""
    saved = scoring.enter_scores(
        session=session,
        audit=request.app.state.audit,
        principal=principal,
        cycle_id=cycle_id,
        entries=body.scores,
    )
    return [scoring.score_public(s, n) for s, n in saved]


@router.put("/appraisal-cycles/{cycle_id}/scores/{staff_id}")
def put_score(
    request: Request,
    session: SessionDep,
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
        audit=request.app.state.audit,
        principal=principal,
        cycle_id=cycle_id,
        entries=[ScoreEntry(staff_id=staff_id, **body.model_dump())],
        expected_version=expected,
    )
    response.headers["ETag"] = etag(score.version)
    return scoring.score_public(score, name)


@router.get("/appraisal-cycles/{cycle_id}/results", dependencies=read_appraisal)
async def list_results(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    cycle_id: uuid.UUID,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    grade: Grade | None = None,
) -> Page[ResultPublic]:
    """Current results of a finalized cycle, per unit by rank."""
    rows, total = results.list_results(
        session,
        params,
        cycle_id=cycle_id,
        scope=scope,
        unit_id=unit_id,
        staff_id=staff_id,
        grade=grade,
    )
    items = [results.result_public(r) for r in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.get("/appraisal-results/{result_id}", dependencies=read_appraisal)
async def get_result(
    session: SessionDep, scope: ScopeDep, result_id: uuid.UUID, response: Response
) -> ResultPublic:
    """One current result (its latest revision; ``ETag`` carries its version)."""
    row = results.get_result(session, result_id, scope)
    response.headers["ETag"] = etag(row[0].version)
    return results.result_public(row)


@router.get("/appraisal-results/{result_id}/revisions", dependencies=read_appraisal)
async def list_revisions(
    session: SessionDep, scope: ScopeDep, result_id: uuid.UUID
) -> list[RevisionPublic]:
    """Every state of a result: revision 0 as finalized, then each revision with its reason."""
    return [results.revision_public(r) for r in results.list_revisions(session, result_id, scope)]


@router.post("/appraisal-results/{result_id}/revisions", status_code=status.HTTP_201_CREATED)
def revise_result(
    request: Request,
    session: SessionDep,
    result_id: uuid.UUID,
    body: RevisionCreate,
    principal: Manager,
    response: Response,
    expected: ExpectedVersion,
) -> ResultPublic:
    """Revise a finalized result with a reason (corrected scores, regraded by the rules);
    the earlier state stays in the history and ``grade.revised`` is announced (``If-Match``)."""
    state = request.app.state
    result = revisions.revise(
        session=session,
        audit=state.audit,
        outbox=state.outbox,
        subscribers=state.settings.grade_subscribers,
        principal=principal,
        result_id=result_id,
        data=body,
        expected_version=expected,
    )
    state.relay.wake()
    response.headers["ETag"] = etag(result.version)
    response.headers["Location"] = f"/appraisal-results/{result_id}/revisions"
    return result


@router.get("/grades", dependencies=read_appraisal)
async def list_grades(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    cycle_kind: CycleKind | None = None,
    cycle_id: uuid.UUID | None = None,
    grade: Grade | None = None,
) -> Page[GradePublic]:
    """Current finalized grades (after revisions), one per person and cycle, for peers in
    bulk: e.g. ``?year=2026&cycle_kind=annual`` (a liaison sees its own unit, staff their own)."""
    rows, total = results.list_grades(
        session,
        params,
        scope=scope,
        year=year,
        unit_id=unit_id,
        staff_id=staff_id,
        cycle_kind=cycle_kind,
        cycle_id=cycle_id,
        grade=grade,
    )
    items = [results.grade_public(r) for r in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)
