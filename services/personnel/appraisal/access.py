"""Who may read or write which appraisal data: the roles, and the unit a score writer may
touch. Which rows a reader reaches is the shared row scope (``roles.ReadScope``): a
``unit_liaison`` its own unit, ``staff`` their own records, everyone else listed everything.
"""

from __future__ import annotations

import uuid

from fastapi import Depends

from services.personnel.roles import MANAGERS, SCORE_READERS, STAFF_READERS
from shared.auth import require_roles
from shared.context import Principal
from shared.problems import Forbidden
from shared.scope import scope_of

# schemes, cycles and results: every appraisal role may read them
APPRAISAL_READERS = STAFF_READERS
SCORE_WRITERS = ("hr_officer", "unit_liaison")

read_appraisal = [Depends(require_roles(*APPRAISAL_READERS))]
read_scores = [Depends(require_roles(*SCORE_READERS))]


def writer_unit(principal: Principal) -> uuid.UUID | None:
    """The only unit a score writer may touch (None: any unit, for ``hr_officer``)."""
    scope = scope_of(principal, MANAGERS)
    if scope.everything:
        return None
    if scope.unit_id is None:
        raise Forbidden("NO_UNIT_SCOPE", "this unit liaison has no unit assigned")
    return scope.unit_id
