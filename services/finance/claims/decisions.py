"""A claim's way: submitted (checked), excepted line by line, approved, rejected, withdrawn.

- Submission (the claimant, its preparer or its unit's liaison) checks every line against the
  standards (``checks``), asking personnel the claimant's rank on each day travelled:
  personnel unreachable is 503 and the claim stays a draft.
- A ``director`` who is not party to the claim grants an over-standard line an exception,
  with a reason: its whole amount becomes payable; who, when and why are kept on the line.
- A ``finance_approver`` who is not party to it approves a submitted claim: its payable
  amount is requested as an authorized payment and approved at once (``payment``), which
  reserves the money (409 ``INSUFFICIENT_FUNDS`` and nothing changed when it lacks).
- A finance approver or a director rejects a submitted claim with a reason; the claimant or
  preparer withdraws a draft or a submitted claim. Either frees its receipts' numbers.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlmodel import Session, col, update

from services.finance.claims import checks
from services.finance.claims.access import may_write, not_a_party
from services.finance.claims.models import Claim, ClaimLine, ClaimReceipt, ClaimStatus
from services.finance.claims.service import Directory, parts
from shared.audit import AuditLog
from shared.changes import record_change
from shared.context import Principal
from shared.problems import Conflict, NotFound
from shared.types import utcnow


def wrong_state(claim: Claim, action: str) -> Conflict:
    return Conflict(
        "CLAIM_STATE",
        f"claim {claim.number} is {claim.status}; it cannot be {action} now",
        state=claim.status,
    )


def _change(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    claim: Claim,
    action: str,
    before: str,
    **after: object,
) -> Claim:
    return record_change(
        session,
        audit,
        claim,
        action=f"claim.{action}",
        resource_type="claim",
        before={"status": before},
        after={"status": claim.status, **after},
        principal=principal,
    )


def submit(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    personnel: Directory,
    claim: Claim,
) -> Claim:
    may_write(principal, claim)
    if claim.status != ClaimStatus.DRAFT:
        raise wrong_state(claim, "submitted")
    trips, lines, _ = parts(session, claim.id)
    checks.check(
        session, claim.staff_id, trips, lines, lambda s, d: personnel.staff_on(s, d).rank_code
    )
    for row in (*trips, *lines):
        session.add(row)
    claim.payable = sum((line.payable for line in lines), Decimal(0))
    claim.status = ClaimStatus.SUBMITTED
    claim.submitted_by = principal.sub
    claim.submitted_at = utcnow()
    flagged = [line.position for line in lines if line.flag is not None]
    return _change(
        session, audit, principal, claim, "submitted", ClaimStatus.DRAFT,
        claimed=claim.claimed, payable=claim.payable, flagged_lines=flagged,
    )  # fmt: skip


def grant_exception(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    claim: Claim,
    line_id: uuid.UUID,
    reason: str,
) -> Claim:
    not_a_party(principal, claim, "grant an exception on")
    if claim.status != ClaimStatus.SUBMITTED:
        raise wrong_state(claim, "excepted")
    line = session.get(ClaimLine, line_id)
    if line is None or line.claim_id != claim.id:
        raise NotFound("claim line", line_id)
    if line.flag is None:
        raise Conflict("NOT_OVER_STANDARD", "the line is within the standard; nothing to except")
    if line.exception_by is not None:
        raise Conflict("EXCEPTION_GRANTED", f"{line.exception_by} excepted the line already")
    line.exception_by = principal.sub
    line.exception_at = utcnow()
    line.exception_reason = reason
    before = line.payable
    line.payable = checks.payable(line)
    session.add(line)
    claim.payable += line.payable - before
    return _change(
        session, audit, principal, claim, "exception_granted", claim.status,
        line_id=str(line.id), flag=line.flag, amount=line.amount, cap=line.cap, reason=reason,
    )  # fmt: skip


def free_receipts(session: Session, claim: Claim) -> None:
    session.execute(
        update(ClaimReceipt).where(col(ClaimReceipt.claim_id) == claim.id).values(live_number=None)
    )


def reject(
    session: Session, audit: AuditLog, principal: Principal, claim: Claim, reason: str
) -> Claim:
    not_a_party(principal, claim, "reject")
    if claim.status != ClaimStatus.SUBMITTED:
        raise wrong_state(claim, "rejected")
    free_receipts(session, claim)
    claim.status = ClaimStatus.REJECTED
    claim.decided_by, claim.decided_at, claim.decided_reason = principal.sub, utcnow(), reason
    return _change(
        session, audit, principal, claim, "rejected", ClaimStatus.SUBMITTED, reason=reason
    )


def withdraw(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    claim: Claim,
    reason: str,
) -> Claim:
    may_write(principal, claim)
    before = claim.status
    if before not in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED):
        raise wrong_state(claim, "withdrawn")
    free_receipts(session, claim)
    claim.status = ClaimStatus.WITHDRAWN
    claim.decided_reason = reason
    return _change(session, audit, principal, claim, "withdrawn", before, reason=reason)
