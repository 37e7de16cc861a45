"""Maker–checker on payments, and what each decision does to the money.

- The approver is never the requester; a ``finance_approver`` approves first.
- Above the threshold (``FINANCE_DIRECTOR_THRESHOLD``) a ``director`` must approve as
  well, and that director is neither the requester nor the first approver.
- The first approval reserves the amount on the budget line, its month's plan and (for an
  authorized payment) the unit's quota, all in the approval's transaction; if any lacks it
  the approval is refused (409 ``INSUFFICIENT_FUNDS``) and nothing is reserved.
- Rejection (by an approver or director) and cancellation (by the requester or a finance
  officer, before submission) release what was reserved, in the same transaction.
- What a payment pays for (``PaymentSubjects``, wired in ``main.py``: a claim) refuses a
  decider who is party to it, and follows the payment's rejection or cancellation, in the
  deciding transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends
from sqlmodel import Session

from services.finance.budget import availability
from services.finance.budget.availability import Draw
from services.finance.budget.models import Appropriation, PaymentPlan, Quota
from services.finance.payments.models import RESERVED, Payment, PaymentStatus
from services.finance.roles import APPROVER, DIRECTOR, OFFICER
from shared.audit import AuditLog
from shared.changes import record_change
from shared.context import Principal
from shared.deps import from_app_state
from shared.problems import Conflict, Forbidden
from shared.types import utcnow

Ended = Callable[[Session, AuditLog, Payment, Principal], None]
Decider = Callable[[Session, Payment, Principal, str], None]


class PaymentSubjects:
    """What payments pay for (a claim), wired in ``main.py``, asked in the deciding
    transaction: each ``decider`` check refuses (403) a caller who is party to what the
    payment pays for, and each ``ended`` follower follows the payment's rejection or
    cancellation."""

    def __init__(self, *, deciders: Sequence[Decider] = (), ended: Sequence[Ended] = ()) -> None:
        self.deciders = tuple(deciders)
        self.followers = tuple(ended)

    def check_decider(
        self, session: Session, payment: Payment, principal: Principal, what: str
    ) -> None:
        for check in self.deciders:
            check(session, payment, principal, what)

    def ended(
        self, session: Session, audit: AuditLog, payment: Payment, principal: Principal
    ) -> None:
        for follow in self.followers:
            follow(session, audit, payment, principal)


PaymentSubjectsDep = Annotated[
    PaymentSubjects, Depends(from_app_state("payment_subjects", PaymentSubjects))
]


def draws(payment: Payment | Any) -> list[Draw]:
    """The counter rows a payment (or its row) draws on, in a fixed order (so locks never
    cross)."""
    rows = [Draw(Appropriation, payment.appropriation_id), Draw(PaymentPlan, payment.plan_id)]
    if payment.quota_id is not None:
        rows.append(Draw(Quota, payment.quota_id))
    return rows


def _wrong_state(payment: Payment, action: str) -> Conflict:
    return Conflict(
        "PAYMENT_STATE",
        f"payment {payment.number} is {payment.status}; it cannot be {action} now",
        state=payment.status,
    )


def approve(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    payment: Payment,
    threshold: Decimal,
    subjects: PaymentSubjects | None = None,
) -> Payment:
    """Take the next approval step the caller's role allows (the payment row is locked).
    ``subjects`` None: the caller is what the payment pays for and has checked the decider."""
    before = payment.status
    if principal.sub == payment.requested_by:
        raise Forbidden("SELF_APPROVAL", "the approver of a payment cannot be its requester")
    if subjects is not None:
        subjects.check_decider(session, payment, principal, "approve")
    if payment.status == PaymentStatus.REQUESTED:
        if APPROVER not in principal.roles:
            raise Forbidden("APPROVER_FIRST", "a finance approver approves a payment first")
        availability.reserve(session, draws(payment), payment.amount)
        payment.approved_by = principal.sub
        payment.approved_at = utcnow()
        needs_director = payment.amount > threshold
        payment.status = (
            PaymentStatus.PENDING_DIRECTOR if needs_director else PaymentStatus.APPROVED
        )
    elif payment.status == PaymentStatus.PENDING_DIRECTOR:
        if DIRECTOR not in principal.roles:
            raise Forbidden(
                "DIRECTOR_REQUIRED",
                f"above {threshold:.2f} a director must approve the payment as well",
            )
        if principal.sub == payment.approved_by:
            raise Forbidden("SAME_APPROVER", "the director's approval must come from someone else")
        payment.director_approved_by = principal.sub
        payment.director_approved_at = utcnow()
        payment.status = PaymentStatus.APPROVED
    else:
        raise _wrong_state(payment, "approved")
    return record_change(
        session,
        audit,
        payment,
        action="payment.approved",
        resource_type="payment",
        before={"status": before},
        after={"status": payment.status, "amount": payment.amount},
        principal=principal,
    )


def reject(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    payment: Payment,
    reason: str,
    subjects: PaymentSubjects,
) -> Payment:
    if payment.status not in (PaymentStatus.REQUESTED, PaymentStatus.PENDING_DIRECTOR):
        raise _wrong_state(payment, "rejected")
    if payment.status == PaymentStatus.PENDING_DIRECTOR and DIRECTOR not in principal.roles:
        raise Forbidden("DIRECTOR_REQUIRED", "the payment waits for a director's decision")
    subjects.check_decider(session, payment, principal, "reject")
    return _end(session, audit, principal, payment, PaymentStatus.REJECTED, reason, subjects)


def cancel(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    payment: Payment,
    reason: str,
    subjects: PaymentSubjects,
) -> Payment:
    if payment.status not in (
        PaymentStatus.REQUESTED,
        PaymentStatus.PENDING_DIRECTOR,
        PaymentStatus.APPROVED,
    ):
        raise _wrong_state(payment, "cancelled")
    if principal.sub != payment.requested_by and OFFICER not in principal.roles:
        raise Forbidden("NOT_REQUESTER", "only the requester or a finance officer may cancel")
    return _end(session, audit, principal, payment, PaymentStatus.CANCELLED, reason, subjects)


def _end(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    payment: Payment,
    status: PaymentStatus,
    reason: str,
    subjects: PaymentSubjects,
) -> Payment:
    before = payment.status
    if PaymentStatus(payment.status) in RESERVED:
        availability.release(session, draws(payment), payment.amount)
    payment.status = status
    payment.decided_reason = reason
    subjects.ended(session, audit, payment, principal)
    return record_change(
        session,
        audit,
        payment,
        action=f"payment.{status}",
        resource_type="payment",
        before={"status": before},
        after={"status": status, "reason": reason},
        principal=principal,
    )
