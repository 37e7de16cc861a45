"""Staff use cases: hire, change a posting from a day on, read as of a day (flushes only; the
request's unit of work commits)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, false, or_
from sqlmodel import Session, col, select

from services.personnel.organisation.models import Rank, Unit
from services.personnel.positions.models import Position
from services.personnel.staff import identity_numbers as ids
from services.personnel.staff.access import FULL_ACCESS, StaffScope, with_sections
from services.personnel.staff.models import Staff, StaffPeriod
from services.personnel.staff.schemas import (
    ContactUpdate,
    PeriodPublic,
    PostingChange,
    StaffBulkPage,
    StaffCreate,
    StaffPublic,
)
from shared.audit import AuditLog
from shared.changes import apply_update, record_change
from shared.concurrency import check_version
from shared.pagination import Listing, Page, PageParams
from shared.problems import Conflict, Invalid, NotFound, ProblemError
from shared.scope import RowScope, claim_uuid
from shared.types import today


def period_on(day: date | Any) -> Any:
    """SQL condition: the period that covers ``day`` (a date, or a bound parameter of one)."""
    return and_(
        col(StaffPeriod.valid_from) <= day,
        or_(col(StaffPeriod.valid_to).is_(None), col(StaffPeriod.valid_to) > day),
    )


def public(
    staff: Staff, period: StaffPeriod | None, day: date, scope: StaffScope, vault: ids.IdVault
) -> StaffPublic:
    national_id = (
        vault.decrypt(staff.national_id_cipher) if scope.full_ids else staff.national_id_masked
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
        raise Invalid("UNKNOWN_UNIT", f"unit {unit_id} does not exist")
    if session.get(Rank, rank_code) is None:
        raise Invalid("UNKNOWN_RANK", f"rank {rank_code!r} does not exist")
    if position_id is not None:
        position = session.get(Position, position_id)
        if position is None:
            raise Invalid("UNKNOWN_POSITION", f"position {position_id} does not exist")
        if position.unit_id != unit_id:
            raise Invalid("POSITION_IN_ANOTHER_UNIT", "the position belongs to another unit")


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


def visible(
    session: Session, scope: StaffScope, staff_id: uuid.UUID, day: date
) -> tuple[Staff, StaffPeriod | None]:
    """The staff record if the caller may see it; 404 (not 403) so ids cannot be probed."""
    staff = session.get(Staff, staff_id)
    period = posting_on(session, staff_id, day) if staff else None
    if staff is None or not scope.allows(staff_id, period.unit_id if period else None):
        raise NotFound("staff", staff_id)
    if scope.units is not None and day != today():
        # a unit sees its people's past only while they are still its people: the record
        # carries today's contact details, which belong to the unit they are in now
        now = posting_on(session, staff_id, today())
        if not scope.allows(staff_id, now.unit_id if now else None):
            raise NotFound("staff", staff_id)
    return staff, period


def read(
    session: Session, vault: ids.IdVault, scope: StaffScope, staff_id: uuid.UUID, day: date
) -> StaffPublic:
    """One staff record with the posting on ``day``, as the caller may see it."""
    staff, period = visible(session, scope, staff_id, day)
    return public(staff, period, day, scope, vault)


def read_own(
    session: Session,
    vault: ids.IdVault,
    scope: StaffScope,
    staff_claim: str | None,
    day: date,
) -> StaffPublic:
    """The caller's own record (404 when the account is linked to none)."""
    own = scope.rows.staff_id or claim_uuid(staff_claim)
    if own is None:
        raise ProblemError(404, "NO_STAFF_RECORD", "this account is not linked to a staff record")
    mine = StaffScope(rows=RowScope(staff_id=own), full_ids=scope.full_ids)
    return read(session, vault, mine, own, day)


def history(session: Session, scope: StaffScope, staff_id: uuid.UUID) -> Page[PeriodPublic]:
    """Every posting of a person the caller may see, oldest first."""
    visible(session, scope, staff_id, today())
    periods = session.exec(
        select(StaffPeriod)
        .where(StaffPeriod.staff_id == staff_id)
        .order_by(col(StaffPeriod.valid_from))
    )
    return Page.whole([PeriodPublic.model_validate(p, from_attributes=True) for p in periods])


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


def hire(
    *, session: Session, audit: AuditLog, vault: ids.IdVault, data: StaffCreate
) -> StaffPublic:
    """Create a staff record with its first posting; answered as hr_officer sees it."""
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
    day = data.effective_from
    return public(staff, posting_on(session, staff.id, day), day, FULL_ACCESS, vault)


def _next_period(session: Session, current: StaffPeriod, data: PostingChange) -> StaffPeriod:
    """The posting that follows ``current`` from ``data.effective_from`` (checked)."""
    if data.effective_from <= current.valid_from:
        raise Invalid(
            "CHANGE_NOT_AFTER_CURRENT_POSTING",
            f"the current posting started {current.valid_from}; a change must "
            "take effect after that",
        )
    unit_id = data.unit_id or current.unit_id
    moved = data.unit_id is not None and data.unit_id != current.unit_id
    position_id = data.position_id or (None if moved else current.position_id)
    rank_code = data.rank_code or current.rank_code
    _check_posting(session, unit_id, position_id, rank_code)
    return StaffPeriod(
        staff_id=current.staff_id,
        valid_from=data.effective_from,
        status=data.status or current.status,
        unit_id=unit_id,
        position_id=position_id,
        rank_code=rank_code,
        reason=data.reason,
    )


def change_posting(
    *,
    session: Session,
    audit: AuditLog,
    staff_id: uuid.UUID,
    data: PostingChange,
    expected_version: int | None,
) -> PeriodPublic:
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
    period = _next_period(session, current, data)
    before = _audit_view(staff, current)
    current.valid_to = data.effective_from
    session.add(current)
    session.flush()
    session.add(period)
    record_change(
        session,
        audit,
        staff,
        action="staff.posting_change",
        resource_type="staff",
        before=before,
        after=_audit_view(staff, period),
    )
    return PeriodPublic.model_validate(period, from_attributes=True)


def update_contact(
    *,
    session: Session,
    audit: AuditLog,
    vault: ids.IdVault,
    staff_id: uuid.UUID,
    data: ContactUpdate,
    expected_version: int | None,
) -> StaffPublic:
    """Correct name or contact details; answered as hr_officer sees the record today."""
    staff = get_staff(session, staff_id, lock=True)
    apply_update(
        session,
        audit,
        staff,
        data.model_dump(exclude_unset=True),
        resource_type="staff",
        view=lambda s: _audit_view(s, None),
        expected_version=expected_version,
    )
    day = today()
    return public(staff, posting_on(session, staff_id, day), day, FULL_ACCESS, vault)


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
    limit = scope.condition(StaffPeriod.unit_id, Staff.id)
    if limit is not None:
        query = query.where(limit)
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


# staff as posted on a day (``day`` bound), by staff number; the caller's scope and the
# request's filters are bound parameters, so the statements are built once per shape
STAFF_LIST: Listing[Any] = Listing(
    select(Staff, StaffPeriod).join(
        StaffPeriod,
        and_(col(StaffPeriod.staff_id) == col(Staff.id), period_on(bindparam("day"))),
    ),
    col(Staff.staff_no),
    filters={
        "scope_units": lambda v: col(StaffPeriod.unit_id).in_(v),
        "scope_self": lambda v: col(Staff.id) == v,
        "scope_units_or_self": lambda v: or_(
            col(StaffPeriod.unit_id).in_(v), col(Staff.id) == bindparam("scope_self_too")
        ),
        "scope_nobody": lambda v: false(),
        "unit_ids": lambda v: col(StaffPeriod.unit_id).in_(v),
        "status": lambda v: col(StaffPeriod.status) == v,
        "rank_code": lambda v: col(StaffPeriod.rank_code) == v,
        "position_id": lambda v: col(StaffPeriod.position_id) == v,
    },
    expanding={"scope_units", "scope_units_or_self", "unit_ids"},
)


def _scope_filters(scope: StaffScope) -> tuple[dict[str, Any], dict[str, Any]]:
    """``StaffScope.condition`` as ``STAFF_LIST`` filters and the extra values they bind."""
    if scope.rows.everything:
        return {}, {}
    units = sorted(scope.units) if scope.units is not None else None
    staff_id = scope.rows.staff_id
    if units is not None and staff_id is not None:
        return {"scope_units_or_self": units}, {"scope_self_too": staff_id}
    if units is not None:
        return {"scope_units": units}, {}
    if staff_id is not None:
        return {"scope_self": staff_id}, {}
    return {"scope_nobody": True}, {}


def list_staff(
    session: Session,
    params: PageParams,
    scope: StaffScope,
    vault: ids.IdVault,
    *,
    day: date,
    unit_ids: Sequence[uuid.UUID] | None = None,
    status: str | None = None,
    rank_code: str | None = None,
    position_id: uuid.UUID | None = None,
) -> Page[StaffPublic]:
    """Staff as posted on ``day``, in staff-number order, within the caller's scope."""
    scoped, binds = _scope_filters(scope)
    return STAFF_LIST.page(
        session,
        params,
        view=lambda row: public(row[0], row[1], day, scope, vault),
        binds={"day": day, **binds},
        unit_ids=with_sections(session, list(unit_ids)) if unit_ids else None,
        status=status,
        rank_code=rank_code,
        position_id=position_id,
        **scoped,
    )


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


def bulk_page(
    session: Session,
    scope: StaffScope,
    vault: ids.IdVault,
    *,
    day: date,
    after: str | None,
    limit: int,
    unit_ids: Sequence[uuid.UUID] | None = None,
    status: str | None = None,
) -> StaffBulkPage:
    """Up to ``limit`` staff after ``after``, and where the next slice starts."""
    # one row more than asked tells whether another slice follows
    rows = bulk(
        session, scope, day=day, after=after, limit=limit + 1, unit_ids=unit_ids, status=status
    )
    items = [public(s, p, day, scope, vault) for s, p in rows[:limit]]
    return StaffBulkPage(items=items, next_after=items[-1].staff_no if len(rows) > limit else None)
