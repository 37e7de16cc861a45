"""Units' monthly quotas for authorized payment (用款额度).

A quota never drops below what is committed and paid on it. Granting or changing a quota
posts the change to the unit's zero-balance account quota (1011) against fiscal
appropriation revenue (4001), so the ledger shows what the unit may spend.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlmodel import Session, col, select

from services.finance.budget.models import Quota
from services.finance.budget.schemas import QuotaPublic
from services.finance.ledger import posting
from services.finance.ledger.chart import APPROPRIATION_REVENUE, QUOTA_ACCOUNT, QUOTA_FUND
from services.finance.ledger.models import EntrySource
from services.finance.units.models import BudgetUnit
from shared.audit import AuditLog
from shared.changes import touch
from shared.context import Principal
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, NotFound
from shared.types import today

ZERO = Decimal("0.00")


def quota_public(row: Quota) -> QuotaPublic:
    return QuotaPublic(**row.model_dump(), available=row.amount - row.committed - row.paid)


def list_quotas(
    session: Session, params: PageParams, *, fiscal_year: int, unit_id: uuid.UUID | None
) -> Page[QuotaPublic]:
    query = select(Quota).where(Quota.fiscal_year == fiscal_year)
    if unit_id is not None:
        query = query.where(Quota.unit_id == unit_id)
    order = (col(Quota.unit_id), col(Quota.month))
    return paginate(session, query, params, *order, view=quota_public)


def _locked_quota(
    session: Session, unit_id: uuid.UUID, fiscal_year: int, month: int
) -> Quota | None:
    quota = session.exec(
        select(Quota)
        .where(Quota.unit_id == unit_id, Quota.fiscal_year == fiscal_year, Quota.month == month)
        .with_for_update()
    ).first()
    if quota is not None:
        session.refresh(quota)
    return quota


def _post_change(
    session: Session, unit: BudgetUnit, quota: Quota, delta: Decimal, reason: str, actor: str
) -> None:
    """Post a quota's change: Dr 1011 / Cr 4001 when it grows, the reverse when it shrinks."""
    grant, back = (QUOTA_ACCOUNT, APPROPRIATION_REVENUE)
    debit, credit = (grant, back) if delta > 0 else (back, grant)
    posting.post(
        session,
        entry_date=today(),
        memo=f"Quota {quota.fiscal_year}-{quota.month:02d} for {unit.code}: {reason}",
        lines=[
            posting.LineSpec(account=debit, unit_id=unit.id, debit=abs(delta)),
            posting.LineSpec(
                account=credit, unit_id=unit.id, credit=abs(delta), fund_source=QUOTA_FUND
            ),
        ],
        source=EntrySource.QUOTA,
        source_ref=f"{quota.id}:{quota.version}",
        posted_by=actor,
    )


def set_quota(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    *,
    unit_id: uuid.UUID,
    fiscal_year: int,
    month: int,
    amount: Decimal,
    reason: str,
) -> Quota:
    unit = session.get(BudgetUnit, unit_id)
    if unit is None:
        raise NotFound("budget_unit", unit_id)
    quota = _locked_quota(session, unit_id, fiscal_year, month)
    current = quota.amount if quota else ZERO
    if quota is not None and amount < quota.committed + quota.paid:
        raise Conflict(
            "BELOW_COMMITTED",
            f"{quota.committed + quota.paid:.2f} of this quota is committed or paid",
        )
    before = quota.model_dump(mode="json") if quota else None
    if quota is None:
        quota = Quota(unit_id=unit_id, fiscal_year=fiscal_year, month=month, amount=amount)
    else:
        quota.amount = amount
        touch(quota)
    session.add(quota)
    session.flush()
    if amount != current:
        _post_change(session, unit, quota, amount - current, reason, principal.sub)
    audit.record(
        session,
        action="quota.set",
        resource_type="quota",
        resource_id=quota.id,
        before=before,
        after={**quota.model_dump(mode="json"), "reason": reason},
        principal=principal,
    )
    return quota
