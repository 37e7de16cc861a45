"""Who may do what in the assets service (the gateway's policy rows mirror these).

``asset_officer`` keeps the register and writes everything; ``director`` and ``auditor`` read
everything (and a ``director`` approves what needs a director); a ``unit_liaison`` reads its
own unit's assets and rooms and takes part in its stocktakes; ``staff`` see the assets they are
custodian of; peers (``service``) read what other services refer to.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import require_roles
from shared.roles import REFERENCE_READERS
from shared.scope import RowScope, row_scope

OFFICER = "asset_officer"
DIRECTOR = "director"
AUDITOR = "auditor"
LIAISON = "unit_liaison"
STAFF = "staff"
SERVICE = "service"

OFFICERS = (OFFICER,)
# bureau-wide readers of the register: every row
WIDE_READERS = (OFFICER, DIRECTOR, AUDITOR, SERVICE)
# readers of asset rows, narrowed by ``ScopeDep``: a liaison to its unit, staff to their own
ASSET_READERS = (*WIDE_READERS, LIAISON, STAFF)
# the real-estate register is the suite's location master: every signed-in role but the
# treasury reads it, peers (``service``) included
LOCATION_READERS = REFERENCE_READERS

manage = [Depends(require_roles(*OFFICERS))]
read_locations = [Depends(require_roles(*LOCATION_READERS))]
read_assets = [Depends(require_roles(*ASSET_READERS))]
read_wide = [Depends(require_roles(*WIDE_READERS))]

# the rows a caller reaches: everything for the wide readers, a liaison's own unit, the
# assets a member of staff is custodian of
ScopeDep = Annotated[RowScope, Depends(row_scope(*WIDE_READERS))]
