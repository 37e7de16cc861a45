"""Accountability use cases (flushes only; the request's unit of work commits). Records are
append-only."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.personnel.accountability.models import (
    AccountabilityRecord,
    AccountabilityVoid,
    RecordKind,
)
from services.personnel.accountability.schemas import RecordCreate, RecordPublic, VoidPublic
from services.personnel.staff.models import Staff
from services.personnel.staff.postings import budget_unit_on
from shared.audit import AuditLog
from shared.context import Principal
from shared.pagination import Page, PageParams, fetch_page
from shared.problems import Conflict, Invalid, NotFound
from shared.scope import RowScope


def public(record: AccountabilityRecord, void: AccountabilityVoid | None) -> RecordPublic:
    out = RecordPublic.model_validate(record, from_attributes=True)
    if void is not None:
        out.void = VoidPublic.model_validate(void, from_attributes=True)
    return out


def _overlaps(start: date | None, end: date | None) -> list[object]:
    """Conditions for a record whose days of effect meet ``start..end``."""
    last_day = func.coalesce(
        AccountabilityRecord.effective_until, AccountabilityRecord.effective_on
    )
    conditions: list[object] = []
    if end is not None:
        conditions.append(col(AccountabilityRecord.effective_on) <= end)
    if start is not None:
        conditions.append(last_day >= start)
    return conditions


def penalised_staff(
    session: Session,
    start: date,
    end: date,
    staff_ids: Collection[uuid.UUID] | None = None,
) -> set[uuid.UUID]:
    """Staff with a penalty (not voided) in effect at some time in ``start..end``: the
    appraisal's penalty veto."""
    query = (
        select(AccountabilityRecord.staff_id)
        .outerjoin(
            AccountabilityVoid,
            col(AccountabilityVoid.record_id) == AccountabilityRecord.id,
        )
        .where(
            AccountabilityRecord.kind == RecordKind.PENALTY,
            col(AccountabilityVoid.record_id).is_(None),
            *_overlaps(start, end),  # type: ignore[arg-type]
        )
    )
    if staff_ids is not None:
        query = query.where(col(AccountabilityRecord.staff_id).in_(set(staff_ids)))
    return set(session.exec(query))


def _get(
    session: Session, record_id: uuid.UUID
) -> tuple[AccountabilityRecord, AccountabilityVoid | None]:
    record = session.get(AccountabilityRecord, record_id)
    if record is None:
        raise NotFound("accountability_record", record_id)
    return record, session.get(AccountabilityVoid, record_id)


def get_record(session: Session, record_id: uuid.UUID, scope: RowScope) -> RecordPublic:
    """One record, with its void if it was voided, if the caller may read it."""
    record, void = _get(session, record_id)
    scope.check(unit_id=record.unit_id, staff_id=record.staff_id)
    return public(record, void)


def list_records(
    session: Session,
    params: PageParams,
    *,
    scope: RowScope,
    staff_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    kind: RecordKind | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    include_void: bool = True,
) -> Page[RecordPublic]:
    scope.check_filters(unit_id, staff_id)
    query: Any = select(AccountabilityRecord, AccountabilityVoid).outerjoin(
        AccountabilityVoid, col(AccountabilityVoid.record_id) == AccountabilityRecord.id
    )
    limit = scope.condition(AccountabilityRecord.unit_id, AccountabilityRecord.staff_id)
    if limit is not None:
        query = query.where(limit)
    if staff_id is not None:
        query = query.where(AccountabilityRecord.staff_id == staff_id)
    if unit_id is not None:
        query = query.where(AccountabilityRecord.unit_id == unit_id)
    if kind is not None:
        query = query.where(AccountabilityRecord.kind == kind)
    for condition in _overlaps(date_from, date_to):
        query = query.where(condition)
    if not include_void:
        query = query.where(col(AccountabilityVoid.record_id).is_(None))
    rows, total = fetch_page(
        session,
        query,
        params,
        col(AccountabilityRecord.effective_on).desc(),
        col(AccountabilityRecord.recorded_at).desc(),
        col(AccountabilityRecord.id),
    )
    return Page.of([public(r, v) for r, v in rows], total, params)


def _void(
    session: Session, record_id: uuid.UUID, reason: str, by: str, replaced_by: uuid.UUID | None
) -> AccountabilityVoid:
    if session.get(AccountabilityVoid, record_id) is not None:
        raise Conflict("RECORD_ALREADY_VOID", f"accountability record {record_id} is already void")
    void = AccountabilityVoid(
        record_id=record_id, reason=reason, replaced_by_id=replaced_by, voided_by=by
    )
    session.add(void)
    return void


def create_record(
    *, session: Session, audit: AuditLog, principal: Principal, data: RecordCreate
) -> RecordPublic:
    if data.effective_until is not None and data.effective_until < data.effective_on:
        raise Invalid("INVALID_PERIOD", "effective_until cannot be before effective_on")
    if session.get(Staff, data.staff_id) is None:
        raise Invalid("UNKNOWN_STAFF", f"staff {data.staff_id} does not exist")
    unit_id = budget_unit_on(session, data.staff_id, data.effective_on)
    if unit_id is None:
        raise Invalid(
            "STAFF_NOT_POSTED", f"staff {data.staff_id} had no posting on {data.effective_on}"
        )
    earlier = None
    if data.corrects is not None:
        earlier = session.get(AccountabilityRecord, data.corrects.record_id)
        if earlier is None:
            raise Invalid(
                "UNKNOWN_RECORD", f"accountability record {data.corrects.record_id} does not exist"
            )
    record = AccountabilityRecord(
        **data.model_dump(exclude={"corrects"}), unit_id=unit_id, recorded_by=principal.sub
    )
    session.add(record)
    session.flush()
    if earlier is not None and data.corrects is not None:
        _void(session, earlier.id, data.corrects.reason, principal.sub, record.id)
        session.flush()
        audit.record(
            session,
            action="accountability_record.void",
            resource_type="accountability_record",
            resource_id=earlier.id,
            after={"reason": data.corrects.reason, "replaced_by_id": record.id},
        )
    audit.record(
        session,
        action="accountability_record.create",
        resource_type="accountability_record",
        resource_id=record.id,
        after=public(record, None).model_dump(),
    )
    return public(record, None)


def void_record(
    *, session: Session, audit: AuditLog, principal: Principal, record_id: uuid.UUID, reason: str
) -> RecordPublic:
    record, _ = _get(session, record_id)
    void = _void(session, record_id, reason, principal.sub, None)
    session.flush()
    audit.record(
        session,
        action="accountability_record.void",
        resource_type="accountability_record",
        resource_id=record.id,
        after={"reason": reason},
    )
    return public(record, void)
