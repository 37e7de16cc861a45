"""The suite's role names where more than one service needs the same set of them.

The gateway's ``Role`` enum is the list of roles a user can hold; a service names the roles of
each operation in its ``require_roles`` (its OpenAPI ``x-roles``).
"""

from __future__ import annotations

# reference data of the whole suite (organisation, locations): every signed-in role reads
# it, peers (``service``) included; the treasury's clients read nothing but their callbacks
REFERENCE_READERS = (
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
