"""Approving a computed run: maker–checker and budget control.

- A ``finance_approver`` approves, never the one who created or computed the run
  (403 ``SELF_APPROVAL``).
- Only a computed run is approved (409 ``RUN_STATE``), and only while what it was computed
  from still holds (``staleness``: 409 ``EARLIER_MONTH_PENDING`` or ``STALE_RUN``); a payslip
  whose net pay is below zero (a recovery larger than the month's pay) stops it (409
  ``NEGATIVE_NET``).
- Budget control: each unit's gross pay is reserved on its budget line of economic class 301
  (工资福利支出, general public budget) for the run's year and on that line's plan for the
  run's month, as Finance I reserves a payment (``budget.availability``); a unit without
  them (409 ``NO_PAYROLL_BUDGET``) or short of funds (409 ``INSUFFICIENT_FUNDS``) refuses
  the approval and nothing is reserved. From then on the run is frozen.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, func, select

from services.finance.budget import availability
from services.finance.budget.availability import Draw
from services.finance.budget.models import Appropriation, PaymentPlan
from services.finance.ledger.chart import QUOTA_FUND
from services.finance.payroll import staleness
from services.finance.payroll.models import PayrollRun, Payslip, RunStatus
from services.finance.payroll.service import get_run
from services.finance.roles import APPROVER
from shared.audit import AuditLog
from shared.changes import record_change
from shared.context import Principal
from shared.problems import Conflict, Forbidden
from shared.types import utcnow

WAGES = "301"  # 工资福利支出


def draws(session: Session, year: int, month: int, unit_id: uuid.UUID) -> list[Draw]:
    """The unit's 301 budget line of the year and its plan for the month."""
    row = session.exec(
        select(Appropriation.id, PaymentPlan.id)
        .join(PaymentPlan, col(PaymentPlan.appropriation_id) == Appropriation.id)
        .where(
            Appropriation.fiscal_year == year,
            Appropriation.unit_id == unit_id,
            Appropriation.economic_class == WAGES,
            Appropriation.fund_source == QUOTA_FUND,
            PaymentPlan.month == month,
        )
    ).first()
    if row is None:
        raise Conflict(
            "NO_PAYROLL_BUDGET",
            f"unit {unit_id} has no {year} budget line of class {WAGES} with a plan for "
            f"month {month}",
            unit_id=str(unit_id),
        )
    return [Draw(Appropriation, row[0]), Draw(PaymentPlan, row[1])]


def unit_gross(session: Session, run_id: uuid.UUID) -> list[tuple[uuid.UUID, Decimal]]:
    rows: Any = session.exec(
        select(Payslip.unit_id, func.sum(Payslip.gross))
        .where(Payslip.run_id == run_id)
        .group_by(col(Payslip.unit_id))
        .order_by(col(Payslip.unit_id))
    )
    return [(u, Decimal(g)) for u, g in rows]


def approve(
    session: Session, audit: AuditLog, principal: Principal, *, run_id: uuid.UUID
) -> PayrollRun:
    run = get_run(session, run_id, lock=True)
    if APPROVER not in principal.roles:
        raise Forbidden("APPROVER_REQUIRED", "a finance approver approves a payroll run")
    if principal.sub in (run.created_by, run.computed_by):
        raise Forbidden("SELF_APPROVAL", "the approver of a payroll run cannot be its preparer")
    staleness.check_current(session, run)
    negative = session.exec(
        select(Payslip.staff_no).where(Payslip.run_id == run.id, col(Payslip.net) < 0).limit(20)
    ).all()
    if negative:
        raise Conflict(
            "NEGATIVE_NET",
            f"net pay below zero for {list(negative)}: recover over more months",
            staff_nos=list(negative),
        )
    for unit_id, gross in unit_gross(session, run.id):
        if gross > 0:
            availability.reserve(session, draws(session, run.year, run.month, unit_id), gross)
    run.status = RunStatus.APPROVED
    run.approved_by = principal.sub
    run.approved_at = utcnow()
    return record_change(
        session,
        audit,
        run,
        action="payroll_run.approved",
        resource_type="payroll_run",
        before={"status": RunStatus.COMPUTED},
        after={"status": run.status, "gross": f"{run.gross:.2f}"},
        principal=principal,
    )
