"""Raising and reading payment requests.

A request names its budget line; the line must belong to the paying unit and to the year the
payment is due, a plan must exist for that month, and an authorized payment needs the unit's
quota for the month. Whether there is enough money is judged at approval, which reserves it.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from services.finance.budget.models import Appropriation, PaymentPlan, Quota
from services.finance.counters import next_number
from services.finance.ledger.models import Account, Category
from services.finance.payments.models import Method, Payment, PaymentStatus
from services.finance.payments.schemas import PaymentCreate, PaymentPublic
from services.finance.scope import UnitScope
from services.finance.units.models import BudgetUnit
from shared.audit import AuditLog
from shared.context import Principal
from shared.pagination import PageParams, fetch_page
from shared.problems import NotFound, ProblemError
from shared.types import today

# what a payment may buy besides expenses: prepayments, inventory, fixed and intangible assets
CAPITAL_ACCOUNTS = frozenset({"1214", "1302", "1601", "1701"})


def public(payment: Payment, threshold: Decimal) -> PaymentPublic:
    return PaymentPublic.model_validate(
        {**payment.model_dump(), "needs_director": payment.amount > threshold}
    )


def _invalid(code: str, detail: str) -> ProblemError:
    return ProblemError(422, code, detail)


def create(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    scope: UnitScope,
    data: PaymentCreate,
) -> Payment:
    scope.check(data.unit_id)
    unit = session.get(BudgetUnit, data.unit_id)
    if unit is None or not unit.active:
        raise _invalid("UNKNOWN_UNIT", f"{data.unit_id} is not an active budget unit")
    due_on = data.due_on or today()
    line = session.get(Appropriation, data.appropriation_id)
    if line is None or line.unit_id != data.unit_id:
        raise _invalid("UNKNOWN_BUDGET_LINE", "the budget line does not exist for this unit")
    if line.fiscal_year != due_on.year:
        raise _invalid(
            "WRONG_FISCAL_YEAR",
            f"the budget line is for {line.fiscal_year}; the payment is due in {due_on.year}",
        )
    plan = session.exec(
        select(PaymentPlan).where(
            PaymentPlan.appropriation_id == line.id, PaymentPlan.month == due_on.month
        )
    ).first()
    if plan is None:
        raise _invalid(
            "NO_PAYMENT_PLAN",
            f"the budget line has no payment plan (用款计划) for {due_on:%Y-%m}",
        )
    quota_id = None
    if data.method == Method.AUTHORIZED:
        quota = session.exec(
            select(Quota).where(
                Quota.unit_id == data.unit_id,
                Quota.fiscal_year == due_on.year,
                Quota.month == due_on.month,
            )
        ).first()
        if quota is None:
            raise _invalid(
                "NO_QUOTA", f"the unit has no quota (用款额度) for {due_on:%Y-%m} to pay from"
            )
        quota_id = quota.id
    account = session.get(Account, data.expense_account)
    if account is None or not account.active or account.restricted:
        raise _invalid("UNKNOWN_ACCOUNT", f"no usable account {data.expense_account!r}")
    if account.category != Category.EXPENSE and account.code not in CAPITAL_ACCOUNTS:
        raise _invalid(
            "NOT_AN_EXPENSE_ACCOUNT",
            "a payment is booked to an expense account or to what it buys "
            f"({', '.join(sorted(CAPITAL_ACCOUNTS))}), not to {account.code}",
        )
    payment = Payment(
        **data.model_dump(exclude={"due_on", "attachments"}),
        number=next_number(session, "payment"),
        due_on=due_on,
        plan_id=plan.id,
        quota_id=quota_id,
        economic_class=line.economic_class,
        fund_source=line.fund_source,
        attachments=[a.model_dump(mode="json") for a in data.attachments],
        requested_by=principal.sub,
    )
    session.add(payment)
    session.flush()
    audit.record(
        session,
        action="payment.requested",
        resource_type="payment",
        resource_id=payment.id,
        after=data.model_dump(mode="json"),
        principal=principal,
    )
    return payment


def get(session: Session, payment_id: uuid.UUID, scope: UnitScope) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None or (not scope.bureau_wide and payment.unit_id != scope.own_unit):
        raise NotFound("payment", payment_id)
    return payment


def locked(session: Session, payment_id: uuid.UUID) -> Payment:
    payment = session.get(Payment, payment_id, with_for_update=True, populate_existing=True)
    if payment is None:
        raise NotFound("payment", payment_id)
    return payment


def search(
    session: Session,
    params: PageParams,
    *,
    unit_id: uuid.UUID | None,
    status: PaymentStatus | None,
    method: Method | None,
    due_from: date | None,
    due_to: date | None,
) -> tuple[list[Payment], int]:
    query = select(Payment)
    if unit_id is not None:
        query = query.where(Payment.unit_id == unit_id)
    if status is not None:
        query = query.where(Payment.status == status)
    if method is not None:
        query = query.where(Payment.method == method)
    if due_from is not None:
        query = query.where(col(Payment.due_on) >= due_from)
    if due_to is not None:
        query = query.where(col(Payment.due_on) <= due_to)
    return fetch_page(session, query, params, col(Payment.number).desc())
