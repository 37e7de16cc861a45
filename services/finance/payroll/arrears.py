"""Arrears and recoveries when a grade changes after its months were paid.

Payroll pays performance allowance and welfare by the latest finalized annual grade. When
personnel revises a grade (``grade.revised``), or finalizes one late (``grade.finalized``),
every month already paid (its run approved) on the other grade is owed the difference:

- revised: the months whose payslip was graded by that cycle, and the months after the
  cycle ended that were paid ungraded (or by an earlier year's grade) before it was
  finalized: a late-finalized grade that is then revised re-adjusts those months too;
- finalized late: the months after the cycle ended whose payslip was ungraded or graded by
  an earlier year's cycle.

For each such month the difference between the new grade's level (in the grade_allowance
version that month used) and what the month paid, less adjustments already made for it, is
a pending adjustment: arrears when positive, a recovery when negative, with its reason. Its
``source_key`` (result, revision, month) is unique and inserted only when absent, so an event
that arrives twice (or a second event id for the same revision) adds it once. The next run
that computes the person claims it, and it is paid by the run that is approved. An event
older than one already applied to a month (a lower revision of the same result, arriving
late) changes nothing for that month. A run computed but not approved on the other grade
goes back to draft, to be computed again (``staleness``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, and_, col, func, or_, select

from services.finance.payroll import staleness
from services.finance.payroll.compute import level_of
from services.finance.payroll.models import (
    PayAdjustment,
    PayrollRun,
    Payslip,
    PayslipLine,
    SlipKind,
)
from services.finance.payroll.service import FROZEN
from services.finance.payroll.tax import fen, yuan
from services.finance.standards.models import StandardKind, StandardStatus, StandardVersion
from services.finance.standards.schemas import GradeAllowance
from services.finance.standards.service import body_of
from shared.audit import AuditLog
from shared.bulk import table_of
from shared.db import insert_unless_present
from shared.types import utcnow

_ADJUSTMENTS: Any = table_of(PayAdjustment)
GRADED = ("performance", "welfare")


class GradeItem(BaseModel):
    """A grade as personnel's events carry it."""

    result_id: uuid.UUID
    staff_id: uuid.UUID
    year: int
    period_end: date
    grade: str
    revision: int


class GradeRevised(GradeItem):
    cycle_id: uuid.UUID
    cycle_kind: str
    previous_grade: str
    reason: str


class GradeFinalized(BaseModel):
    cycle_id: uuid.UUID
    cycle_kind: str
    year: int
    period_end: date
    grades: list[GradeItem]


def _grade_table(session: Session, version: int) -> GradeAllowance:
    row = session.exec(
        select(StandardVersion).where(
            StandardVersion.kind == StandardKind.GRADE_ALLOWANCE,
            StandardVersion.version == version,
            StandardVersion.status == StandardStatus.APPROVED,
        )
    ).one()
    body = body_of(row)
    assert isinstance(body, GradeAllowance)
    return body


def _owe(session: Session, slips: Iterable[Payslip], item: GradeItem, why: str) -> int:
    """An adjustment for each paid month of ``slips`` that the new grade changes."""
    made = 0
    for slip in slips:
        paid_lines = session.exec(
            select(PayslipLine).where(
                PayslipLine.slip_id == slip.id, col(PayslipLine.code).in_(GRADED)
            )
        ).all()
        if not paid_lines or paid_lines[0].standard_version is None:
            continue
        if _superseded(session, slip.id, item):
            continue
        paid = sum(fen(line.amount) for line in paid_lines)
        adjusted = session.exec(
            select(func.coalesce(func.sum(PayAdjustment.amount), 0)).where(
                PayAdjustment.slip_id == slip.id
            )
        ).one()
        table = _grade_table(session, paid_lines[0].standard_version)
        delta = level_of(table, item.grade) - paid - fen(adjusted)
        if delta == 0:
            continue
        kind = "arrears" if delta > 0 else "recovery"
        made += insert_unless_present(
            session,
            _ADJUSTMENTS,
            {
                "id": uuid.uuid4(),
                "source_key": f"{item.result_id}:{item.revision}:{slip.year}-{slip.month:02d}",
                "staff_id": slip.staff_id,
                "for_year": slip.year,
                "for_month": slip.month,
                "slip_id": slip.id,
                "amount": yuan(delta),
                "reason": (
                    f"{kind} for {slip.year}-{slip.month:02d}: {why} "
                    f"(paid as {slip.grade}, grade_allowance v{paid_lines[0].standard_version})"
                )[:1000],
                "details": {
                    "grade": item.grade,
                    "paid_grade": slip.grade,
                    "revision": item.revision,
                },
                "consumed_by": None,
                "created_at": utcnow(),
            },
        )
    return made


def _superseded(session: Session, slip_id: uuid.UUID, item: GradeItem) -> bool:
    """A later revision of the same result has already adjusted this month."""
    keys = session.exec(
        select(PayAdjustment.source_key).where(
            PayAdjustment.slip_id == slip_id,
            col(PayAdjustment.source_key).startswith(f"{item.result_id}:"),
        )
    ).all()
    return any(int(key.split(":")[1]) > item.revision for key in keys)


def _paid_ungraded_after(period_end: date, year: int) -> Any:
    """Months after the cycle ended, paid without this year's grade (none yet, or older)."""
    after_end = or_(
        col(Payslip.year) > period_end.year,
        and_(col(Payslip.year) == period_end.year, col(Payslip.month) > period_end.month),
    )
    older = or_(col(Payslip.grade_year).is_(None), col(Payslip.grade_year) < year)
    return and_(after_end, older)


def _paid_slips(session: Session, staff_id: uuid.UUID, condition: Any) -> list[Payslip]:
    return list(
        session.exec(
            select(Payslip)
            .join(PayrollRun, col(PayrollRun.id) == Payslip.run_id)
            .where(
                Payslip.staff_id == staff_id,
                Payslip.kind == SlipKind.SERVING,
                col(PayrollRun.status).in_(FROZEN),
                condition,
            )
            .order_by(col(Payslip.year), col(Payslip.month))
        ).all()
    )


def on_revised(session: Session, audit: AuditLog, data: GradeRevised) -> int:
    """Adjustments for the paid months the revised grade applied to; computed runs that
    used another grade go back to draft (``staleness``)."""
    if data.cycle_kind != "annual" or data.grade == data.previous_grade:
        return 0
    applied = or_(
        Payslip.grade_cycle_id == data.cycle_id,
        _paid_ungraded_after(data.period_end, data.year),
    )
    why = f"{data.year} grade revised {data.previous_grade} → {data.grade}: {data.reason}"
    other_grade = or_(col(Payslip.grade).is_(None), col(Payslip.grade) != data.grade)
    staleness.sent_back(session, audit, data.staff_id, and_(applied, other_grade), why)
    slips = _paid_slips(session, data.staff_id, applied)
    return _owe(session, slips, data, why)


def on_finalized(session: Session, audit: AuditLog, data: GradeFinalized) -> int:
    """Adjustments for months paid after the cycle ended without this (later) grade;
    computed runs that paid such a month go back to draft (``staleness``)."""
    if data.cycle_kind != "annual":
        return 0
    made = 0
    for item in data.grades:
        ungraded = _paid_ungraded_after(data.period_end, data.year)
        why = f"{data.year} annual grade {item.grade} finalized after the month was paid"
        staleness.sent_back(session, audit, item.staff_id, ungraded, why)
        slips = _paid_slips(session, item.staff_id, ungraded)
        made += _owe(session, slips, item, why)
    return made
