"""A liaison (``unit_liaison``) sees and acts for its own budget unit only; the bureau's
finance roles, the director and the auditor see every unit."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from services.finance.roles import LIAISON, READERS
from shared.auth import CurrentPrincipal
from shared.context import Principal
from shared.problems import ProblemError


class UnitScope:
    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.bureau_wide = bool(set(principal.roles) & set(READERS))
        self.own_unit: uuid.UUID | None = None
        if not self.bureau_wide and LIAISON in principal.roles and principal.unit_id:
            try:
                self.own_unit = uuid.UUID(principal.unit_id)
            except ValueError:
                self.own_unit = None

    def _refuse(self) -> ProblemError:
        return ProblemError(403, "OUTSIDE_OWN_UNIT", "a unit liaison acts for its own unit only")

    def unit_filter(self, requested: uuid.UUID | None) -> uuid.UUID | None:
        """The unit a list or report is narrowed to (a liaison's own, whatever it asked)."""
        if self.bureau_wide:
            return requested
        if self.own_unit is None or (requested is not None and requested != self.own_unit):
            raise self._refuse()
        return self.own_unit

    def check(self, unit_id: uuid.UUID) -> None:
        """Refuse a record of another unit (403) to a liaison."""
        if not self.bureau_wide and unit_id != self.own_unit:
            raise self._refuse()


async def _scope(principal: CurrentPrincipal) -> UnitScope:
    return UnitScope(principal)


ScopeDep = Annotated[UnitScope, Depends(_scope)]
