"""Budget use cases: budget lines and their adjustments, monthly plans, execution (quotas:
``quotas.py``).

Rules:
- a budget line never drops below what is committed and paid on it, nor below its plans;
- the months' plans of a line never add up to more than the line;
- a plan or quota never drops below what is committed and paid on it;
- granting or changing a quota posts it to the unit's zero-balance account quota (1011)
  against fiscal appropriation revenue (4001), so the ledger shows what the unit may spend.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.finance.budget.models import Appropriation, AppropriationChange, PaymentPlan
from services.finance.budget.schemas import (
    AppropriationCreate,
    AppropriationPublic,
    ChangePublic,
    ExecutionReport,
    ExecutionRow,
    PlanPublic,
)
from services.finance.ledger.models import EconomicClass, FundSource
from services.finance.units.models import BudgetUnit
from shared.audit import AuditLog
from shared.changes import record_change, touch
from shared.concurrency import check_version
from shared.context import Principal
from shared.pagination import Page, PageParams, fetch_page
from shared.problems import Conflict, Invalid, NotFound
from shared.scope import RowScope
from shared.types import Money

ZERO = Decimal("0.00")


def planned(session: Session, appropriation_id: uuid.UUID) -> Decimal:
    total = session.exec(
        select(func.sum(PaymentPlan.amount, type_=Money())).where(
            PaymentPlan.appropriation_id == appropriation_id
        )
    ).one()
    return total or ZERO


def public_many(session: Session, rows: Sequence[Appropriation]) -> list[AppropriationPublic]:
    """Budget lines with what is left and how much of them is planned (one query for all)."""
    sums = dict(
        session.exec(
            select(PaymentPlan.appropriation_id, func.sum(PaymentPlan.amount, type_=Money()))
            .where(col(PaymentPlan.appropriation_id).in_([r.id for r in rows]))
            .group_by(col(PaymentPlan.appropriation_id))
        ).all()
    )
    return [
        AppropriationPublic(
            **row.model_dump(),
            available=row.amount - row.committed - row.paid,
            planned=sums.get(row.id) or ZERO,
        )
        for row in rows
    ]


def public(session: Session, row: Appropriation) -> AppropriationPublic:
    return public_many(session, [row])[0]


def plan_public(row: PaymentPlan) -> PlanPublic:
    return PlanPublic(**row.model_dump(), available=row.amount - row.committed - row.paid)


def get_line(session: Session, scope: RowScope, appropriation_id: uuid.UUID) -> Appropriation:
    """A budget line the caller may read (403 for a liaison of another unit)."""
    row = session.get(Appropriation, appropriation_id)
    if row is None:
        raise NotFound("appropriation", appropriation_id)
    scope.check(unit_id=row.unit_id)
    return row


def list_lines(
    session: Session,
    params: PageParams,
    *,
    fiscal_year: int,
    unit_id: uuid.UUID | None,
    economic_class: str | None,
) -> Page[AppropriationPublic]:
    query = select(Appropriation).where(Appropriation.fiscal_year == fiscal_year)
    if unit_id is not None:
        query = query.where(Appropriation.unit_id == unit_id)
    if economic_class is not None:
        query = query.where(Appropriation.economic_class == economic_class)
    order = (col(Appropriation.unit_id), col(Appropriation.economic_class), col(Appropriation.id))
    rows, total = fetch_page(session, query, params, *order)
    return Page.of(public_many(session, rows), total, params)


def list_changes(
    session: Session, scope: RowScope, appropriation_id: uuid.UUID
) -> Page[ChangePublic]:
    """A line's first amount and every adjustment, oldest first (a short list: one page)."""
    get_line(session, scope, appropriation_id)
    rows = session.exec(
        select(AppropriationChange)
        .where(AppropriationChange.appropriation_id == appropriation_id)
        .order_by(col(AppropriationChange.changed_at))
    )
    return Page.whole([ChangePublic.model_validate(r, from_attributes=True) for r in rows])


def list_plans(session: Session, scope: RowScope, appropriation_id: uuid.UUID) -> Page[PlanPublic]:
    """A line's monthly plans (at most twelve: one page)."""
    get_line(session, scope, appropriation_id)
    rows = session.exec(
        select(PaymentPlan)
        .where(PaymentPlan.appropriation_id == appropriation_id)
        .order_by(col(PaymentPlan.month))
    )
    return Page.whole([plan_public(r) for r in rows])


def locked(session: Session, appropriation_id: uuid.UUID) -> Appropriation:
    row = session.get(Appropriation, appropriation_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound("appropriation", appropriation_id)
    return row


def create(
    session: Session, audit: AuditLog, principal: Principal, data: AppropriationCreate
) -> Appropriation:
    unit = session.get(BudgetUnit, data.unit_id)
    if unit is None or not unit.active:
        raise Invalid("UNKNOWN_UNIT", f"{data.unit_id} is not an active budget unit")
    if session.get(EconomicClass, data.economic_class) is None:
        raise Invalid("UNKNOWN_ECONOMIC_CLASS", f"no economic class {data.economic_class!r}")
    if session.get(FundSource, data.fund_source) is None:
        raise Invalid("UNKNOWN_FUND_SOURCE", f"no fund source {data.fund_source!r}")
    duplicate = session.exec(
        select(Appropriation.id).where(
            Appropriation.fiscal_year == data.fiscal_year,
            Appropriation.unit_id == data.unit_id,
            Appropriation.economic_class == data.economic_class,
            Appropriation.fund_source == data.fund_source,
        )
    ).first()
    if duplicate is not None:
        raise Conflict(
            "APPROPRIATION_EXISTS",
            "this unit already has that budget line this year; adjust it instead",
            appropriation_id=str(duplicate),
        )
    row = Appropriation(
        **data.model_dump(exclude={"reason"}),
        created_by=principal.sub,
    )
    session.add(row)
    session.flush()
    session.add(
        AppropriationChange(
            appropriation_id=row.id,
            delta=data.amount,
            amount_after=data.amount,
            reason=data.reason,
            changed_by=principal.sub,
        )
    )
    audit.record(
        session,
        action="appropriation.created",
        resource_type="appropriation",
        resource_id=row.id,
        after=data.model_dump(mode="json"),
        principal=principal,
    )
    return row


def adjust(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    appropriation_id: uuid.UUID,
    delta: Decimal,
    reason: str,
    expected_version: int | None,
) -> Appropriation:
    row = locked(session, appropriation_id)
    check_version("appropriation", row.version, expected_version)
    new_amount = row.amount + delta
    floor = max(row.committed + row.paid, planned(session, row.id))
    if delta == 0:
        raise Invalid("NO_CHANGE", "an adjustment must change the amount")
    if new_amount < floor:
        raise Conflict(
            "BELOW_COMMITTED",
            f"the line cannot drop to {new_amount:.2f}: {floor:.2f} is already planned, "
            "committed or paid",
            floor=f"{floor:.2f}",
        )
    before = row.model_dump(mode="json")
    row.amount = new_amount
    session.add(
        AppropriationChange(
            appropriation_id=row.id,
            delta=delta,
            amount_after=new_amount,
            reason=reason,
            changed_by=principal.sub,
        )
    )
    return record_change(
        session,
        audit,
        row,
        action="appropriation.adjusted",
        resource_type="appropriation",
        before=before,
        after={**row.model_dump(mode="json"), "reason": reason},
        principal=principal,
    )


def set_plan(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    appropriation_id: uuid.UUID,
    month: int,
    amount: Decimal,
) -> PaymentPlan:
    line = locked(session, appropriation_id)  # serialises plan changes of one line
    plan = session.exec(
        select(PaymentPlan)
        .where(PaymentPlan.appropriation_id == line.id, PaymentPlan.month == month)
        .with_for_update()
    ).first()
    current = plan.amount if plan else ZERO
    if plan is not None and amount < plan.committed + plan.paid:
        raise Conflict(
            "BELOW_COMMITTED",
            f"{plan.committed + plan.paid:.2f} of this month's plan is committed or paid",
        )
    others = planned(session, line.id) - current
    if others + amount > line.amount:
        raise Conflict(
            "PLAN_EXCEEDS_BUDGET",
            f"plans would total {others + amount:.2f}, more than the line's {line.amount:.2f}",
            unplanned=f"{line.amount - others:.2f}",
        )
    before = plan.model_dump(mode="json") if plan else None
    if plan is None:
        plan = PaymentPlan(appropriation_id=line.id, month=month, amount=amount)
    else:
        plan.amount = amount
        touch(plan)
    session.add(plan)
    session.flush()
    audit.record(
        session,
        action="payment_plan.set",
        resource_type="payment_plan",
        resource_id=plan.id,
        before=before,
        after=plan.model_dump(mode="json"),
        principal=principal,
    )
    return plan


def execution(session: Session, *, fiscal_year: int, unit_id: uuid.UUID | None) -> ExecutionReport:
    query = (
        select(Appropriation, BudgetUnit.code)
        .join(BudgetUnit, col(BudgetUnit.id) == Appropriation.unit_id)
        .where(Appropriation.fiscal_year == fiscal_year)
        .order_by(col(BudgetUnit.code), col(Appropriation.economic_class))
    )
    if unit_id is not None:
        query = query.where(Appropriation.unit_id == unit_id)
    rows = []
    for line, code in session.exec(query):
        available = line.amount - line.committed - line.paid
        rate = (line.paid * 100 / line.amount) if line.amount else ZERO
        rows.append(
            ExecutionRow(
                appropriation_id=line.id,
                unit_id=line.unit_id,
                unit_code=code,
                economic_class=line.economic_class,
                fund_source=line.fund_source,
                appropriated=line.amount,
                committed=line.committed,
                paid=line.paid,
                available=available,
                execution_rate=f"{rate:.1f}",
            )
        )
    return ExecutionReport(
        fiscal_year=fiscal_year,
        unit_id=unit_id,
        rows=rows,
        appropriated=sum((r.appropriated for r in rows), ZERO),
        committed=sum((r.committed for r in rows), ZERO),
        paid=sum((r.paid for r in rows), ZERO),
        available=sum((r.available for r in rows), ZERO),
    )
