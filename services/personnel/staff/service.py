"""Staff use cases: hire, change a posting from a day on, read as of a day; the only place
here that commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from services.personnel.organisation.models import Rank, Unit
from services.personnel.positions.models import Position
from services.personnel.staff import identity_numbers as ids
from services.personnel.staff.models import Staff, StaffPeriod
from services.personnel.staff.schemas import (
    ContactUpdate,
    PeriodPublic,
    PostingChange,
    StaffCreate,
    StaffPublic,
)
from services.personnel.staff.scope import StaffScope, with_sections
from shared.audit import AuditLog
from shared.concurrency import check_version
from shared.pagination import PageParams
from shared.problems import Conflict, NotFound, ProblemError
from shared.types import utcnow


def period_on(day: date) -> Any:
    """SQL condition: the period that covers ``day``."""
    return and_(
        col(StaffPeriod.valid_from) <= day,
        or_(col(StaffPeriod.valid_to).is_(None), col(StaffPeriod.valid_to) > day),
    )


def public(
    staff: Staff, period: StaffPeriod | None, day: date, scope: StaffScope, vault: ids.IdVault
) -> StaffPublic:
    national_id = (
        vault.decrypt(staff.national_id_cipher) if scope.full_ids else (staff.national_id_masked)
    )
    return StaffPublic(
        id=staff.id,
        staff_no=staff.staff_no,
        name=staff.name,
        national_id=national_id,
        phone=staff.phone,
        email=staff.email,
        version=staff.version,
        as_of=day,
        posting=PeriodPublic.model_validate(period, from_attributes=True) if period else None,
    )


def _audit_view(staff: Staff, period: StaffPeriod | None) -> dict[str, Any]:
    """What the audit trail keeps: never the ID number, only its masked form."""
    view: dict[str, Any] = {
        "staff_no": staff.staff_no,
        "name": staff.name,
        "national_id": staff.national_id_masked,
        "phone": staff.phone,
        "email": staff.email,
    }
    if period is not None:
        view["posting"] = PeriodPublic.model_validate(period, from_attributes=True).model_dump()
    return view


def _check_posting(
    session: Session, unit_id: uuid.UUID, position_id: uuid.UUID | None, rank_code: str
) -> None:
    if session.get(Unit, unit_id) is None:
        raise ProblemError(422, "UNKNOWN_UNIT", f"unit {unit_id} does not exist")
    if session.get(Rank, rank_code) is None:
        raise ProblemError(422, "UNKNOWN_RANK", f"rank {rank_code!r} does not exist")
    if position_id is not None:
        position = session.get(Position, position_id)
        if position is None:
            raise ProblemError(422, "UNKNOWN_POSITION", f"position {position_id} does not exist")
        if position.unit_id != unit_id:
            raise ProblemError(
                422, "POSITION_IN_ANOTHER_UNIT", "the position belongs to another unit"
            )


def get_staff(session: Session, staff_id: uuid.UUID, *, lock: bool = False) -> Staff:
    """The staff record; ``lock`` holds its row until commit (PostgreSQL), so two changes of
    one person queue instead of both passing the same ``If-Match``."""
    staff = session.get(Staff, staff_id, with_for_update=lock)
    if staff is None:
        raise NotFound("staff", staff_id)
    return staff


def posting_on(session: Session, staff_id: uuid.UUID, day: date) -> StaffPeriod | None:
    return session.exec(
        select(StaffPeriod).where(StaffPeriod.staff_id == staff_id, period_on(day))
    ).first()


def history(session: Session, staff_id: uuid.UUID) -> list[StaffPeriod]:
    return list(
        session.exec(
            select(StaffPeriod)
            .where(StaffPeriod.staff_id == staff_id)
            .order_by(col(StaffPeriod.valid_from))
        )
    )


def new_staff(data: StaffCreate, digest: str, vault: ids.IdVault) -> tuple[Staff, StaffPeriod]:
    """The staff record and first posting of a hire, for checked ``data`` (its ID number
    normalised) and the number's digest; the caller adds them, staff row first."""
    number = data.national_id
    staff = Staff(
        staff_no=data.staff_no,
        name=data.name,
        national_id_cipher=vault.encrypt(number),
        national_id_digest=digest,
        national_id_masked=ids.mask(number),
        phone=data.phone,
        email=data.email,
    )
    period = StaffPeriod(
        staff_id=staff.id,
        valid_from=data.effective_from,
        status=data.status,
        unit_id=data.unit_id,
        position_id=data.position_id,
        rank_code=data.rank_code,
        reason="hired",
    )
    return staff, period


def hire(*, session: Session, audit: AuditLog, vault: ids.IdVault, data: StaffCreate) -> Staff:
    """Create a staff record with its first posting."""
    _check_posting(session, data.unit_id, data.position_id, data.rank_code)
    number = ids.normalise(data.national_id)
    digest = vault.digest(number)
    if session.exec(select(Staff.id).where(Staff.staff_no == data.staff_no)).first():
        raise Conflict("STAFF_NO_TAKEN", f"staff number {data.staff_no!r} is taken")
    if session.exec(select(Staff.id).where(Staff.national_id_digest == digest)).first():
        raise Conflict("NATIONAL_ID_TAKEN", "a staff record with this ID number exists")
    staff, period = new_staff(data.model_copy(update={"national_id": number}), digest, vault)
    session.add(staff)
    session.flush()  # the posting refers to the staff row
    session.add(period)
    audit.record(
        session,
        action="staff.hire",
        resource_type="staff",
        resource_id=staff.id,
        after=_audit_view(staff, period),
    )
    session.commit()
    return staff


def change_posting(
    *,
    session: Session,
    audit: AuditLog,
    staff_id: uuid.UUID,
    data: PostingChange,
    expected_version: int | None,
) -> StaffPeriod:
    """End the open period on ``effective_from`` and open the next one from that day
    (periods are half-open: ``valid_from <= day < valid_to``).

    Changes go forward only: ``effective_from`` must come after the start of the open
    period (a correction of the past is a new change with its reason, not a rewrite).
    """
    staff = get_staff(session, staff_id, lock=True)
    check_version("staff", staff.version, expected_version)
    current = session.exec(
        select(StaffPeriod).where(
            StaffPeriod.staff_id == staff_id, col(StaffPeriod.valid_to).is_(None)
        )
    ).one()
    if data.effective_from <= current.valid_from:
        raise ProblemError(
            422,
            "CHANGE_NOT_AFTER_CURRENT_POSTING",
            f"the current posting started {current.valid_from}; a change must "
            "take effect after that",
        )
    unit_id = data.unit_id or current.unit_id
    moved = data.unit_id is not None and data.unit_id != current.unit_id
    position_id = data.position_id or (None if moved else current.position_id)
    rank_code = data.rank_code or current.rank_code
    _check_posting(session, unit_id, position_id, rank_code)
    before = _audit_view(staff, current)
    current.valid_to = data.effective_from
    session.add(current)
    session.flush()
    period = StaffPeriod(
        staff_id=staff_id,
        valid_from=data.effective_from,
        status=data.status or current.status,
        unit_id=unit_id,
        position_id=position_id,
        rank_code=rank_code,
        reason=data.reason,
    )
    session.add(period)
    staff.version += 1
    staff.updated_at = utcnow()
    session.add(staff)
    audit.record(
        session,
        action="staff.posting_change",
        resource_type="staff",
        resource_id=staff.id,
        before=before,
        after=_audit_view(staff, period),
    )
    session.commit()
    return period


def update_contact(
    *,
    session: Session,
    audit: AuditLog,
    staff_id: uuid.UUID,
    data: ContactUpdate,
    expected_version: int | None,
) -> Staff:
    staff = get_staff(session, staff_id, lock=True)
    check_version("staff", staff.version, expected_version)
    before = _audit_view(staff, None)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(staff, name, value)
    staff.version += 1
    staff.updated_at = utcnow()
    session.add(staff)
    audit.record(
        session,
        action="staff.update",
        resource_type="staff",
        resource_id=staff.id,
        before=before,
        after=_audit_view(staff, None),
    )
    session.commit()
    return staff


def _listing(
    session: Session,
    scope: StaffScope,
    day: date,
    unit_ids: Sequence[uuid.UUID] | None,
    status: str | None,
    rank_code: str | None,
    position_id: uuid.UUID | None,
) -> Any:
    query = select(Staff, StaffPeriod).join(
        StaffPeriod, and_(col(StaffPeriod.staff_id) == col(Staff.id), period_on(day))
    )
    if scope.staff_id is not None:
        query = query.where(Staff.id == scope.staff_id)
    if scope.units is not None:
        query = query.where(col(StaffPeriod.unit_id).in_(scope.units))
    if unit_ids:
        units = with_sections(session, list(unit_ids))
        query = query.where(col(StaffPeriod.unit_id).in_(units))
    if status is not None:
        query = query.where(StaffPeriod.status == status)
    if rank_code is not None:
        query = query.where(StaffPeriod.rank_code == rank_code)
    if position_id is not None:
        query = query.where(StaffPeriod.position_id == position_id)
    return query


def list_staff(
    session: Session,
    params: PageParams,
    scope: StaffScope,
    *,
    day: date,
    unit_ids: Sequence[uuid.UUID] | None = None,
    status: str | None = None,
    rank_code: str | None = None,
    position_id: uuid.UUID | None = None,
) -> tuple[list[tuple[Staff, StaffPeriod]], int]:
    """Staff as posted on ``day``, in staff-number order, within the caller's scope."""
    query = _listing(session, scope, day, unit_ids, status, rank_code, position_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Staff.staff_no)).offset(params.offset).limit(params.limit)
    ).all()
    return [(s, p) for s, p in rows], total


def bulk(
    session: Session,
    scope: StaffScope,
    *,
    day: date,
    after: str | None,
    limit: int,
    unit_ids: Sequence[uuid.UUID] | None = None,
    status: str | None = None,
) -> list[tuple[Staff, StaffPeriod]]:
    """Keyset slice for peers reading everyone: one query per slice, no count."""
    query = _listing(session, scope, day, unit_ids, status, None, None)
    if after is not None:
        query = query.where(col(Staff.staff_no) > after)
    rows = session.exec(query.order_by(col(Staff.staff_no)).limit(limit)).all()
    return [(s, p) for s, p in rows]
