"""Routes of hazards: answers posted (where defects become hazards), the hazards' life, due
rules, escalation and the open-hazards dashboard."""

from __future__ import annotations

import uuid

from fastapi import Response

from services.facilities.hazards import dashboard, escalation, intake, rules, service
from services.facilities.hazards.models import EscalationLevel, HazardStatus
from services.facilities.hazards.schemas import (
    Dashboard,
    DueRulePublic,
    DueRuleSet,
    EscalationPublic,
    EscalationRun,
    HazardAssign,
    HazardClose,
    HazardDetail,
    HazardFix,
    HazardPublic,
)
from services.facilities.inspections.models import Severity
from services.facilities.inspections.schemas import AnswerBatch, AnswerReceipt
from services.facilities.locations.deps import PlacesDep
from services.facilities.roles import ScopeDep, manage_upkeep, read_scoped, read_wide
from shared.audit import AuditDep
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["hazards"])


@router.post("/inspection-rounds/{round_id}/answers", dependencies=manage_upkeep)
def post_answers(
    session: SessionDep,
    audit: AuditDep,
    places: PlacesDep,
    round_id: uuid.UUID,
    body: AnswerBatch,
) -> AnswerReceipt:
    """A batch of up to 500 answers (again: nothing changes); each new defect a hazard."""
    return intake.post_answers(session, audit, places, round_id=round_id, batch=body)


@router.get("/hazard-due-rules", dependencies=read_wide)
def list_due_rules(session: SessionDep) -> Page[DueRulePublic]:
    """The due periods by severity, each from its date."""
    return rules.list_rules(session)


@router.post("/hazard-due-rules", status_code=201, dependencies=manage_upkeep)
def set_due_rule(session: SessionDep, audit: AuditDep, body: DueRuleSet) -> DueRulePublic:
    """A severity's due period from a date on (hazards found before keep theirs)."""
    return rules.set_rule(session, audit, data=body)


@router.get("/hazards", dependencies=read_scoped)
def list_hazards(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    status: HazardStatus | None = None,
    compound_id: uuid.UUID | None = None,
    severity: Severity | None = None,
    unit_id: uuid.UUID | None = None,
    overdue: bool = False,
) -> Page[HazardPublic]:
    """Hazards newest first (a liaison: its unit's; staff: those they are responsible for)."""
    return service.list_hazards(
        session,
        params,
        scope,
        status=status,
        compound_id=compound_id,
        severity=severity,
        unit_id=unit_id,
        overdue=overdue,
    )


@router.get("/hazards/dashboard", dependencies=read_wide)
def hazards_dashboard(session: SessionDep, compound_id: uuid.UUID | None = None) -> Dashboard:
    """Hazards not closed, by compound, severity and age, with the overdue among them."""
    return dashboard.dashboard(session, compound_id=compound_id)


@router.post("/hazards/escalate", dependencies=manage_upkeep)
def escalate(session: SessionDep, audit: AuditDep) -> EscalationRun:
    """Escalate the overdue hazards (to the unit, then the director); repeatable."""
    return escalation.run(session, audit)


@router.get("/hazards/escalations", dependencies=read_wide)
def list_escalations(
    session: SessionDep,
    params: PageDep,
    level: EscalationLevel | None = None,
    compound_id: uuid.UUID | None = None,
) -> Page[EscalationPublic]:
    """Escalations newest first, with their hazards."""
    return escalation.report(session, params, level=level, compound_id=compound_id)


@router.get("/hazards/{hazard_id}", dependencies=read_scoped)
def get_hazard(
    session: SessionDep,
    scope: ScopeDep,
    places: PlacesDep,
    hazard_id: uuid.UUID,
    response: Response,
) -> HazardDetail:
    """One hazard with its place as assets shows it (or cached, with its age)."""
    found = service.detail(session, scope, places, hazard_id)
    response.headers["ETag"] = etag(found.version)
    return found


@router.post("/hazards/{hazard_id}/assign", dependencies=manage_upkeep)
def assign_hazard(
    session: SessionDep,
    audit: AuditDep,
    scope: ScopeDep,
    hazard_id: uuid.UUID,
    body: HazardAssign,
    expected: ExpectedVersion,
    response: Response,
) -> HazardPublic:
    """Name the responsible unit and person."""
    row = service.assign(session, audit, scope, hazard_id, data=body, expected_version=expected)
    response.headers["ETag"] = etag(row.version)
    return row


@router.post("/hazards/{hazard_id}/fix", dependencies=manage_upkeep)
def fix_hazard(
    session: SessionDep,
    audit: AuditDep,
    scope: ScopeDep,
    hazard_id: uuid.UUID,
    body: HazardFix,
    expected: ExpectedVersion,
    response: Response,
) -> HazardPublic:
    """Record the fix and who made it."""
    row = service.fix(session, audit, scope, hazard_id, data=body, expected_version=expected)
    response.headers["ETag"] = etag(row.version)
    return row


@router.post("/hazards/{hazard_id}/close", dependencies=manage_upkeep)
def close_hazard(
    session: SessionDep,
    audit: AuditDep,
    scope: ScopeDep,
    hazard_id: uuid.UUID,
    body: HazardClose,
    expected: ExpectedVersion,
    response: Response,
) -> HazardPublic:
    """Close on a passing re-inspection by someone other than the fixer."""
    row = service.close(session, audit, scope, hazard_id, data=body, expected_version=expected)
    response.headers["ETag"] = etag(row.version)
    return row
