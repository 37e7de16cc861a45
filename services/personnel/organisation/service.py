"""Organisation use cases: reference data, budget units and sections (flushes only; the
request's unit of work commits)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from services.personnel.organisation.models import LeadingBody, Rank, Unit, UnitKind
from services.personnel.organisation.schemas import (
    BodyPublic,
    RankPublic,
    UnitCreate,
    UnitPublic,
    UnitUpdate,
)
from shared.audit import AuditLog
from shared.changes import apply_update, record_creation
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound


def unit_public(unit: Unit) -> UnitPublic:
    return UnitPublic.model_validate(unit, from_attributes=True)


def _view(unit: Unit) -> dict[str, Any]:
    return unit_public(unit).model_dump()


def list_ranks(session: Session) -> Page[RankPublic]:
    ranks = session.exec(select(Rank).order_by(col(Rank.level)))
    return Page.whole([RankPublic.model_validate(r, from_attributes=True) for r in ranks])


def list_bodies(session: Session) -> Page[BodyPublic]:
    bodies = session.exec(select(LeadingBody).order_by(col(LeadingBody.code)))
    return Page.whole([BodyPublic.model_validate(b, from_attributes=True) for b in bodies])


def get_unit(session: Session, unit_id: uuid.UUID, *, lock: bool = False) -> Unit:
    unit = session.get(Unit, unit_id, with_for_update=lock)
    if unit is None:
        raise NotFound("unit", unit_id)
    return unit


def list_units(
    session: Session,
    params: PageParams,
    *,
    body_id: uuid.UUID | None = None,
    kind: UnitKind | None = None,
    parent_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Page[UnitPublic]:
    query = select(Unit)
    if body_id is not None:
        query = query.where(Unit.body_id == body_id)
    if kind is not None:
        query = query.where(Unit.kind == kind)
    if parent_id is not None:
        query = query.where(Unit.parent_id == parent_id)
    if active is not None:
        query = query.where(Unit.active == active)
    return paginate(session, query, params, col(Unit.code), view=unit_public)


def _check_placement(
    session: Session, kind: UnitKind, body_id: uuid.UUID, parent_id: uuid.UUID | None
) -> None:
    """A budget unit sits directly under a leading body; a section inside a budget unit of
    the same body."""
    if session.get(LeadingBody, body_id) is None:
        raise Invalid("UNKNOWN_BODY", f"leading body {body_id} does not exist")
    if kind == UnitKind.BUDGET_UNIT:
        if parent_id is not None:
            raise Invalid(
                "BUDGET_UNIT_HAS_NO_PARENT",
                "a budget unit belongs to a leading body, not to another unit",
            )
        return
    parent = session.get(Unit, parent_id) if parent_id is not None else None
    if parent is None or parent.kind != UnitKind.BUDGET_UNIT:
        raise Invalid(
            "SECTION_NEEDS_BUDGET_UNIT", "a section needs parent_id naming an existing budget unit"
        )
    if parent.body_id != body_id:
        raise Invalid(
            "SECTION_BODY_MISMATCH", "a section belongs to the same leading body as its budget unit"
        )


def create_unit(*, session: Session, audit: AuditLog, data: UnitCreate) -> Unit:
    _check_placement(session, data.kind, data.body_id, data.parent_id)
    if session.exec(select(Unit).where(Unit.code == data.code)).first() is not None:
        raise Conflict("UNIT_CODE_TAKEN", f"unit code {data.code!r} is taken")
    unit = Unit(**data.model_dump())
    record_creation(
        session,
        audit,
        unit,
        action="unit.create",
        resource_type="unit",
        after=_view(unit),
    )
    return unit


def update_unit(
    *,
    session: Session,
    audit: AuditLog,
    unit_id: uuid.UUID,
    data: UnitUpdate,
    expected_version: int | None,
) -> Unit:
    unit = get_unit(session, unit_id, lock=True)
    changes = data.model_dump(exclude_unset=True)
    return apply_update(
        session,
        audit,
        unit,
        changes,
        resource_type="unit",
        view=_view,
        expected_version=expected_version,
    )
