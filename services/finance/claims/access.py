"""Who may reach a claim and act on it, beyond the roles of the route.

A claim is reached by its claimant (``staff``, their own), the liaison of its unit, and the
bureau's readers. It is written, submitted and withdrawn by its claimant, by whoever prepared
it, or by its unit's liaison. It is decided by nobody who claims or prepared it.
"""

from __future__ import annotations

from services.finance.claims.models import Claim
from shared.context import Principal
from shared.problems import Forbidden
from shared.scope import RowScope


def reaches(scope: RowScope, claim: Claim) -> bool:
    return scope.allows(unit_id=claim.unit_id, staff_id=claim.staff_id)


def may_write(principal: Principal, scope: RowScope, claim: Claim) -> None:
    """403 unless the caller is the claimant, its preparer or its unit's liaison."""
    if principal.sub == claim.prepared_by or scope.staff_id == claim.staff_id:
        return
    if scope.unit_id is not None and scope.unit_id == claim.unit_id:
        return
    raise Forbidden("NOT_CLAIMANT", "only the claimant, its preparer or its unit's liaison may")


def not_a_party(principal: Principal, claim: Claim, what: str) -> None:
    """403 when the caller claims or prepared the claim (maker–checker)."""
    staff_id = principal.staff_id
    if principal.sub in (claim.prepared_by, claim.submitted_by) or (
        staff_id is not None and staff_id == str(claim.staff_id)
    ):
        raise Forbidden("SELF_DECISION", f"the claimant or preparer of a claim cannot {what} it")
