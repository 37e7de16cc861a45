"""Raising, rewriting and reading claims.

- Staff claim for themselves (their token's ``staff_id``); a unit liaison claims for staff
  of its unit. The claimant's unit and name are personnel's answer for today; the claim is
  paid from that unit. Personnel unreachable: 503, nothing written.
- A trip returns no earlier than it departs, lasts at most 60 days and is over (its return
  not after today). A travel line (lodging, meals, local transport, transport) names its trip;
  a trip has at most one lodging, one meals and one local transport line.
- Lodging, transport and other lines are backed by receipts at least their amount; per diems
  (meals, local transport) need none.
- A receipt number is claimed once, by anyone, in any claim neither withdrawn nor rejected:
  409 ``DUPLICATE_RECEIPT`` (the unique ``live_number`` guards the same under a race).
- Only a draft is rewritten (its content replaced whole, after ``If-Match``).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, func, select

from services.finance.claims.access import liaison_unit, may_write, own_staff_id, reaches
from services.finance.claims.models import (
    Claim,
    ClaimLine,
    ClaimReceipt,
    ClaimStatus,
    ClaimTrip,
    LineKind,
)
from services.finance.claims.schemas import (
    ClaimContent,
    ClaimCreate,
    ClaimPublic,
    ClaimSummary,
    LinePublic,
    ReceiptPublic,
    TripPublic,
)
from services.finance.clients.personnel import StaffOnDay
from services.finance.counters import next_number
from services.finance.payments.models import Payment
from shared.audit import AuditLog
from shared.changes import record_change, record_creation
from shared.concurrency import check_version
from shared.context import Principal
from shared.pagination import Listing, Page, PageParams
from shared.problems import Conflict, Forbidden, Invalid, NotFound
from shared.scope import RowScope, outside_own_unit
from shared.types import today

MAX_TRIP_DAYS = 60
PER_TRIP = frozenset({LineKind.LODGING, LineKind.MEALS, LineKind.LOCAL_TRANSPORT})
RECEIPTED = frozenset({LineKind.LODGING, LineKind.TRANSPORT, LineKind.OTHER})


class Directory(Protocol):
    """Who a member of staff was on a day: personnel's client (the demo passes its roster)."""

    def staff_on(self, staff_id: uuid.UUID, day: date) -> StaffOnDay: ...


# ---- reading ---------------------------------------------------------------------------


def summary(claim: Claim) -> ClaimSummary:
    return ClaimSummary.model_validate(claim, from_attributes=True)


def parts(
    session: Session, claim_id: uuid.UUID
) -> tuple[list[ClaimTrip], list[ClaimLine], list[ClaimReceipt]]:
    trips = session.exec(
        select(ClaimTrip).where(ClaimTrip.claim_id == claim_id).order_by(col(ClaimTrip.position))
    ).all()
    lines = session.exec(
        select(ClaimLine).where(ClaimLine.claim_id == claim_id).order_by(col(ClaimLine.position))
    ).all()
    receipts = session.exec(
        select(ClaimReceipt)
        .where(ClaimReceipt.claim_id == claim_id)
        .order_by(col(ClaimReceipt.number))
    ).all()
    return list(trips), list(lines), list(receipts)


def public(session: Session, claim: Claim) -> ClaimPublic:
    trips, lines, receipts = parts(session, claim.id)
    by_line: dict[uuid.UUID, list[ReceiptPublic]] = {}
    for r in receipts:
        by_line.setdefault(r.line_id, []).append(
            ReceiptPublic.model_validate(r, from_attributes=True)
        )
    payment = None if claim.payment_id is None else session.get(Payment, claim.payment_id)
    return ClaimPublic.model_validate(
        {
            **claim.model_dump(),
            "payment_status": None if payment is None else payment.status,
            "trips": [TripPublic.model_validate(t, from_attributes=True) for t in trips],
            "lines": [
                LinePublic.model_validate(
                    {**line.model_dump(), "receipts": by_line.get(line.id, [])}
                )
                for line in lines
            ],
        }
    )


def get(session: Session, scope: RowScope, claim_id: uuid.UUID) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None or not reaches(scope, claim):
        raise NotFound("claim", claim_id)
    return claim


def locked_at(
    session: Session, scope: RowScope, claim_id: uuid.UUID, expected_version: int | None
) -> Claim:
    """The claim locked for a change, after the caller's ``If-Match``."""
    claim = session.get(Claim, claim_id, with_for_update=True, populate_existing=True)
    if claim is None or not reaches(scope, claim):
        raise NotFound("claim", claim_id)
    check_version("claim", claim.version, expected_version)
    return claim


# newest first; statements built once per combination of filters
CLAIMS: Listing[Claim] = Listing(
    select(Claim),
    col(Claim.number).desc(),
    filters={
        "unit_id": lambda v: col(Claim.unit_id) == v,
        "staff_id": lambda v: col(Claim.staff_id) == v,
        "status": lambda v: col(Claim.status) == v,
    },
)


def search(
    session: Session,
    params: PageParams,
    scope: RowScope,
    *,
    unit_id: uuid.UUID | None,
    staff_id: uuid.UUID | None,
    status: ClaimStatus | None,
) -> Page[ClaimSummary]:
    """Claims newest first: everyone's for the bureau, a liaison's unit's, staff their own."""
    scope.check_filters(unit_id, staff_id)
    if not scope.everything:
        if scope.unit_id is not None:
            unit_id = scope.unit_id
        else:
            staff_id = scope.staff_id
    return CLAIMS.page(
        session, params, view=summary, unit_id=unit_id, staff_id=staff_id, status=status
    )


UNFINISHED = (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED)


def in_flight(session: Session, unit_id: uuid.UUID) -> int:
    """How many of the unit's claims are not finished: submitted, approved, and drafts too. A
    draft holds its receipts and is paid only through an approval on the unit's budget line,
    which a closed unit refuses (422 ``UNKNOWN_UNIT``): closing under it would strand it, so
    it is paid, rejected or withdrawn first. A paid, rejected or withdrawn claim is done
    (a paid one whose payment the bank returns is a draft again, and counts again)."""
    return session.exec(
        select(func.count())
        .select_from(Claim)
        .where(Claim.unit_id == unit_id, col(Claim.status).in_(UNFINISHED))
    ).one()


# ---- writing ---------------------------------------------------------------------------


def _check_content(data: ClaimContent) -> None:
    """What the schema cannot say about trips and lines."""
    for n, trip in enumerate(data.trips):
        if trip.return_on < trip.depart_on:
            raise Invalid("TRIP_DATES", f"trip {n} returns before it departs", trip=n)
        if (trip.return_on - trip.depart_on).days + 1 > MAX_TRIP_DAYS:
            raise Invalid("TRIP_TOO_LONG", f"trip {n} lasts over {MAX_TRIP_DAYS} days", trip=n)
        if trip.return_on > today():
            raise Invalid("FUTURE_TRIP", f"trip {n} is not over yet", trip=n)
    seen: set[tuple[int, LineKind]] = set()
    for n, line in enumerate(data.lines):
        if line.kind != LineKind.OTHER:
            if line.trip is None:
                raise Invalid("TRIP_REQUIRED", f"line {n} ({line.kind}) names no trip", line=n)
            if line.trip >= len(data.trips):
                raise Invalid("UNKNOWN_TRIP", f"line {n} names no trip of the claim", line=n)
        if line.kind in PER_TRIP and line.trip is not None:
            if (line.trip, line.kind) in seen:
                raise Invalid(
                    "DUPLICATE_LINE", f"trip {line.trip} has a {line.kind} line already", line=n
                )
            seen.add((line.trip, line.kind))
        if line.kind in RECEIPTED and sum(r.amount for r in line.receipts) < line.amount:
            raise Invalid(
                "RECEIPTS_SHORT", f"line {n}'s receipts add up to less than its amount", line=n
            )
        if any(r.issued_on > today() for r in line.receipts):
            raise Invalid("FUTURE_DATE", f"line {n} has a receipt issued in the future", line=n)


def _duplicate(numbers: Sequence[str]) -> Conflict:
    return Conflict(
        "DUPLICATE_RECEIPT",
        f"receipt {', '.join(sorted(numbers))} is claimed already",
        receipts=sorted(numbers),
    )


def _check_receipts(session: Session, data: ClaimContent) -> None:
    numbers = Counter(r.number for line in data.lines for r in line.receipts)
    if twice := [n for n, k in numbers.items() if k > 1]:
        raise _duplicate(twice)
    if numbers:
        taken = session.exec(
            select(ClaimReceipt.number).where(col(ClaimReceipt.live_number).in_(list(numbers)))
        ).all()
        if taken:
            raise _duplicate(list(taken))


def _write_content(session: Session, claim: Claim, data: ClaimContent) -> None:
    """The claim's trips, lines and receipts, as ``data`` has them."""
    _check_receipts(session, data)
    for n, trip in enumerate(data.trips):
        session.add(ClaimTrip(claim_id=claim.id, position=n, **trip.model_dump()))
    lines = []
    for n, line in enumerate(data.lines):
        row = ClaimLine(
            claim_id=claim.id,
            position=n,
            kind=line.kind,
            trip=line.trip,
            description=line.description,
            amount=line.amount,
            payable=line.amount,
        )
        lines.append(row)
        session.add(row)
        for r in line.receipts:
            session.add(
                ClaimReceipt(
                    claim_id=claim.id, line_id=row.id, live_number=r.number, **r.model_dump()
                )
            )
    claim.claimed = sum((line.amount for line in lines), Decimal(0))
    claim.payable = claim.claimed
    try:
        session.flush()
    except IntegrityError as exc:  # the same receipt claimed meanwhile
        raise Conflict("DUPLICATE_RECEIPT", "a receipt of the claim is claimed already") from exc


def _claimant(principal: Principal, staff_id: uuid.UUID | None) -> uuid.UUID:
    own = own_staff_id(principal)
    if staff_id is None:
        if own is not None:
            return own
        if liaison_unit(principal) is None:
            raise Forbidden("NO_STAFF_RECORD", "this account is not linked to a staff record")
        raise Invalid("STAFF_REQUIRED", "a liaison names the member of staff who claims")
    if staff_id != own and liaison_unit(principal) is None:
        raise Forbidden("OUTSIDE_OWN_RECORDS", "staff claim for themselves only")
    return staff_id


def create(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    personnel: Directory,
    data: ClaimCreate,
) -> Claim:
    """A draft claim for the claimant (asked of personnel before anything is written)."""
    staff_id = _claimant(principal, data.staff_id)
    _check_content(data)
    who = personnel.staff_on(staff_id, today())
    if staff_id != own_staff_id(principal) and who.unit_id != liaison_unit(principal):
        raise outside_own_unit(f"staff {staff_id} is not of your unit")
    claim = Claim(
        number=next_number(session, "claim"),
        staff_id=staff_id,
        staff_name=who.name,
        unit_id=who.unit_id,
        purpose=data.purpose,
        payee_account=data.payee_account,
        payee_bank=data.payee_bank,
        prepared_by=principal.sub,
    )
    record_creation(
        session,
        audit,
        claim,
        action="claim.created",
        resource_type="claim",
        after=data.model_dump(mode="json"),
        principal=principal,
    )
    _write_content(session, claim, data)
    return claim


def replace(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    claim: Claim,
    data: ClaimContent,
) -> Claim:
    """A draft's content replaced whole (the claim row locked, ``If-Match`` checked)."""
    may_write(principal, claim)
    if claim.status != ClaimStatus.DRAFT:
        raise Conflict(
            "CLAIM_STATE", f"claim {claim.number} is {claim.status}; only a draft is rewritten"
        )
    _check_content(data)
    for model in (ClaimReceipt, ClaimLine, ClaimTrip):
        session.execute(delete(model).where(col(model.claim_id) == claim.id))
    session.flush()
    claim.purpose = data.purpose
    claim.payee_account = data.payee_account
    claim.payee_bank = data.payee_bank
    _write_content(session, claim, data)
    return record_change(
        session,
        audit,
        claim,
        action="claim.rewritten",
        resource_type="claim",
        after=data.model_dump(mode="json"),
        principal=principal,
    )
