"""Who may do what in the assets service (the gateway's policy rows mirror these)."""

from __future__ import annotations

from fastapi import Depends

from shared.auth import require_roles

OFFICERS = ("asset_officer",)
# the real-estate register is the suite's location master: every signed-in role but the
# treasury reads it, peers (``service``) included
LOCATION_READERS = (
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

manage = [Depends(require_roles(*OFFICERS))]
read_locations = [Depends(require_roles(*LOCATION_READERS))]
