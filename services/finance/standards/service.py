"""Standards as effective-dated data: drafted, approved by someone else, never edited.

- A draft is checked for what its schema cannot say: every grade has its level, every rank its
  cap in every city class, the tax brackets rise and the last one is open, the contribution
  base's floor is not above its cap. A draft takes the kind's next version number.
- Approval (``finance_approver``, never the drafter) puts the version in force from its
  ``effective_from``; no two approved versions of a kind share that day. A version may take
  effect on a past day (a retroactive pay rise): what was already paid stays paid, frozen in
  its payroll run.
- The version in force on a day is the approved one with the latest ``effective_from`` on or
  before it. Payroll and claims read standards only through ``in_force``, which answers the
  typed body; an approved body never changes, so it is parsed once per process.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from services.finance.standards.models import StandardKind, StandardStatus, StandardVersion
from services.finance.standards.schemas import (
    BODIES,
    CityClass,
    Contributions,
    GradeAllowance,
    IncomeTax,
    PayGrade,
    StandardBody,
    StandardDraft,
    StandardPublic,
    TravelLodging,
    TravelPerDiem,
)
from shared.audit import AuditLog
from shared.context import Principal
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Forbidden, Invalid, NotFound, ProblemError
from shared.types import utcnow

B = TypeVar("B", bound=StandardBody)
_PARSED: dict[uuid.UUID, Any] = {}  # approved bodies, parsed once (they never change)


def body_of(row: StandardVersion) -> StandardBody:
    """The typed body of a version (approved bodies are parsed once and kept)."""
    parsed = _PARSED.get(row.id)
    if parsed is None:
        parsed = BODIES[StandardKind(row.kind)].model_validate(row.body)
        if row.status == StandardStatus.APPROVED:
            _PARSED[row.id] = parsed
    return parsed


def public(row: StandardVersion) -> StandardPublic:
    return StandardPublic(
        id=row.id,
        kind=StandardKind(row.kind),
        version=row.version,
        status=StandardStatus(row.status),
        effective_from=row.effective_from,
        body=body_of(row),
        note=row.note,
        drafted_by=row.drafted_by,
        drafted_at=row.drafted_at,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
    )


def _incomplete(detail: str, **extra: Any) -> Invalid:
    return Invalid("STANDARD_INCOMPLETE", detail, **extra)


def _check_body(body: StandardBody) -> None:
    """What a body's schema cannot state."""
    if isinstance(body, GradeAllowance):
        if grades := sorted(set(PayGrade) - set(body.grades)):
            raise _incomplete("every grade needs its level", missing=grades)
    elif isinstance(body, TravelLodging):
        for rank, caps in body.caps.items():
            if classes := sorted(set(CityClass) - set(caps)):
                raise _incomplete(f"rank {rank} has no cap for {classes}", rank=rank)
    elif isinstance(body, TravelPerDiem):
        if meals := sorted(set(CityClass) - set(body.meals)):
            raise _incomplete(f"no meal allowance for {meals}")
    elif isinstance(body, Contributions):
        if body.base_floor > body.base_cap:
            raise Invalid("BAD_CONTRIBUTION_BASE", "the base's floor is above its cap")
    elif isinstance(body, IncomeTax):
        _check_brackets(body)


def _check_brackets(body: IncomeTax) -> None:
    *closed, last = body.brackets
    if last.up_to is not None or any(b.up_to is None for b in closed):
        raise Invalid("BAD_TAX_BRACKETS", "only the last bracket is open (up_to null)")
    bounds = [b.up_to for b in closed if b.up_to is not None]
    rates = [b.rate for b in body.brackets]
    if bounds != sorted(set(bounds)) or rates != sorted(rates):
        raise Invalid("BAD_TAX_BRACKETS", "brackets rise: each bound and rate above the last")


def draft(
    session: Session, audit: AuditLog, principal: Principal, *, data: StandardDraft
) -> StandardVersion:
    """A new version of ``data.kind`` as a draft, numbered after the kind's last one."""
    _check_body(data.body)
    last = session.exec(
        select(func.max(StandardVersion.version)).where(StandardVersion.kind == data.kind)
    ).one()
    row = StandardVersion(
        kind=data.kind,
        version=(last or 0) + 1,
        effective_from=data.effective_from,
        body=data.body.model_dump(mode="json"),
        note=data.note,
        drafted_by=principal.sub,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(
            "VERSION_TAKEN", f"another {data.kind} draft took version {row.version}; retry"
        ) from None
    audit.record(
        session,
        action="standard.drafted",
        resource_type="standard",
        resource_id=row.id,
        after=public(row).model_dump(mode="json"),
        principal=principal,
    )
    return row


def get(session: Session, standard_id: uuid.UUID, *, lock: bool = False) -> StandardVersion:
    query = select(StandardVersion).where(StandardVersion.id == standard_id)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound("standard", standard_id)
    return row


def _draft_only(row: StandardVersion) -> None:
    if row.status != StandardStatus.DRAFT:
        raise Conflict(
            "STANDARD_NOT_DRAFT",
            f"{row.kind} version {row.version} is {row.status}: a standard in force is never "
            "edited; draft a new version",
            state=row.status,
        )


def approve(
    session: Session, audit: AuditLog, principal: Principal, *, standard_id: uuid.UUID
) -> StandardVersion:
    """Put a draft in force from its effective date (never by its drafter)."""
    row = get(session, standard_id, lock=True)
    _draft_only(row)
    if row.drafted_by == principal.sub:
        raise Forbidden("SELF_APPROVAL", "the approver of a standard cannot be its drafter")
    taken = session.exec(
        select(StandardVersion.version).where(
            StandardVersion.kind == row.kind,
            StandardVersion.status == StandardStatus.APPROVED,
            StandardVersion.effective_from == row.effective_from,
        )
    ).first()
    if taken is not None:
        raise Conflict(
            "EFFECTIVE_DATE_TAKEN",
            f"{row.kind} version {taken} already takes effect on {row.effective_from}",
            version=taken,
        )
    return _decide(session, audit, principal, row, StandardStatus.APPROVED, "standard.approved")


def withdraw(
    session: Session, audit: AuditLog, principal: Principal, *, standard_id: uuid.UUID
) -> StandardVersion:
    """Drop a draft that will not be approved (its version number stays used)."""
    row = get(session, standard_id, lock=True)
    _draft_only(row)
    return _decide(session, audit, principal, row, StandardStatus.WITHDRAWN, "standard.withdrawn")


def _decide(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    row: StandardVersion,
    status: StandardStatus,
    action: str,
) -> StandardVersion:
    before = {"status": row.status}
    row.status = status
    if status == StandardStatus.APPROVED:
        row.approved_by = principal.sub
        row.approved_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        action=action,
        resource_type="standard",
        resource_id=row.id,
        before=before,
        after={"status": status, "approved_by": row.approved_by},
        principal=principal,
    )
    return row


def in_force_row(session: Session, kind: StandardKind, day: date) -> StandardVersion:
    """The approved version of ``kind`` in force on ``day`` (404 NO_STANDARD_IN_FORCE)."""
    row = session.exec(
        select(StandardVersion)
        .where(
            StandardVersion.kind == kind,
            StandardVersion.status == StandardStatus.APPROVED,
            StandardVersion.effective_from <= day,
        )
        .order_by(col(StandardVersion.effective_from).desc())
        .limit(1)
    ).first()
    if row is None:
        raise ProblemError(
            404,
            "NO_STANDARD_IN_FORCE",
            f"no approved {kind} standard is in force on {day}",
            kind=kind,
            day=day.isoformat(),
        )
    return row


def in_force(session: Session, model: type[B], day: date) -> tuple[StandardVersion, B]:
    """The version of the standard ``model`` describes in force on ``day``, with its typed
    body: ``version, scale = in_force(session, SalaryScale, day)``."""
    kind = next(k for k, m in BODIES.items() if m is model)
    row = in_force_row(session, kind, day)
    body = body_of(row)
    assert isinstance(body, model)
    return row, body


def list_standards(
    session: Session,
    params: PageParams,
    *,
    kind: StandardKind | None,
    status: StandardStatus | None,
) -> Page[StandardPublic]:
    query = select(StandardVersion)
    if kind is not None:
        query = query.where(StandardVersion.kind == kind)
    if status is not None:
        query = query.where(StandardVersion.status == status)
    order = (col(StandardVersion.kind), col(StandardVersion.version).desc())
    return paginate(session, query, params, *order, view=public)
