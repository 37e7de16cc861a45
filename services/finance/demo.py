"""Demo books for ``make run``: the 31 budget units with their zero-balance accounts, this
year's budget lines by economic class with monthly plans, this month's quotas, payment
requests waiting at each step, and revenue waiting to be remitted.

Units come from personnel (same ids) when the caller passes them; otherwise 31 are made up.
Nothing here talks to the treasury: settled payments appear once you submit some.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from services.finance.budget import quotas
from services.finance.budget import service as budget
from services.finance.budget.models import PaymentPlan
from services.finance.budget.schemas import AppropriationCreate
from services.finance.claims import demo as claims_demo
from services.finance.payments import decisions
from services.finance.payments import service as payments
from services.finance.payments.schemas import PaymentCreate
from services.finance.payroll import demo as payroll_demo
from services.finance.payroll.payment import Treasury
from services.finance.revenue import service as revenue
from services.finance.revenue.schemas import ReceiptCreate
from services.finance.standards import demo as standards_demo
from services.finance.units.models import BudgetUnit
from shared.audit import AuditLog
from shared.context import Principal
from shared.scope import RowScope
from shared.tables import platform_tables
from shared.types import today

OFFICER = Principal(sub="demo:finance.officer", roles=frozenset({"finance_officer"}))
APPROVER = Principal(sub="demo:finance.approver", roles=frozenset({"finance_approver"}))
# (economic class, yearly amount per unit in yuan)
LINES = (
    ("30101", 3_600_000),
    ("30102", 1_800_000),
    ("30201", 240_000),
    ("30211", 180_000),
    ("30213", 300_000),
    ("30231", 120_000),
)
PAYEES = (
    ("City Stationery Co.", "6222020200011110001", "ICBC City Branch", "30201", "Office supplies"),
    (
        "Huaxin Travel Services",
        "6217000010022220002",
        "CCB Central Branch",
        "30211",
        "Train tickets",
    ),
    (
        "Anju Property Repairs",
        "6228480030033330003",
        "ABC Riverside Branch",
        "30213",
        "Roof repair",
    ),
    ("Jiaotong Fleet Garage", "6216610040044440004", "BOC East Branch", "30231", "Vehicle service"),
)


def _units(
    session: Session, given: Sequence[tuple[uuid.UUID, str, str]] | None
) -> list[BudgetUnit]:
    units = given or [(uuid.uuid4(), f"U{n:02d}", f"Budget unit {n:02d}") for n in range(1, 32)]
    rows = []
    for n, (unit_id, code, name) in enumerate(units, start=1):
        row = BudgetUnit(
            id=unit_id,
            code=code,
            name=name,
            zba_account=f"ZBA-{n:04d}-{code}"[:34],
            zba_bank="Agent Bank, Treasury Business Dept.",
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def seed(
    session: Session,
    units: Sequence[tuple[uuid.UUID, str, str]] | None = None,
    *,
    users: dict[str, str] | None = None,
    payroll_people: Sequence[dict[str, Any]] = (),
    treasury: Treasury | None = None,
) -> bool:
    """Fill an empty finance database with demo books; False if it already has units (the
    caller commits). ``users`` are the demo users' ids by role: the books are made in their
    names (requested by the demo officer, approved by the demo approver). With
    ``payroll_people`` (personnel's staff and retirees, plain values) last month's payroll
    is paid and this month's computed, once (``payroll.demo``)."""
    officer, approver = OFFICER.as_user(users), APPROVER.as_user(users)
    audit = AuditLog(platform_tables("finance").audit)
    standards_demo.seed(session, audit, officer, approver)
    if session.exec(select(BudgetUnit)).first() is not None:
        _payroll(session, audit, officer, approver, payroll_people, treasury)
        _claims(session, payroll_people, users, treasury)
        return False
    rng = random.Random(20261126)
    day = today()
    rows = _units(session, units)
    lines_of: dict[uuid.UUID, dict[str, uuid.UUID]] = {}
    for unit in rows:
        scale = Decimal(rng.randint(60, 140)) / 100
        lines_of[unit.id] = {}
        for code, yearly in LINES:
            amount = (Decimal(yearly) * scale).quantize(Decimal(1))
            line = budget.create(
                session,
                audit,
                officer,
                AppropriationCreate(
                    fiscal_year=day.year,
                    unit_id=unit.id,
                    economic_class=code,
                    fund_source="GEN",
                    amount=amount,
                    reason="2026 departmental budget approved by the city people's congress",
                ),
            )
            lines_of[unit.id][code] = line.id
            monthly = (amount / 12).quantize(Decimal("0.01"))
            # the year's plan in twelve equal months (written directly: demo data)
            session.add_all(
                PaymentPlan(appropriation_id=line.id, month=month, amount=monthly)
                for month in range(1, 13)
            )
        quotas.set_quota(
            session,
            audit,
            officer,
            unit_id=unit.id,
            fiscal_year=day.year,
            month=day.month,
            amount=Decimal("50000.00"),
            reason="monthly quota for authorized payments",
        )
    scope = RowScope(everything=True)
    for n, unit in enumerate(rows[:12]):
        name, account, bank, code, purpose = PAYEES[n % len(PAYEES)]
        payment = payments.create(
            session,
            audit,
            officer,
            scope,
            PaymentCreate(
                unit_id=unit.id,
                method="authorized" if n % 3 == 0 else "direct",
                appropriation_id=lines_of[unit.id][code],
                payee_name=name,
                payee_account=account,
                payee_bank=bank,
                amount=Decimal(rng.randint(800, 15_000)),
                purpose=f"{purpose} ({unit.code})",
            ),
        )
        if n % 2 == 0:  # half of them approved, ready to submit
            decisions.approve(session, audit, approver, payment, Decimal("500000.00"))
    for n, unit in enumerate(rows[:8]):
        revenue.record(
            session,
            audit,
            data=ReceiptCreate(
                unit_id=unit.id,
                kind="rent" if n % 2 == 0 else "disposal",
                amount=Decimal(rng.randint(2_000, 90_000)),
                received_on=day - timedelta(days=rng.choice((1, 5, 12, 40, 120))),
                payer="Canteen Operator Ltd" if n % 2 == 0 else "City Auction House",
                reference=f"DEMO-{n:03d}",
            ),
            recorded_by=officer.sub,
            principal=officer,
        )
    _payroll(session, audit, officer, approver, payroll_people, treasury)
    _claims(session, payroll_people, users, treasury)
    return True


def _payroll(
    session: Session,
    audit: AuditLog,
    officer: Principal,
    approver: Principal,
    people: Sequence[dict[str, Any]],
    treasury: Treasury | None,
) -> None:
    if people:
        paying = treasury or Treasury("国库单一账户", "TSA-0001")
        payroll_demo.seed(session, audit, officer, approver, people, paying)


def _claims(
    session: Session,
    people: Sequence[dict[str, Any]],
    users: dict[str, str] | None,
    treasury: Treasury | None,
) -> None:
    """Claims in each state by serving staff of the budget units, every rank in turn (so the
    caps differ), once (``claims.demo``)."""
    units = set(session.exec(select(BudgetUnit.id)).all())
    by_rank: dict[str, list[claims_demo.DemoClaimant]] = {}
    for p in people:
        if p["status"] == "serving" and p["unit_id"] in units:
            by_rank.setdefault(str(p["rank_code"]), []).append(
                claims_demo.DemoClaimant(
                    staff_id=p["staff_id"],
                    name=str(p["name"]),
                    unit_id=p["unit_id"],
                    rank_code=str(p["rank_code"]),
                )
            )
    claimants = [c for group in zip(*by_rank.values(), strict=False) for c in group][:7]
    paying = treasury or Treasury("国库单一账户", "TSA-0001")
    claims_demo.seed(
        session, claimants, users=users, tsa_name=paying.name, tsa_account=paying.account
    )
