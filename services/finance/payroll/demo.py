"""Demo payroll: last month's run paid and this month's computed, for everyone personnel's
demo step passed (serving staff and retirees of the budget units, with their latest annual
grades), through the payroll's own service functions, no HTTP.

Each person gets a made-up salary account; each unit a 301 budget line (工资福利支出) of the
year sized to twelve months of its pay, with a month's plan for both months. Last month's
run is paid by file (its pain.001 can be exported; nothing is sent to the treasury, so its
transfers stay ``submitting``). Seeding again adds nothing: a month that has a run is left
alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from services.finance.budget import service as budget
from services.finance.budget.models import Appropriation, PaymentPlan
from services.finance.budget.schemas import AppropriationCreate
from services.finance.clients.personnel import GradeOf, Person, Slice
from services.finance.payroll import decisions, payment, runs, service
from services.finance.payroll.models import PayrollRun, SalaryAccount
from services.finance.payroll.payment import PayChannel, Treasury
from services.finance.payroll.schemas import RunCreate
from services.finance.units.models import BudgetUnit
from shared.audit import AuditLog
from shared.bulk import insert_rows, table_of
from shared.context import Principal
from shared.types import today, utcnow

SLICE = 2000


def _slices(people: Sequence[dict[str, Any]]) -> runs.People:
    def read(
        day: date, status: str, unit_ids: list[uuid.UUID] | None, graded: bool
    ) -> Iterable[Slice]:
        chosen = [
            p
            for p in people
            if p["status"] == status and (unit_ids is None or p["unit_id"] in unit_ids)
        ]
        for start in range(0, len(chosen), SLICE):
            part = chosen[start : start + SLICE]
            yield Slice(
                [
                    Person(
                        staff_id=p["staff_id"],
                        staff_no=p["staff_no"],
                        name=p["name"],
                        unit_id=p["unit_id"],
                        rank_code=p["rank_code"],
                        status=p["status"],
                        posted_since=p["posted_since"],
                    )
                    for p in part
                ],
                {p["staff_id"]: GradeOf(**p["grade"]) for p in part if graded and p["grade"]},
            )

    return read


def _accounts(session: Session, people: Sequence[dict[str, Any]], by: str) -> None:
    have = set(session.exec(select(SalaryAccount.staff_id)).all())
    now = utcnow()
    insert_rows(
        session.connection(),
        table_of(SalaryAccount),
        [
            {
                "staff_id": p["staff_id"],
                "account": f"6222{n:015d}",
                "bank": "ICBC City Branch",
                "version": 1,
                "updated_by": by,
                "updated_at": now,
            }
            for n, p in enumerate(people, start=1)
            if p["staff_id"] not in have
        ],
    )


def _budget(
    session: Session,
    audit: AuditLog,
    officer: Principal,
    run: PayrollRun,
    months: Sequence[tuple[int, int]],
) -> None:
    """Each unit of the run a 301 line of the year (twelve months of its pay) and plans for
    ``months`` (those of the run's year)."""
    for unit_id, gross in decisions.unit_gross(session, run.id):
        line = session.exec(
            select(Appropriation).where(
                Appropriation.fiscal_year == run.year,
                Appropriation.unit_id == unit_id,
                Appropriation.economic_class == decisions.WAGES,
                Appropriation.fund_source == "GEN",
            )
        ).first()
        monthly = (gross * Decimal("1.2")).quantize(Decimal(1))
        if line is None:
            line = budget.create(
                session,
                audit,
                officer,
                AppropriationCreate(
                    fiscal_year=run.year,
                    unit_id=unit_id,
                    economic_class=decisions.WAGES,
                    fund_source="GEN",
                    amount=monthly * 12,
                    reason="wages and welfare of the year (payroll)",
                ),
            )
        planned = set(
            session.exec(
                select(PaymentPlan.month).where(PaymentPlan.appropriation_id == line.id)
            ).all()
        )
        session.add_all(
            PaymentPlan(appropriation_id=line.id, month=m, amount=monthly)
            for y, m in months
            if y == run.year and m not in planned
        )
    session.flush()


def seed(
    session: Session,
    audit: AuditLog,
    officer: Principal,
    approver: Principal,
    people: Sequence[dict[str, Any]],
    treasury: Treasury,
) -> int:
    """Last month's run paid and this month's computed; how many runs were made."""
    units = set(session.exec(select(BudgetUnit.id)).all())
    people = [p for p in people if p["unit_id"] in units]
    if not people:
        return 0
    _accounts(session, people, officer.sub)
    day = today()
    this = (day.year, day.month)
    last = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    read = _slices(people)
    made = 0
    for (year, month), paid in ((last, True), (this, False)):
        taken = session.exec(
            select(PayrollRun.id).where(PayrollRun.year == year, PayrollRun.month == month)
        ).first()
        if taken is not None:
            continue
        data = RunCreate(year=year, month=month, unit_ids=sorted(units))
        run = service.create_run(session, audit, officer, data=data)
        runs.compute_run(session, audit, officer, run_id=run.id, people=read)
        _budget(session, audit, officer, run, (last, this))
        if paid:
            decisions.approve(session, audit, approver, run_id=run.id)
            payment.pay(
                session,
                audit,
                officer,
                None,
                run_id=run.id,
                treasury=treasury,
                channel=PayChannel.FILE,
            )
        made += 1
    return made
