"""Who may do what in the assets service (the gateway's policy rows mirror these)."""

from __future__ import annotations

from fastapi import Depends

from shared.auth import require_roles
from shared.roles import REFERENCE_READERS

OFFICERS = ("asset_officer",)
# the real-estate register is the suite's location master: every signed-in role but the
# treasury reads it, peers (``service``) included
LOCATION_READERS = REFERENCE_READERS

manage = [Depends(require_roles(*OFFICERS))]
read_locations = [Depends(require_roles(*LOCATION_READERS))]
