"""Who may reach a claim and act on it, beyond the roles of the route.

A claim is reached by its claimant (``staff``, their own), the liaison of its unit, and the
bureau's readers. It is written, submitted and withdrawn by its claimant, by whoever prepared
it, or by its unit's liaison. It is decided by nobody who claims or prepared it.
"""

from __future__ import annotations

import uuid

from services.finance.claims.models import Claim
from shared.context import Principal
from shared.problems import Forbidden
from shared.scope import LIAISON, STAFF, RowScope, claim_uuid


def reaches(scope: RowScope, claim: Claim) -> bool:
    return scope.allows(unit_id=claim.unit_id, staff_id=claim.staff_id)


def own_staff_id(principal: Principal) -> uuid.UUID | None:
    """The caller's own staff record, as a member of staff (whatever other roles they hold)."""
    return claim_uuid(principal.staff_id) if STAFF in principal.roles else None


def liaison_unit(principal: Principal) -> uuid.UUID | None:
    """The unit the caller speaks for as its liaison."""
    return claim_uuid(principal.unit_id) if LIAISON in principal.roles else None


def may_write(principal: Principal, claim: Claim) -> None:
    """403 unless the caller is the claimant, its preparer or its unit's liaison."""
    if principal.sub == claim.prepared_by or own_staff_id(principal) == claim.staff_id:
        return
    if liaison_unit(principal) == claim.unit_id:
        return
    raise Forbidden("NOT_CLAIMANT", "only the claimant, its preparer or its unit's liaison may")


def not_a_party(principal: Principal, claim: Claim, what: str) -> None:
    """403 when the caller claims or prepared the claim (maker–checker)."""
    staff_id = principal.staff_id
    if principal.sub in (claim.prepared_by, claim.submitted_by) or (
        staff_id is not None and staff_id == str(claim.staff_id)
    ):
        raise Forbidden("SELF_DECISION", f"the claimant or preparer of a claim cannot {what} it")
