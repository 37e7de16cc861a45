"""Routes of finalized results, their revisions, their export and the bulk grade list
(own-unit / own-record scope)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response, status

from services.personnel.appraisal.access import read_appraisal
from services.personnel.appraisal.models import CycleKind
from services.personnel.appraisal.rules import Grade
from services.personnel.appraisal_results import export, revisions, service
from services.personnel.appraisal_results.schemas import (
    GradeBulkPage,
    GradePublic,
    ResultPublic,
    RevisionCreate,
    RevisionPublic,
)
from services.personnel.deps import PersonnelSettingsDep
from services.personnel.roles import MANAGERS, WIDE_READERS, ReadScope
from shared import tabular
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.context import Principal
from shared.db import SessionDep, after_commit
from shared.outbox import OutboxDep, RelayDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["appraisal results"])
MAX_BULK = 2000
Manager = Annotated[Principal, Depends(require_roles(*MANAGERS))]


@router.get("/appraisal-cycles/{cycle_id}/results", dependencies=read_appraisal)
def list_results(
    session: SessionDep,
    params: PageDep,
    scope: ReadScope,
    cycle_id: uuid.UUID,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    grade: Grade | None = None,
) -> Page[ResultPublic]:
    """Current results of a finalized cycle, per unit by rank."""
    return service.results_page(
        session,
        params,
        cycle_id=cycle_id,
        scope=scope,
        unit_id=unit_id,
        staff_id=staff_id,
        grade=grade,
    )


@router.get(
    "/appraisal-cycles/{cycle_id}/results/export",
    dependencies=read_appraisal,
    response_class=Response,
    responses=tabular.file_responses("The cycle's results"),
)
def export_results(
    session: SessionDep,
    scope: ReadScope,
    cycle_id: uuid.UUID,
    fmt: tabular.TabularFormat = Query(tabular.TabularFormat.CSV, alias="format"),
    unit_id: uuid.UUID | None = None,
) -> Response:
    """The cycle's current results (after revisions) per unit by rank, as CSV or XLSX; a
    liaison gets its own unit, a member of staff their own line."""
    content = export.export_results(session, fmt, cycle_id=cycle_id, scope=scope, unit_id=unit_id)
    return Response(
        content,
        media_type=fmt.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="appraisal-{cycle_id}.{fmt.value}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/appraisal-results/{result_id}", dependencies=read_appraisal)
def get_result(
    session: SessionDep, scope: ReadScope, result_id: uuid.UUID, response: Response
) -> ResultPublic:
    """One current result (its latest revision; ``ETag`` carries its version)."""
    row = service.get_result(session, result_id, scope)
    response.headers["ETag"] = etag(row[0].version)
    return service.result_public(row)


@router.get("/appraisal-results/{result_id}/revisions", dependencies=read_appraisal)
def list_revisions(
    session: SessionDep, scope: ReadScope, result_id: uuid.UUID
) -> Page[RevisionPublic]:
    """Every state of a result: revision 0 as finalized, then each revision with its reason."""
    return service.list_revisions(session, result_id, scope)


@router.post("/appraisal-results/{result_id}/revisions", status_code=status.HTTP_201_CREATED)
def revise_result(
    session: SessionDep,
    audit: AuditDep,
    outbox: OutboxDep,
    settings: PersonnelSettingsDep,
    relay: RelayDep,
    result_id: uuid.UUID,
    body: RevisionCreate,
    principal: Manager,
    response: Response,
    expected: ExpectedVersion,
) -> ResultPublic:
    """Revise a finalized result with a reason (corrected scores, regraded by the rules);
    the earlier state stays in the history and ``grade.revised`` is announced (``If-Match``)."""
    result = revisions.revise(
        session=session,
        audit=audit,
        outbox=outbox,
        subscribers=settings.grade_subscribers,
        principal=principal,
        result_id=result_id,
        data=body,
        expected_version=expected,
    )
    after_commit(session, relay.wake)
    response.headers["ETag"] = etag(result.version)
    response.headers["Location"] = f"/appraisal-results/{result_id}/revisions"
    return result


@router.get("/grades/bulk", dependencies=[Depends(require_roles(*WIDE_READERS))])
def bulk_grades(
    session: SessionDep,
    scope: ReadScope,
    cycle_kind: CycleKind,
    ended_before: Annotated[date, Query(description="Cycles that ended before this day")],
    after: Annotated[
        str | None, Query(max_length=20, description="next_after of the last slice")
    ] = None,
    through: Annotated[
        str | None, Query(max_length=20, description="The last staff_no of the slice")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_BULK)] = 1000,
) -> GradeBulkPage:
    """Each person's latest finalized grade of a kind of cycle that ended before a day, in
    staff_no keyset slices of up to 2,000, for peers (payroll)."""
    return service.latest_grades(
        session,
        scope=scope,
        cycle_kind=cycle_kind,
        ended_before=ended_before,
        after=after,
        through=through,
        limit=limit,
    )


@router.get("/grades", dependencies=read_appraisal)
def list_grades(
    session: SessionDep,
    params: PageDep,
    scope: ReadScope,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    cycle_kind: CycleKind | None = None,
    cycle_id: uuid.UUID | None = None,
    grade: Grade | None = None,
) -> Page[GradePublic]:
    """Current finalized grades (after revisions), one per person and cycle, for peers in
    bulk: e.g. ``?year=2026&cycle_kind=annual`` (a liaison sees its own unit, staff their own)."""
    return service.list_grades(
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
