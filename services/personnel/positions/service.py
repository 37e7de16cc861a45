"""Position use cases (flushes only; the request's unit of work commits)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from services.personnel.organisation.models import Rank, Unit
from services.personnel.positions.models import Position
from services.personnel.positions.schemas import PositionCreate, PositionPublic, PositionUpdate
from shared.audit import AuditLog
from shared.changes import apply_update, record_creation
from shared.concurrency import check_version
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound


def position_public(position: Position) -> PositionPublic:
    return PositionPublic.model_validate(position, from_attributes=True)


def _view(position: Position) -> dict[str, Any]:
    return position_public(position).model_dump()


def get_position(session: Session, position_id: uuid.UUID, *, lock: bool = False) -> Position:
    position = session.get(Position, position_id, with_for_update=lock)
    if position is None:
        raise NotFound("position", position_id)
    return position


def list_positions(
    session: Session,
    params: PageParams,
    *,
    unit_id: uuid.UUID | None = None,
    rank_code: str | None = None,
    active: bool | None = None,
) -> Page[PositionPublic]:
    query = select(Position)
    if unit_id is not None:
        query = query.where(Position.unit_id == unit_id)
    if rank_code is not None:
        query = query.where(Position.rank_code == rank_code)
    if active is not None:
        query = query.where(Position.active == active)
    return paginate(session, query, params, col(Position.code), view=position_public)


def _check_references(session: Session, unit_id: uuid.UUID | None, rank_code: str | None) -> None:
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise Invalid("UNKNOWN_UNIT", f"unit {unit_id} does not exist")
    if rank_code is not None and session.get(Rank, rank_code) is None:
        raise Invalid("UNKNOWN_RANK", f"rank {rank_code!r} does not exist")


def create_position(*, session: Session, audit: AuditLog, data: PositionCreate) -> Position:
    _check_references(session, data.unit_id, data.rank_code)
    if session.exec(select(Position).where(Position.code == data.code)).first() is not None:
        raise Conflict("POSITION_CODE_TAKEN", f"position code {data.code!r} is taken")
    position = Position(**data.model_dump())
    record_creation(
        session,
        audit,
        position,
        action="position.create",
        resource_type="position",
        after=_view(position),
    )
    return position


def update_position(
    *,
    session: Session,
    audit: AuditLog,
    position_id: uuid.UUID,
    data: PositionUpdate,
    expected_version: int | None,
) -> Position:
    position = get_position(session, position_id, lock=True)
    check_version("position", position.version, expected_version)  # before the rank's 422
    changes = data.model_dump(exclude_unset=True)
    _check_references(session, None, changes.get("rank_code"))
    return apply_update(session, audit, position, changes, resource_type="position", view=_view)
