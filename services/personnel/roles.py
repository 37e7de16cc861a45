"""Who may do what in the personnel service (the gateway's policy mirrors these)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import require_roles
from shared.roles import REFERENCE_READERS
from shared.scope import RowScope, row_scope

MANAGERS = ("hr_officer",)
# bureau-level readers see every unit; liaisons and staff are narrowed by the service
WIDE_READERS = ("hr_officer", "director", "auditor", "service")
STAFF_READERS = (*WIDE_READERS, "unit_liaison", "staff")
# scores and accountability records: not for peer services
SCORE_READERS = ("hr_officer", "director", "auditor", "unit_liaison", "staff")
# organisation is reference data for the whole suite: every signed-in role but the treasury
ORGANISATION_READERS = REFERENCE_READERS

manage = [Depends(require_roles(*MANAGERS))]
read_organisation = [Depends(require_roles(*ORGANISATION_READERS))]

# the rows a reader reaches: everything for a bureau-level reader, a liaison its own unit,
# a member of staff their own records (403 when the claim that would say which is missing)
ReadScope = Annotated[RowScope, Depends(row_scope(*WIDE_READERS))]
