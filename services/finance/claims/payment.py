"""A claim paid through Finance I's payments: an authorized payment from the unit's quota.

- Approval requests a payment of the claim's payable amount to the claimant's account,
  ``authorized`` (授权支付, from the unit's zero-balance account within its month's quota),
  on the budget line the approver names: the unit's own, of economic class 30211 (差旅费)
  for a claim with trips, of class 302 for any other. The claim's submitter is its
  requester; the approver approves it at once, which reserves the money on the line, its
  month's plan and the quota (budget control), or refuses as the payments do.
- Above the director threshold the payment waits for a director's approval (the claim shows
  its payment's state); paying it before then is 409 ``AWAITING_DIRECTOR``.
- A director who rejects the payment rejects the claim with it, with the director's reason,
  and frees its receipts; a payment cancelled before it was sent sends the claim back to
  ``submitted``, without its payment and with the reason, for an approver to approve anew
  (on another budget line, say). Both in the transaction that ends the payment
  (``payment_ended``).
- Nobody who claims or prepared the claim decides its payment, the director's step included
  (``decider_not_a_party``).
- Paying submits that payment to the treasury (``settlement.submit_now``).
- When the payment settles, the claim becomes ``paid``, once (``Follower``, a handler of the
  payment instructions' states next to the payments' own).
- When the treasury refuses the payment (a closed account …), the claim goes back to
  ``draft`` with the treasury's reason and without its payment, so that the claimant puts the
  account right and submits it again (checked anew); its receipts stay its own.
- When the payee's bank later returns a settled payment (a wrong or closed account), the
  ``paid`` claim goes back to ``draft`` the same way, without its payment date: the payment's
  own settlement has already given the money back to the budget and reversed its entry, so
  the claim is paid again only through a new approval and a new payment, never twice.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlmodel import Session, col
from sqlmodel import select as sqlmodel_select

from services.finance.budget.models import Appropriation
from services.finance.claims.access import not_a_party
from services.finance.claims.decisions import free_receipts, wrong_state
from services.finance.claims.models import Claim, ClaimStatus, ClaimTrip
from services.finance.claims.schemas import ClaimApproval
from services.finance.ledger.chart import OPERATING_EXPENSE
from services.finance.payments import decisions as payment_decisions
from services.finance.payments import service as payments
from services.finance.payments import settlement
from services.finance.payments.models import Method, Payment, PaymentStatus
from services.finance.payments.schemas import PaymentCreate
from services.finance.treasury.models import InstructionStatus
from services.finance.treasury.sender import Sender
from services.finance.treasury.status import Change
from shared.audit import AuditLog
from shared.changes import record_change
from shared.context import Principal
from shared.problems import Conflict, Invalid
from shared.scope import RowScope
from shared.types import today, utcnow

TRAVEL = "30211"  # 差旅费
GOODS_AND_SERVICES = "302"


def _line(session: Session, claim: Claim, appropriation_id: uuid.UUID) -> Appropriation:
    line = session.get(Appropriation, appropriation_id)
    if line is None or line.unit_id != claim.unit_id:
        raise Invalid("UNKNOWN_BUDGET_LINE", "the budget line does not exist for the claim's unit")
    travel = session.exec(
        sqlmodel_select(col(ClaimTrip.id)).where(col(ClaimTrip.claim_id) == claim.id)
    ).first()
    wanted = TRAVEL if travel is not None else GOODS_AND_SERVICES
    if not line.economic_class.startswith(wanted):
        raise Invalid(
            "WRONG_ECONOMIC_CLASS",
            f"a {'travel ' if travel else ''}claim is paid from class {wanted}, "
            f"not {line.economic_class}",
        )
    return line


def approve(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    claim: Claim,
    data: ClaimApproval,
    threshold: Decimal,
) -> Claim:
    not_a_party(principal, claim, "approve")
    if claim.status != ClaimStatus.SUBMITTED:
        raise wrong_state(claim, "approved")
    if claim.payable <= 0:
        raise Conflict("NOTHING_PAYABLE", f"claim {claim.number} has nothing payable")
    line = _line(session, claim, data.appropriation_id)
    request = PaymentCreate(
        unit_id=claim.unit_id,
        method=Method.AUTHORIZED,
        appropriation_id=line.id,
        payee_name=claim.staff_name,
        payee_account=claim.payee_account,
        payee_bank=claim.payee_bank,
        amount=claim.payable,
        purpose=f"报账 claim {claim.number}: {claim.purpose}"[:500],
        expense_account=OPERATING_EXPENSE,
    )
    requester = Principal(sub=claim.submitted_by or claim.prepared_by)
    payment = payments.create(session, audit, requester, RowScope(everything=True), request)
    payment_decisions.approve(session, audit, principal, payment, threshold)
    before = claim.status
    claim.status = ClaimStatus.APPROVED
    claim.payment_id = payment.id
    claim.decided_by, claim.decided_at = principal.sub, utcnow()
    return record_change(
        session,
        audit,
        claim,
        action="claim.approved",
        resource_type="claim",
        before={"status": before},
        after={"status": claim.status, "payment_id": str(payment.id), "amount": claim.payable},
        principal=principal,
    )


def pay(
    session: Session,
    audit: AuditLog,
    sender: Sender,
    principal: Principal,
    claim: Claim,
    *,
    tsa_name: str,
    tsa_account: str,
) -> Claim:
    """Send the approved claim's payment to the treasury."""
    if claim.status != ClaimStatus.APPROVED or claim.payment_id is None:
        raise wrong_state(claim, "paid")
    payment = session.get(Payment, claim.payment_id)
    if payment is not None and payment.status == PaymentStatus.PENDING_DIRECTOR:
        raise Conflict(
            "AWAITING_DIRECTOR",
            f"claim {claim.number}'s payment {payment.number} waits for a director's approval",
            payment_id=str(payment.id),
        )
    settlement.submit_now(
        session,
        audit,
        sender,
        principal,
        claim.payment_id,
        tsa_name=tsa_name,
        tsa_account=tsa_account,
    )
    return claim


def decider_not_a_party(
    session: Session, payment: Payment, principal: Principal, what: str
) -> None:
    """403 ``SELF_DECISION`` when the caller claims or prepared the claim the payment pays
    (a director who is also the claimant never approves its payment)."""
    claim = session.exec(sqlmodel_select(Claim).where(col(Claim.payment_id) == payment.id)).first()
    if claim is not None:
        not_a_party(principal, claim, f"{what} the payment of")


def payment_ended(
    session: Session, audit: AuditLog, payment: Payment, principal: Principal
) -> None:
    """The approved claim a rejected or cancelled payment paid follows it (module rules)."""
    claim = session.exec(
        sqlmodel_select(Claim)
        .where(col(Claim.payment_id) == payment.id, col(Claim.status) == ClaimStatus.APPROVED)
        .with_for_update()
    ).first()
    if claim is None:
        return
    reason = payment.decided_reason or ""
    if payment.status == PaymentStatus.REJECTED:
        free_receipts(session, claim)
        claim.status = ClaimStatus.REJECTED
        claim.decided_by, claim.decided_at, claim.decided_reason = principal.sub, utcnow(), reason
        action = "claim.rejected"
    else:
        claim.status = ClaimStatus.SUBMITTED
        claim.payment_id = None
        claim.decided_by = claim.decided_at = None
        claim.decided_reason = f"payment {payment.number} cancelled: {reason}"
        action = "claim.approval_undone"
    record_change(
        session,
        audit,
        claim,
        action=action,
        resource_type="claim",
        before={"status": ClaimStatus.APPROVED, "payment_id": str(payment.id)},
        after={"status": claim.status, "reason": reason},
        principal=principal,
    )


_CLAIMS: Any = Claim.__table__  # type: ignore[attr-defined]


def _of_payment(status: ClaimStatus) -> Any:
    """The claim in ``status`` that a payment pays."""
    return select(_CLAIMS.c.id, _CLAIMS.c.number).where(
        _CLAIMS.c.payment_id == bindparam("payment_id"), _CLAIMS.c.status == status.value
    )


def _back_to_draft(status: ClaimStatus) -> Any:
    """A claim in ``status`` back to draft with the reason, without its payment (and date)."""
    return (
        update(_CLAIMS)
        .where(_CLAIMS.c.id == bindparam("claim_id"), _CLAIMS.c.status == status.value)
        .values(
            status=ClaimStatus.DRAFT.value,
            payment_id=None,
            paid_on=None,
            decided_reason=bindparam("reason"),
            version=_CLAIMS.c.version + 1,
            updated_at=bindparam("now"),
        )
    )


_APPROVED_OF, _RETURNED_OF = _of_payment(ClaimStatus.APPROVED), _of_payment(ClaimStatus.PAID)
_FAILED, _RETURNED = _back_to_draft(ClaimStatus.APPROVED), _back_to_draft(ClaimStatus.PAID)
_PAID = (
    update(_CLAIMS)
    .where(_CLAIMS.c.id == bindparam("claim_id"), _CLAIMS.c.status == ClaimStatus.APPROVED.value)
    .values(
        status=ClaimStatus.PAID.value,
        paid_on=bindparam("paid_on"),
        version=_CLAIMS.c.version + 1,
        updated_at=bindparam("now"),
    )
)


class Follower:
    """A payment's settlement makes its claim ``paid``, its refusal returns the claim to
    ``draft``, and so does its return by the payee's bank after it was paid: only a claim in
    the state the change expects moves, so a state heard twice changes it once."""

    def __init__(self, audit: AuditLog) -> None:
        self.audit = audit

    def __call__(self, session: Session, change: Change) -> None:
        if change.new not in _FOLLOWED:
            return
        conn = session.connection()
        payment_id = change.instruction.subject_id
        returned = change.new == InstructionStatus.RETURNED
        claim = conn.execute(
            _RETURNED_OF if returned else _APPROVED_OF, {"payment_id": payment_id}
        ).first()
        if claim is None:
            return
        now = utcnow()
        before = ClaimStatus.PAID if returned else ClaimStatus.APPROVED
        if change.new == InstructionStatus.SETTLED:
            paid_on = min(change.instruction.settled_on or today(), today())
            values = {"claim_id": claim.id, "paid_on": paid_on, "now": now}
            moved = conn.execute(_PAID, values).rowcount
            action, after = "claim.paid", {"status": ClaimStatus.PAID, "paid_on": str(paid_on)}
        else:
            who = "returned by the payee's bank" if returned else "refused by the treasury"
            reason = f"payment {who}: {change.instruction.reason_code} "
            reason += change.instruction.reason or ""
            values = {"claim_id": claim.id, "reason": reason.strip(), "now": now}
            moved = conn.execute(_RETURNED if returned else _FAILED, values).rowcount
            action = "claim.payment_returned" if returned else "claim.payment_refused"
            after = {"status": ClaimStatus.DRAFT, "payment_id": str(payment_id), "reason": reason}
        if moved == 1:
            self.audit.record(
                session,
                action=action,
                resource_type="claim",
                resource_id=claim.id,
                before={"status": before},
                after=after,
                principal=Principal(sub=change.actor),
            )


_FOLLOWED = (InstructionStatus.SETTLED, InstructionStatus.REJECTED, InstructionStatus.RETURNED)
