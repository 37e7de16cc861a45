"""Who may do what in the finance service (the gateway's policy mirrors these).

``finance_officer`` prepares, ``finance_approver`` approves and closes periods, ``director``
approves above the threshold, ``unit_liaison`` raises requests and reads its own unit,
``treasury`` may only call the callback endpoint, ``auditor`` reads everything.
"""

from __future__ import annotations

from fastapi import Depends

from shared.auth import require_roles

OFFICER = "finance_officer"
APPROVER = "finance_approver"
DIRECTOR = "director"
LIAISON = "unit_liaison"
AUDITOR = "auditor"
TREASURY = "treasury"

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
