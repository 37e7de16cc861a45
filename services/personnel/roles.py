"""Who may do what in the personnel service (the gateway's policy mirrors these)."""

from __future__ import annotations

from fastapi import Depends

from shared.auth import require_roles

MANAGERS = ("hr_officer",)
# organisation is reference data for the whole suite: every signed-in role but the treasury
ORGANISATION_READERS = (
    "admin",
    "director",
    "finance_officer",
    "finance_approver",
    "asset_officer",
    "facilities_officer",
    "security_officer",
    "guard",
    "hr_officer",
    "unit_liaison",
    "staff",
    "auditor",
    "service",
)

manage = [Depends(require_roles(*MANAGERS))]
read_organisation = [Depends(require_roles(*ORGANISATION_READERS))]
