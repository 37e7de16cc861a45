"""Raising and reading payment requests.

A request names its budget line; the line must belong to the paying unit and to the year the
payment is due, a plan must exist for that month, and an authorized payment needs the unit's
quota for the month. Whether there is enough money is judged at approval, which reserves it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, col, func, select

from services.finance.budget.models import Appropriation, PaymentPlan, Quota
from services.finance.counters import next_number
from services.finance.ledger.models import Account, Category
from services.finance.payments.models import RESERVED, Method, Payment, PaymentStatus
from services.finance.payments.schemas import PaymentCreate, PaymentPublic
from services.finance.units.models import BudgetUnit
from shared.audit import AuditLog
from shared.changes import record_creation
from shared.concurrency import check_version
from shared.context import Principal
from shared.pagination import Listing, Page, PageParams
from shared.problems import Invalid, NotFound
from shared.scope import RowScope
from shared.types import today

# what a payment may buy besides expenses: prepayments, inventory, fixed and intangible assets
CAPITAL_ACCOUNTS = frozenset({"1214", "1302", "1601", "1701"})


def public(payment: Payment, threshold: Decimal) -> PaymentPublic:
    return PaymentPublic.model_validate(
        {**payment.model_dump(), "needs_director": payment.amount > threshold}
    )


def _active_unit(session: Session, unit_id: uuid.UUID) -> BudgetUnit:
    unit = session.get(BudgetUnit, unit_id)
    if unit is None or not unit.active:
        raise Invalid("UNKNOWN_UNIT", f"{unit_id} is not an active budget unit")
    return unit


def _budget_line(session: Session, data: PaymentCreate, due_on: date) -> Appropriation:
    line = session.get(Appropriation, data.appropriation_id)
    if line is None or line.unit_id != data.unit_id:
        raise Invalid("UNKNOWN_BUDGET_LINE", "the budget line does not exist for this unit")
    if line.fiscal_year != due_on.year:
        raise Invalid(
            "WRONG_FISCAL_YEAR",
            f"the budget line is for {line.fiscal_year}; the payment is due in {due_on.year}",
        )
    return line


def _plan(session: Session, line: Appropriation, due_on: date) -> PaymentPlan:
    plan = session.exec(
        select(PaymentPlan).where(
            PaymentPlan.appropriation_id == line.id, PaymentPlan.month == due_on.month
        )
    ).first()
    if plan is None:
        raise Invalid(
            "NO_PAYMENT_PLAN",
            f"the budget line has no payment plan (用款计划) for {due_on:%Y-%m}",
        )
    return plan


def _quota_id(session: Session, data: PaymentCreate, due_on: date) -> uuid.UUID | None:
    """The unit's quota of the month an authorized payment draws on (None: direct)."""
    if data.method != Method.AUTHORIZED:
        return None
    quota = session.exec(
        select(Quota).where(
            Quota.unit_id == data.unit_id,
            Quota.fiscal_year == due_on.year,
            Quota.month == due_on.month,
        )
    ).first()
    if quota is None:
        raise Invalid(
            "NO_QUOTA", f"the unit has no quota (用款额度) for {due_on:%Y-%m} to pay from"
        )
    return quota.id


def _check_expense_account(session: Session, code: str) -> None:
    account = session.get(Account, code)
    if account is None or not account.active or account.restricted:
        raise Invalid("UNKNOWN_ACCOUNT", f"no usable account {code!r}")
    if account.category != Category.EXPENSE and account.code not in CAPITAL_ACCOUNTS:
        raise Invalid(
            "NOT_AN_EXPENSE_ACCOUNT",
            "a payment is booked to an expense account or to what it buys "
            f"({', '.join(sorted(CAPITAL_ACCOUNTS))}), not to {account.code}",
        )


def _t(model: Any) -> Any:
    return model.__table__


_UNIT, _LINE, _PLAN, _QUOTA, _ACCOUNT = (
    _t(m).c for m in (BudgetUnit, Appropriation, PaymentPlan, Quota, Account)
)


def _one(column: Any, *where: Any) -> Any:
    return core_select(column).where(*where).limit(1).scalar_subquery()


# everything a new payment names, in one statement: the unit's state, the line, the plan of the
# month, the unit's quota of the month and the expense account
_NAMED = core_select(
    _one(_UNIT.active, _UNIT.id == bindparam("unit_id")).label("unit_active"),
    _LINE.unit_id,
    _LINE.fiscal_year,
    _LINE.economic_class,
    _LINE.fund_source,
    _one(_PLAN.id, _PLAN.appropriation_id == _LINE.id, _PLAN.month == bindparam("month")).label(
        "plan_id"
    ),
    _one(
        _QUOTA.id,
        _QUOTA.unit_id == bindparam("unit_id"),
        _QUOTA.fiscal_year == bindparam("year"),
        _QUOTA.month == bindparam("month"),
    ).label("quota_id"),
    _one(_ACCOUNT.active, _ACCOUNT.code == bindparam("account")).label("account_active"),
    _one(_ACCOUNT.restricted, _ACCOUNT.code == bindparam("account")).label("restricted"),
    _one(_ACCOUNT.category, _ACCOUNT.code == bindparam("account")).label("category"),
).where(_LINE.id == bindparam("line_id"))


@dataclass(frozen=True)
class _Named:
    """What a valid payment request draws on."""

    plan_id: uuid.UUID
    quota_id: uuid.UUID | None
    economic_class: str
    fund_source: str


def _named(session: Session, data: PaymentCreate, due_on: date) -> _Named:
    """Check what the request names: one query when all is well; otherwise each check in
    turn, so that the first thing wrong is the one refused."""
    row = (
        session.connection()
        .execute(
            _NAMED,
            {
                "unit_id": data.unit_id,
                "line_id": data.appropriation_id,
                "year": due_on.year,
                "month": due_on.month,
                "account": data.expense_account,
            },
        )
        .first()
    )
    authorized = data.method == Method.AUTHORIZED
    if (
        row is not None
        and row.unit_active
        and row.unit_id == data.unit_id
        and row.fiscal_year == due_on.year
        and row.plan_id is not None
        and (row.quota_id is not None or not authorized)
        and row.account_active
        and not row.restricted
        and (row.category == Category.EXPENSE or data.expense_account in CAPITAL_ACCOUNTS)
    ):
        return _Named(
            plan_id=row.plan_id,
            quota_id=row.quota_id if authorized else None,
            economic_class=row.economic_class,
            fund_source=row.fund_source,
        )
    _active_unit(session, data.unit_id)
    line = _budget_line(session, data, due_on)
    plan = _plan(session, line, due_on)
    quota_id = _quota_id(session, data, due_on)
    _check_expense_account(session, data.expense_account)
    return _Named(plan.id, quota_id, line.economic_class, line.fund_source)  # (not reached)


def create(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    scope: RowScope,
    data: PaymentCreate,
) -> Payment:
    scope.check(unit_id=data.unit_id)
    due_on = data.due_on or today()
    named = _named(session, data, due_on)
    payment = Payment(
        **data.model_dump(exclude={"due_on", "attachments"}),
        number=next_number(session, "payment"),
        due_on=due_on,
        plan_id=named.plan_id,
        quota_id=named.quota_id,
        economic_class=named.economic_class,
        fund_source=named.fund_source,
        attachments=[a.model_dump(mode="json") for a in data.attachments],
        requested_by=principal.sub,
    )
    record_creation(
        session,
        audit,
        payment,
        action="payment.requested",
        resource_type="payment",
        after=data.model_dump(mode="json"),
        principal=principal,
    )
    return payment


def get(session: Session, payment_id: uuid.UUID, scope: RowScope) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None or not scope.allows(unit_id=payment.unit_id):
        raise NotFound("payment", payment_id)
    return payment


def locked(session: Session, payment_id: uuid.UUID) -> Payment:
    payment = session.get(Payment, payment_id, with_for_update=True, populate_existing=True)
    if payment is None:
        raise NotFound("payment", payment_id)
    return payment


def fresh(session: Session, payment: Payment) -> Payment:
    """The payment as stored now (after what was done to it after the commit)."""
    session.refresh(payment)
    return payment


def locked_at(session: Session, payment_id: uuid.UUID, expected_version: int | None) -> Payment:
    """The payment locked for a decision, after the caller's ``If-Match``."""
    payment = locked(session, payment_id)
    check_version("payment", payment.version, expected_version)
    return payment


# newest first, by number; statements built once per combination of filters (shared.pagination)
PAYMENTS: Listing[Payment] = Listing(
    select(Payment),
    col(Payment.number).desc(),
    filters={
        "unit_id": lambda v: col(Payment.unit_id) == v,
        "status": lambda v: col(Payment.status) == v,
        "method": lambda v: col(Payment.method) == v,
        "due_from": lambda v: col(Payment.due_on) >= v,
        "due_to": lambda v: col(Payment.due_on) <= v,
    },
)


def search(
    session: Session,
    params: PageParams,
    threshold: Decimal,
    *,
    unit_id: uuid.UUID | None,
    status: PaymentStatus | None,
    method: Method | None,
    due_from: date | None,
    due_to: date | None,
) -> Page[PaymentPublic]:
    return PAYMENTS.page(
        session,
        params,
        view=lambda p: public(p, threshold),
        unit_id=unit_id,
        status=status,
        method=method,
        due_from=due_from,
        due_to=due_to,
    )


def in_flight(session: Session, unit_id: uuid.UUID) -> int:
    """How many of the unit's payments are under way (their money reserved)."""
    return session.exec(
        select(func.count())
        .select_from(Payment)
        .where(Payment.unit_id == unit_id, col(Payment.status).in_(list(RESERVED)))
    ).one()
