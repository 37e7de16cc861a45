"""Demo claims for ``make run``: claims in each state for the staff the caller names.

Per round, seven claims in turn by the staff given: a draft; a submitted one whose lodging is
over the cap; a submitted one whose over-cap line a director excepted; an approved one (its
authorized payment approved, the money reserved on the unit's travel line and quota); one
sent to be paid (its payment's instruction written: the treasury worker sends it once finance
runs, and the claim is ``paid`` when the treasury settles it); a rejected one and a withdrawn
one. Everything goes through the module's own service functions. Personnel's ranks and units
come in as arguments (``DemoClaimant``), never over HTTP; seeding again adds nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from services.finance.budget.models import Appropriation
from services.finance.claims import decisions, payment, service
from services.finance.claims.models import Claim, ClaimLine
from services.finance.claims.schemas import ClaimApproval, ClaimCreate
from services.finance.clients.personnel import StaffOnDay
from services.finance.payments import settlement
from services.finance.payments.service import locked
from shared.audit import AuditLog
from shared.context import Principal
from shared.tables import platform_tables
from shared.types import today

APPROVER = Principal(sub="demo:finance.approver", roles=frozenset({"finance_approver"}))
DIRECTOR = Principal(sub="demo:director", roles=frozenset({"director"}))
STATES = ("draft", "flagged", "excepted", "approved", "sent", "rejected", "withdrawn")
CITIES = ("北京", "上海", "成都", "杭州", "绵阳", "广州", "武汉")


@dataclass(frozen=True)
class DemoClaimant:
    """A member of staff as personnel's demo has them (serving in ``unit_id`` at ``rank``)."""

    staff_id: uuid.UUID
    name: str
    unit_id: uuid.UUID
    rank_code: str


class _Roster:
    """Personnel's answer for the demo staff, from the arguments (the ``Directory``)."""

    def __init__(self, staff: Sequence[DemoClaimant]) -> None:
        self.by_id = {s.staff_id: s for s in staff}

    def staff_on(self, staff_id: uuid.UUID, day: date) -> StaffOnDay:
        s = self.by_id[staff_id]
        return StaffOnDay(s.staff_id, s.unit_id, s.rank_code, "serving", s.name)


def _body(n: int, state: str) -> dict[str, Any]:
    back = today() - timedelta(days=10 + 3 * n)
    depart = back - timedelta(days=2)
    over = state in ("flagged", "excepted")
    lodging = "2100.00" if over else "600.00"  # 2 nights
    receipt = {"issued_on": back.isoformat(), "issuer": "Demo hotel"}
    return {
        "purpose": f"Demo trip {n + 1}: provincial work meeting",
        "payee_account": f"62220202{n:011d}",
        "payee_bank": "ICBC City Branch",
        "trips": [
            {
                "city": CITIES[n % len(CITIES)],
                "depart_on": depart.isoformat(),
                "return_on": back.isoformat(),
                "train_seat": "second",
            }
        ],
        "lines": [
            {
                "kind": "lodging",
                "trip": 0,
                "description": "Hotel, two nights",
                "amount": lodging,
                "receipts": [{**receipt, "number": f"DEMO-{n:04d}-H", "amount": lodging}],
            },
            {"kind": "meals", "trip": 0, "description": "Meals, three days", "amount": "300.00"},
            {
                "kind": "transport",
                "trip": 0,
                "description": "Train, return",
                "amount": "420.00",
                "receipts": [{**receipt, "number": f"DEMO-{n:04d}-T", "amount": "420.00"}],
            },
        ],
    }


def _travel_line(session: Session, unit_id: uuid.UUID) -> uuid.UUID | None:
    return session.exec(
        select(Appropriation.id).where(
            Appropriation.unit_id == unit_id,
            Appropriation.economic_class == payment.TRAVEL,
            Appropriation.fiscal_year == today().year,
        )
    ).first()


def seed(
    session: Session,
    staff: Sequence[DemoClaimant],
    *,
    rounds: int = 2,
    users: dict[str, str] | None = None,
    tsa_name: str = "国库单一账户",
    tsa_account: str = "TSA-0001",
) -> int:
    """Claims in each state by ``staff`` in turn (``rounds`` × 7); the number made, 0 when
    there are claims already (the caller commits). Needs the standards in force and each
    unit's travel budget line (30211) and month's quota (``services.finance.demo.seed``)."""
    if not staff or session.exec(select(Claim.id)).first() is not None:
        return 0
    audit = AuditLog(platform_tables("finance").audit)
    approver, director = APPROVER.as_user(users), DIRECTOR.as_user(users)
    roster = _Roster(staff)
    made = 0
    for n in range(rounds * len(STATES)):
        state = STATES[n % len(STATES)]
        who = staff[n % len(staff)]
        claimant = Principal(
            sub=f"demo:staff.{who.staff_id.hex[:8]}",
            roles=frozenset({"staff"}),
            staff_id=str(who.staff_id),
        )
        data = ClaimCreate.model_validate(_body(n, state))
        claim = service.create(session, audit, claimant, roster, data)
        made += 1
        if state == "draft":
            continue
        if state == "withdrawn":
            decisions.withdraw(session, audit, claimant, claim, "Trip was cancelled")
            continue
        decisions.submit(session, audit, claimant, roster, claim)
        if state == "excepted":
            lodging = session.exec(
                select(ClaimLine).where(ClaimLine.claim_id == claim.id, ClaimLine.kind == "lodging")
            ).one()
            if lodging.flag is not None:
                reason = "Only hotel near the venue"
                decisions.grant_exception(session, audit, director, claim, lodging.id, reason)
        elif state == "rejected":
            decisions.reject(session, audit, approver, claim, "No travel order on file")
        elif state in ("approved", "sent"):
            line_id = _travel_line(session, claim.unit_id)
            if line_id is None:
                continue
            approval = ClaimApproval(appropriation_id=line_id)
            payment.approve(session, audit, approver, claim, approval, Decimal("500000.00"))
            if state == "sent" and claim.payment_id is not None:
                settlement.submit(
                    session,
                    audit,
                    approver,
                    locked(session, claim.payment_id),
                    tsa_name=tsa_name,
                    tsa_account=tsa_account,
                )
    session.flush()
    return made
