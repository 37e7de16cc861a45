"""Who may do what in the facilities service (the gateway's policy rows mirror these).

``facilities_officer`` runs inspections, hazards, remediation plans and work orders;
``security_officer`` keeps the safety responsibility zones and the fire equipment; ``director``
and ``auditor`` read everything (a ``director`` also receives escalations); a ``unit_liaison``
raises requests and sees its own unit's buildings' hazards; ``staff`` raise requests and see
their own; peers (``service``) read what other services refer to.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import require_roles
from shared.scope import RowScope, row_scope

FACILITIES_OFFICER = "facilities_officer"
SECURITY_OFFICER = "security_officer"
DIRECTOR = "director"
AUDITOR = "auditor"
LIAISON = "unit_liaison"
STAFF = "staff"
SERVICE = "service"

# bureau-wide readers of every facilities row
WIDE_READERS = (FACILITIES_OFFICER, SECURITY_OFFICER, DIRECTOR, AUDITOR, SERVICE)
# readers narrowed by ``ScopeDep``: a liaison to its unit's rows, staff to their own
SCOPED_READERS = (*WIDE_READERS, LIAISON, STAFF)
# who raises a maintenance request: the officers, a unit's liaison, any member of staff
REQUESTERS = (FACILITIES_OFFICER, SECURITY_OFFICER, LIAISON, STAFF)

manage_upkeep = [Depends(require_roles(FACILITIES_OFFICER))]
manage_safety = [Depends(require_roles(SECURITY_OFFICER))]
read_wide = [Depends(require_roles(*WIDE_READERS))]
read_scoped = [Depends(require_roles(*SCOPED_READERS))]
raise_requests = [Depends(require_roles(*REQUESTERS))]

# the rows a caller reaches: everything for the wide readers, a liaison's own unit, staff
# their own requests
ScopeDep = Annotated[RowScope, Depends(row_scope(*WIDE_READERS))]
