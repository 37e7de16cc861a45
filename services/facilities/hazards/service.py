"""A hazard's life: open → assigned → fixed → closed. Rules:

- ``assign`` names the responsible unit and person (an open or assigned hazard; a fixed or
  closed one: 409 ``HAZARD_FIXED`` / ``HAZARD_CLOSED``);
- ``fix`` records who fixed it, the fixer (an assigned hazard only: 409
  ``HAZARD_NOT_ASSIGNED``);
- ``close`` only by a passing re-inspection: an ``ok`` answer to the same checklist item (by
  code, whatever the checklist's version) in another round of the hazard's compound that
  covers its building (422 ``NO_REINSPECTION`` / ``REINSPECTION_ELSEWHERE``), answered after
  the fix (409 ``REINSPECTION_BEFORE_FIX``) by an inspector who is not the fixer (409
  ``REINSPECTED_BY_FIXER``); a defect or not-applicable answer is 409
  ``REINSPECTION_NOT_PASSED``; a hazard not yet fixed is 409 ``HAZARD_NOT_FIXED``;
- reads are scoped: the wide readers see every hazard, a liaison its own unit's (the
  responsible unit), staff those they are responsible for (403 otherwise, as a 404 would
  tell them it exists).
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from services.facilities.hazards.models import Hazard, HazardStatus
from services.facilities.hazards.schemas import (
    HazardAssign,
    HazardClose,
    HazardDetail,
    HazardFix,
    HazardPublic,
)
from services.facilities.inspections.models import Answer, Outcome, Severity
from services.facilities.inspections.service import get_round
from services.facilities.locations.service import PlaceSource, require_place
from shared.audit import AuditLog
from shared.changes import record_change
from shared.concurrency import check_version
from shared.pagination import Listing, Page, PageParams
from shared.problems import Conflict, Invalid, NotFound
from shared.scope import RowScope
from shared.types import utcnow


def public(row: Hazard) -> HazardPublic:
    return HazardPublic.model_validate(row, from_attributes=True)


HAZARDS: Listing[Hazard] = Listing(
    select(Hazard),
    col(Hazard.found_at).desc(),
    col(Hazard.id),
    filters={
        "status": lambda v: col(Hazard.status) == v,
        "compound_id": lambda v: col(Hazard.compound_id) == v,
        "severity": lambda v: col(Hazard.severity) == v,
        "unit_id": lambda v: col(Hazard.responsible_unit_id) == v,
        "staff_id": lambda v: col(Hazard.responsible_staff_id) == v,
        "overdue_at": lambda v: col(Hazard.due_at) < v,
    },
)


def list_hazards(
    session: Session,
    params: PageParams,
    scope: RowScope,
    *,
    status: HazardStatus | None = None,
    compound_id: uuid.UUID | None = None,
    severity: Severity | None = None,
    unit_id: uuid.UUID | None = None,
    overdue: bool = False,
) -> Page[HazardPublic]:
    """Hazards newest first; a liaison's narrowed to its unit, staff's to their own."""
    scope.check_filters(unit_id=unit_id)
    staff_id = None
    if not scope.everything:
        unit_id, staff_id = scope.unit_id, None if scope.unit_id else scope.staff_id
    return HAZARDS.page(
        session,
        params,
        view=public,
        status=status,
        compound_id=compound_id,
        severity=severity,
        unit_id=unit_id,
        staff_id=staff_id,
        overdue_at=utcnow() if overdue else None,
    )


def get(session: Session, scope: RowScope, hazard_id: uuid.UUID, *, lock: bool = False) -> Hazard:
    query = select(Hazard).where(Hazard.id == hazard_id)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound("hazard", hazard_id)
    scope.check(unit_id=row.responsible_unit_id, staff_id=row.responsible_staff_id)
    return row


def detail(
    session: Session, scope: RowScope, places: PlaceSource, hazard_id: uuid.UUID
) -> HazardDetail:
    row = get(session, scope, hazard_id)
    place = require_place(
        session,
        places,
        compound_id=row.compound_id,
        building_id=row.building_id,
        room_id=row.room_id,
        active=False,
    )
    return HazardDetail(**public(row).model_dump(), place=place.public())


def _change(
    session: Session, audit: AuditLog, row: Hazard, action: str, before: HazardPublic
) -> HazardPublic:
    record_change(
        session,
        audit,
        row,
        action=f"hazard.{action}",
        resource_type="hazard",
        before=before.model_dump(mode="json"),
        after_view=lambda r: public(r).model_dump(mode="json"),
    )
    return public(row)


def assign(
    session: Session,
    audit: AuditLog,
    scope: RowScope,
    hazard_id: uuid.UUID,
    *,
    data: HazardAssign,
    expected_version: int | None,
) -> HazardPublic:
    row = get(session, scope, hazard_id, lock=True)
    check_version("hazard", row.version, expected_version)
    if row.status == HazardStatus.CLOSED:
        raise Conflict("HAZARD_CLOSED", "the hazard is closed")
    if row.status == HazardStatus.FIXED:
        raise Conflict("HAZARD_FIXED", "the hazard is fixed and awaits its re-inspection")
    before = public(row)
    row.responsible_unit_id, row.responsible_staff_id = data.unit_id, data.staff_id
    row.status, row.assigned_at = HazardStatus.ASSIGNED, utcnow()
    return _change(session, audit, row, "assign", before)


def fix(
    session: Session,
    audit: AuditLog,
    scope: RowScope,
    hazard_id: uuid.UUID,
    *,
    data: HazardFix,
    expected_version: int | None,
) -> HazardPublic:
    row = get(session, scope, hazard_id, lock=True)
    check_version("hazard", row.version, expected_version)
    if row.status != HazardStatus.ASSIGNED:
        raise Conflict("HAZARD_NOT_ASSIGNED", f"the hazard is {row.status}, not assigned")
    before = public(row)
    row.status, row.fixed_at = HazardStatus.FIXED, utcnow()
    row.fixer_id, row.fix_note = data.fixer_id, data.note
    return _change(session, audit, row, "fix", before)


def _passing_answer(session: Session, row: Hazard, round_id: uuid.UUID) -> Answer:
    """The re-inspection's answer that passes ``row``, or the refusal why it does not."""
    if round_id == row.round_id:
        raise Invalid("NO_REINSPECTION", "the round that found the hazard cannot pass it")
    round_ = get_round(session, round_id)
    covers = not round_.building_ids or (
        row.building_id is not None and str(row.building_id) in round_.building_ids
    )
    if round_.compound_id != row.compound_id or not covers:
        raise Invalid("REINSPECTION_ELSEWHERE", "that round did not inspect the hazard's place")
    answer = session.exec(
        select(Answer).where(Answer.round_id == round_id, Answer.item_code == row.item_code)
    ).first()
    if answer is None:
        raise Invalid("NO_REINSPECTION", f"that round has no answer to item {row.item_code}")
    assert row.fixed_at is not None
    if answer.answered_at < row.fixed_at:
        raise Conflict("REINSPECTION_BEFORE_FIX", "that answer was given before the fix")
    if answer.inspector_id == row.fixer_id:
        raise Conflict("REINSPECTED_BY_FIXER", "the fixer cannot pass their own fix")
    if answer.outcome != Outcome.OK:
        raise Conflict("REINSPECTION_NOT_PASSED", f"the re-inspection found {answer.outcome}")
    return answer


def close(
    session: Session,
    audit: AuditLog,
    scope: RowScope,
    hazard_id: uuid.UUID,
    *,
    data: HazardClose,
    expected_version: int | None,
) -> HazardPublic:
    row = get(session, scope, hazard_id, lock=True)
    check_version("hazard", row.version, expected_version)
    if row.status != HazardStatus.FIXED:
        raise Conflict("HAZARD_NOT_FIXED", f"the hazard is {row.status}: fix it first")
    _passing_answer(session, row, data.round_id)
    before = public(row)
    row.status, row.closed_at, row.closing_round_id = HazardStatus.CLOSED, utcnow(), data.round_id
    return _change(session, audit, row, "close", before)
