"""Organisation use cases; the only place here that commits."""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.personnel.organisation.models import (
    LeadingBody,
    Rank,
    Unit,
    UnitCreate,
    UnitKind,
    UnitPublic,
    UnitUpdate,
)
from shared.audit import AuditLog
from shared.concurrency import check_version
from shared.pagination import PageParams
from shared.problems import Conflict, NotFound, ProblemError
from shared.types import utcnow


def list_ranks(session: Session) -> list[Rank]:
    return list(session.exec(select(Rank).order_by(col(Rank.level))))


def list_bodies(session: Session) -> list[LeadingBody]:
    return list(session.exec(select(LeadingBody).order_by(col(LeadingBody.code))))


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
) -> tuple[list[Unit], int]:
    query = select(Unit)
    if body_id is not None:
        query = query.where(Unit.body_id == body_id)
    if kind is not None:
        query = query.where(Unit.kind == kind)
    if parent_id is not None:
        query = query.where(Unit.parent_id == parent_id)
    if active is not None:
        query = query.where(Unit.active == active)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = session.exec(query.order_by(col(Unit.code)).offset(params.offset).limit(params.limit))
    return list(page), total


def _check_placement(
    session: Session, kind: UnitKind, body_id: uuid.UUID, parent_id: uuid.UUID | None
) -> None:
    """A budget unit sits directly under a leading body; a section inside a budget unit of
    the same body."""
    if session.get(LeadingBody, body_id) is None:
        raise ProblemError(422, "UNKNOWN_BODY", f"leading body {body_id} does not exist")
    if kind == UnitKind.BUDGET_UNIT:
        if parent_id is not None:
            raise ProblemError(
                422,
                "BUDGET_UNIT_HAS_NO_PARENT",
                "a budget unit belongs to a leading body, not to another unit",
            )
        return
    parent = session.get(Unit, parent_id) if parent_id is not None else None
    if parent is None or parent.kind != UnitKind.BUDGET_UNIT:
        raise ProblemError(
            422,
            "SECTION_NEEDS_BUDGET_UNIT",
            "a section needs parent_id naming an existing budget unit",
        )
    if parent.body_id != body_id:
        raise ProblemError(
            422,
            "SECTION_BODY_MISMATCH",
            "a section belongs to the same leading body as its budget unit",
        )


def create_unit(*, session: Session, audit: AuditLog, data: UnitCreate) -> Unit:
    _check_placement(session, data.kind, data.body_id, data.parent_id)
    if session.exec(select(Unit).where(Unit.code == data.code)).first() is not None:
        raise Conflict("UNIT_CODE_TAKEN", f"unit code {data.code!r} is taken")
    unit = Unit(**data.model_dump())
    session.add(unit)
    session.flush()
    audit.record(
        session,
        action="unit.create",
        resource_type="unit",
        resource_id=unit.id,
        after=UnitPublic.model_validate(unit, from_attributes=True).model_dump(),
    )
    session.commit()
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
    check_version("unit", unit.version, expected_version)
    before = UnitPublic.model_validate(unit, from_attributes=True).model_dump()
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(unit, name, value)
    unit.version += 1
    unit.updated_at = utcnow()
    session.add(unit)
    audit.record(
        session,
        action="unit.update",
        resource_type="unit",
        resource_id=unit.id,
        before=before,
        after=UnitPublic.model_validate(unit, from_attributes=True).model_dump(),
    )
    session.commit()
    return unit
