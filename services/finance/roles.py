"""Who may do what in the finance service (the gateway's policy mirrors these).

``finance_officer`` prepares, ``finance_approver`` approves and closes periods, ``director``
approves above the threshold, ``unit_liaison`` raises requests and reads its own unit,
``treasury`` may only call the callback endpoint, ``auditor`` reads everything.

Rows: the bureau's readers (and the director) reach every unit's rows; a liaison acts for its
own budget unit only (``ScopeDep``, a ``shared.scope.RowScope``).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from shared.auth import require_roles
from shared.scope import RowScope, row_scope

OFFICER = "finance_officer"
APPROVER = "finance_approver"
DIRECTOR = "director"
LIAISON = "unit_liaison"
AUDITOR = "auditor"
TREASURY = "treasury"
SERVICE = "service"

PREPARERS = (OFFICER,)
# bureau-wide readers of the books; a liaison reads its own unit where a route allows it
READERS = (OFFICER, APPROVER, DIRECTOR, AUDITOR)
UNIT_READERS = (*READERS, LIAISON)
REQUESTERS = (OFFICER, LIAISON)
PAYMENT_DECIDERS = (APPROVER, DIRECTOR)
SUBMITTERS = (OFFICER, APPROVER)

prepare = [Depends(require_roles(*PREPARERS))]
read_books = [Depends(require_roles(*READERS))]
read_unit = [Depends(require_roles(*UNIT_READERS))]

ScopeDep = Annotated[RowScope, Depends(row_scope(*READERS))]
# a budget line read by a peer (facilities' remediation phases): every unit's line
LINE_READERS = (*UNIT_READERS, SERVICE)
LineScopeDep = Annotated[RowScope, Depends(row_scope(*READERS, SERVICE))]


def own_unit(scope: RowScope) -> uuid.UUID | None:
    """The one unit whose lines a caller sees (None: every unit's)."""
    return None if scope.everything else scope.unit_id
