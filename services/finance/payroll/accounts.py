"""Salary accounts (工资卡): where each person's net pay goes, kept by finance officers.

A run copies the account on file into each payslip as it computes; a person with none is
paid nothing until one is set and the exception is re-paid. Setting many at once (up to
2,000) is one statement per 500 ids read and one bulk write of the new ones."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from services.finance.payroll.models import SalaryAccount
from services.finance.payroll.schemas import (
    SalaryAccountIn,
    SalaryAccountItem,
    SalaryAccountPublic,
)
from shared.audit import AuditLog
from shared.bulk import insert_rows, table_of
from shared.context import Principal
from shared.problems import Invalid, NotFound
from shared.types import utcnow


def public(row: SalaryAccount) -> SalaryAccountPublic:
    return SalaryAccountPublic.model_validate(row, from_attributes=True)


def get(session: Session, staff_id: uuid.UUID) -> SalaryAccount:
    row = session.get(SalaryAccount, staff_id)
    if row is None:
        raise NotFound("salary_account", staff_id)
    return row


def put(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    *,
    staff_id: uuid.UUID,
    data: SalaryAccountIn,
) -> SalaryAccount:
    row = session.get(SalaryAccount, staff_id, with_for_update=True)
    before = None if row is None else {"account": row.account, "bank": row.bank}
    if row is None:
        row = SalaryAccount(staff_id=staff_id, updated_by=principal.sub, **data.model_dump())
    else:
        row.account, row.bank = data.account, data.bank
        row.version += 1
        row.updated_by = principal.sub
        row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="salary_account.set",
        resource_type="salary_account",
        resource_id=staff_id,
        before=before,
        after={"account": row.account, "bank": row.bank},
        principal=principal,
    )
    return row


def put_many(
    session: Session, audit: AuditLog, principal: Principal, *, items: list[SalaryAccountItem]
) -> int:
    """Set many accounts at once: new ones in one bulk write, changed ones updated."""
    ids = [i.staff_id for i in items]
    if len(set(ids)) != len(ids):
        raise Invalid("DUPLICATE_STAFF", "a staff id is given twice")
    existing = {
        r.staff_id: r
        for r in session.exec(select(SalaryAccount).where(col(SalaryAccount.staff_id).in_(ids)))
    }
    now = utcnow()
    fresh = []
    for item in items:
        row = existing.get(item.staff_id)
        if row is None:
            fresh.append(
                {
                    "staff_id": item.staff_id,
                    "account": item.account,
                    "bank": item.bank,
                    "version": 1,
                    "updated_by": principal.sub,
                    "updated_at": now,
                }
            )
        elif (row.account, row.bank) != (item.account, item.bank):
            row.account, row.bank = item.account, item.bank
            row.version += 1
            row.updated_by, row.updated_at = principal.sub, now
            session.add(row)
    insert_rows(session.connection(), table_of(SalaryAccount), fresh)
    session.flush()
    audit.record(
        session,
        action="salary_account.set_many",
        resource_type="salary_account",
        after={"new": len(fresh), "given": len(items)},
        principal=principal,
    )
    return len(items)
