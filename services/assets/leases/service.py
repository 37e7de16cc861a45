"""Rules of leases of operating space. Functions only flush: the caller's unit of work commits.

- **Only operating space is let.** A room in office, meeting, equipment or storage use is
  non-operating space (非经营性资产: managed at no charge, never let): 409
  ``NON_OPERATING_ASSET``. Every room must be active (409 ``INACTIVE_ROOM``).
- **Only what somebody may operate is let.** Each room needs a holder of the operation right
  (经营权, its own or inherited from its building) on the first day of the term: 409
  ``NO_OPERATION_RIGHT``. The rent is that holder's revenue, so the holder must be a budget
  unit (409 ``OPERATOR_NOT_A_UNIT``), the same one for every room (409 ``MIXED_OPERATORS``).
- **No space is let twice.** Activating a lease locks its rooms' rows (in id order), then
  refuses it when an activated lease of any of them covers a day of its term (409
  ``LEASE_OVERLAP``): two activations of overlapping leases run one after the other, and the
  second sees the first.
- **Rent below the market floor needs a director.** A rent per m² below
  ``lease_min_market_share`` (setting, 0.8 by default) of the market rent the lease names goes
  to ``pending_approval`` on activation; a director approves it (and so activates it) or
  rejects it back to draft.
- **States**: draft → active, or draft → pending_approval → active (or back to draft);
  active → terminated (a draft or pending lease may be terminated too: withdrawn). An active
  lease whose term has ended is shown as ``expired``. Only a draft is edited.
- **The term fits the calendar and the law.** It ends on or after its start (422
  ``TERM_ENDS_BEFORE_START``), runs for less than 20 years (422 ``TERM_TOO_LONG``), and ends by
  9999-11-30, so the month after its last one exists (422 ``DAY_OUT_OF_RANGE``).
- **Every invoice is payable and fits an amount.** Rooms with no area cannot be let (409
  ``NO_LEASABLE_AREA``), nor more than 9999999999.99 m² in one lease (409
  ``LEASE_AREA_TOO_LARGE``); a whole month's rent is at least 1.00 (422
  ``MONTHLY_RENT_TOO_SMALL``: even one day of it is more than zero) and, escalated to the
  term's last year, at most 99999999999999.99 (422 ``MONTHLY_RENT_TOO_LARGE``). Checked on
  create, update and again on activation (a room's area may have changed).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from services.assets.leases.models import InvoiceStatus, Lease, LeaseInvoice, LeaseRoom, LeaseStatus
from services.assets.leases.schedule import (
    MAX_MONTHS,
    add_months,
    month_rent,
)
from services.assets.leases.schemas import (
    InvoicePublic,
    LeaseCreate,
    LeasePublic,
    LeaseUpdate,
)
from services.assets.realestate.models import Room, RoomUse
from services.assets.rights.models import Right, SubjectKind
from services.assets.rights.service import holder_on
from shared.audit import AuditLog
from shared.changes import record_change, record_creation
from shared.concurrency import check_version
from shared.pagination import Listing, Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound
from shared.types import today

# non-operating space: kept for the organs' own work, never let
NON_OPERATING = frozenset({RoomUse.OFFICE, RoomUse.MEETING, RoomUse.EQUIPMENT, RoomUse.STORAGE})
LAST_TERM_DAY = date(9999, 11, 30)  # the month after a term's last month must still exist
MAX_AREA = Decimal("9999999999.99")  # what a lease's area column holds
MIN_MONTH_RENT = Decimal("1.00")
MAX_MONTH_RENT = Decimal("99999999999999.99")  # what an amount of money holds


def room_ids(session: Session, lease_id: uuid.UUID) -> list[uuid.UUID]:
    query = select(LeaseRoom.room_id).where(LeaseRoom.lease_id == lease_id)
    return sorted(session.exec(query).all())


def public(session: Session, lease: Lease, rooms: list[uuid.UUID] | None = None) -> LeasePublic:
    """The lease as the API shows it (``rooms``: its room ids when the caller has them)."""
    status = LeaseStatus(lease.status)
    if status is LeaseStatus.ACTIVE and lease.ends_on < today():
        status = LeaseStatus.EXPIRED
    return LeasePublic.model_validate(
        {
            **{name: getattr(lease, name) for name in Lease.model_fields},
            "room_ids": room_ids(session, lease.id) if rooms is None else rooms,
            "monthly_rent": month_rent(lease.area_m2, lease.rent_per_m2, Decimal(0), 0),
            "status": status,
        }
    )


def _audited(session: Session, lease: Lease) -> dict[str, Any]:
    data: dict[str, Any] = public(session, lease).model_dump(mode="json", exclude={"version"})
    return data


def invoice_public(row: LeaseInvoice) -> InvoicePublic:
    return InvoicePublic.model_validate(row, from_attributes=True)


def get(session: Session, lease_id: uuid.UUID, *, lock: bool = False) -> Lease:
    lease = session.get(Lease, lease_id, with_for_update=lock, populate_existing=lock)
    if lease is None:
        raise NotFound("lease", lease_id)
    return lease


def _check_term(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise Invalid("TERM_ENDS_BEFORE_START", "a lease cannot end before it starts")
    if ends_on > LAST_TERM_DAY:
        raise Invalid("DAY_OUT_OF_RANGE", f"a lease's term ends by {LAST_TERM_DAY} at the latest")
    # a start whose 20th anniversary is past the calendar's end cannot be too long
    within = starts_on.year + MAX_MONTHS // 12 <= date.max.year
    if within and ends_on >= add_months(starts_on, MAX_MONTHS):
        raise Invalid("TERM_TOO_LONG", "a lease runs for at most 20 years")


def _last_year(starts_on: date, ends_on: date) -> int:
    """The year of the term (0: the first) its last month falls in (a checked term)."""
    k = (ends_on.year - starts_on.year) * 12 + ends_on.month - starts_on.month
    if add_months(starts_on, k) > ends_on:
        k -= 1
    return k // 12


def _check_rent(lease: Lease) -> None:
    """The area and the month's rent make payable invoices that fit an amount of money."""
    if lease.area_m2 <= 0:
        raise Conflict("NO_LEASABLE_AREA", "the rooms have no area: nothing can be charged")
    if lease.area_m2 > MAX_AREA:
        raise Conflict("LEASE_AREA_TOO_LARGE", f"a lease lets at most {MAX_AREA} m²")
    rent, pct = Decimal(lease.rent_per_m2), Decimal(lease.escalation_pct)
    if month_rent(lease.area_m2, rent, pct, 0) < MIN_MONTH_RENT:
        raise Invalid("MONTHLY_RENT_TOO_SMALL", f"a month's rent is at least {MIN_MONTH_RENT}")
    last = month_rent(lease.area_m2, rent, pct, _last_year(lease.starts_on, lease.ends_on))
    if last > MAX_MONTH_RENT:
        raise Invalid("MONTHLY_RENT_TOO_LARGE", f"the last year's month's rent {last} is too large")


def _rooms(session: Session, ids: Sequence[uuid.UUID], *, lock: bool = False) -> list[Room]:
    """The rooms, each existing (422 ``UNKNOWN_ROOM``), active and operating space (409)."""
    if len(set(ids)) != len(ids):
        raise Invalid("DUPLICATE_ROOM", "a room is named twice")
    query = select(Room).where(col(Room.id).in_(ids)).order_by(col(Room.id))
    if lock:
        query = query.with_for_update()
    rooms = list(session.exec(query).all())
    missing = set(ids) - {r.id for r in rooms}
    if missing:
        raise Invalid("UNKNOWN_ROOM", f"no room {sorted(map(str, missing))[0]}")
    for r in rooms:
        if not r.active:
            raise Conflict("INACTIVE_ROOM", f"room {r.code} is deactivated")
        if RoomUse(r.use) in NON_OPERATING:
            raise Conflict(
                "NON_OPERATING_ASSET",
                f"room {r.code} is {r.use} space: non-operating assets are not let",
            )
    return rooms


def _operator(session: Session, rooms: Sequence[Room], day: date) -> uuid.UUID:
    """The budget unit holding the operation right over every room on ``day``."""
    units: set[uuid.UUID] = set()
    for r in rooms:
        held = holder_on(session, SubjectKind.ROOM, r.id, Right.OPERATION, day)
        if held is None:
            raise Conflict(
                "NO_OPERATION_RIGHT", f"nobody holds the operation right over {r.code} on {day}"
            )
        if held.holding.holder_unit_id is None:
            raise Conflict(
                "OPERATOR_NOT_A_UNIT",
                f"the operation right over {r.code} is held by {held.holding.holder_name}, "
                "not a budget unit that can book the rent",
            )
        units.add(held.holding.holder_unit_id)
    if len(units) > 1:
        raise Conflict("MIXED_OPERATORS", "the rooms have different holders of the operation right")
    return units.pop()


def _area(rooms: Sequence[Room]) -> Decimal:
    return sum((Decimal(r.area_m2) for r in rooms), Decimal("0.00"))


def _free_code(session: Session, code: str, lease_id: uuid.UUID | None = None) -> None:
    taken = session.exec(select(Lease.id).where(Lease.code == code)).first()
    if taken is not None and taken != lease_id:
        raise Conflict("LEASE_CODE_TAKEN", f"lease code {code!r} is taken")


def _set_rooms(session: Session, lease_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
    for old in session.exec(select(LeaseRoom).where(LeaseRoom.lease_id == lease_id)).all():
        session.delete(old)
    session.flush()
    session.add_all(LeaseRoom(lease_id=lease_id, room_id=i) for i in ids)


def create(session: Session, audit: AuditLog, *, data: LeaseCreate) -> Lease:
    """A draft lease of operating rooms that someone may operate from its first day."""
    _check_term(data.starts_on, data.ends_on)
    rooms = _rooms(session, data.room_ids)
    _operator(session, rooms, data.starts_on)
    _free_code(session, data.code)
    lease = Lease(**data.model_dump(exclude={"room_ids"}), area_m2=_area(rooms))
    _check_rent(lease)
    session.add(lease)
    session.flush()
    _set_rooms(session, lease.id, data.room_ids)
    session.flush()
    return record_creation(
        session,
        audit,
        lease,
        action="lease.create",
        resource_type="lease",
        after=_audited(session, lease),
    )


def update(
    session: Session,
    audit: AuditLog,
    lease_id: uuid.UUID,
    *,
    data: LeaseUpdate,
    expected_version: int | None,
) -> Lease:
    """Correct a draft (``If-Match``); the rules of a new lease apply to the result."""
    lease = get(session, lease_id, lock=True)
    check_version("lease", lease.version, expected_version)
    if lease.status != LeaseStatus.DRAFT:
        raise Conflict("NOT_A_DRAFT", f"a lease is edited only as a draft (it is {lease.status})")
    changes = data.model_dump(exclude_unset=True)
    before = _audited(session, lease)
    ids = changes.pop("room_ids", None) or room_ids(session, lease.id)
    for name, value in changes.items():
        setattr(lease, name, value)
    _check_term(lease.starts_on, lease.ends_on)
    if "code" in changes:
        _free_code(session, lease.code, lease.id)
    rooms = _rooms(session, ids)
    _operator(session, rooms, lease.starts_on)
    lease.area_m2 = _area(rooms)
    _check_rent(lease)
    _set_rooms(session, lease.id, ids)
    session.flush()
    return record_change(
        session,
        audit,
        lease,
        action="lease.update",
        resource_type="lease",
        before=before,
        after_view=lambda row: _audited(session, row),
    )


# by code; statements built once per combination of filters (shared.pagination): an active
# lease is listed as expired or running by its end against today
LEASES: Listing[Lease] = Listing(
    select(Lease),
    col(Lease.code),
    filters={
        "active_ended_before": lambda v: (
            (col(Lease.status) == LeaseStatus.ACTIVE) & (col(Lease.ends_on) < v)
        ),
        "active_ending_from": lambda v: (
            (col(Lease.status) == LeaseStatus.ACTIVE) & (col(Lease.ends_on) >= v)
        ),
        "status": lambda v: col(Lease.status) == v,
        "room_id": lambda v: col(Lease.id).in_(
            select(LeaseRoom.lease_id).where(col(LeaseRoom.room_id) == v)
        ),
    },
)


def list_leases(
    session: Session,
    params: PageParams,
    *,
    status: LeaseStatus | None,
    room_id: uuid.UUID | None,
) -> Page[LeasePublic]:
    """Leases by code; ``status`` expired/active tell apart active leases by their end."""
    rows, total = LEASES.fetch(
        session,
        params,
        active_ended_before=today() if status is LeaseStatus.EXPIRED else None,
        active_ending_from=today() if status is LeaseStatus.ACTIVE else None,
        status=None if status in (None, LeaseStatus.EXPIRED, LeaseStatus.ACTIVE) else status,
        room_id=room_id,
    )
    rooms: dict[uuid.UUID, list[uuid.UUID]] = {row.id: [] for row in rows}
    if rows:
        pairs = select(LeaseRoom.lease_id, LeaseRoom.room_id).where(
            col(LeaseRoom.lease_id).in_(list(rooms))
        )
        for lease_id, room_id in session.exec(pairs):
            rooms[lease_id].append(room_id)
    items = [public(session, row, sorted(rooms[row.id])) for row in rows]
    return Page.of(items, total, params)


def invoices(
    session: Session, params: PageParams, lease_id: uuid.UUID, *, status: InvoiceStatus | None
) -> Page[InvoicePublic]:
    get(session, lease_id)
    query = select(LeaseInvoice).where(LeaseInvoice.lease_id == lease_id)
    if status is not None:
        query = query.where(LeaseInvoice.status == status)
    return paginate(session, query, params, col(LeaseInvoice.seq), view=invoice_public)
