"""Row scope: which rows a caller may reach, parsed from the token's claims once a request.

The gateway admits roles; a service narrows them by the rule only it can judge. Callers with a
bureau-wide role reach every row. A ``unit_liaison`` reaches its own budget unit (the token's
``unit_id``), ``staff`` their own records (the token's ``staff_id``). A service that also
counts a unit's sections widens ``unit_id`` itself (personnel knows the sections).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, or_

from shared.auth import CurrentPrincipal
from shared.context import Principal
from shared.problems import Forbidden

LIAISON = "unit_liaison"
STAFF = "staff"


def claim_uuid(value: str | None) -> uuid.UUID | None:
    """A token claim as a UUID; None when absent or malformed."""
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def outside_own_unit(detail: str = "a unit liaison acts for its own unit only") -> Forbidden:
    return Forbidden("OUTSIDE_OWN_UNIT", detail)


def outside_own_records(detail: str = "you may reach only your own records") -> Forbidden:
    return Forbidden("OUTSIDE_OWN_RECORDS", detail)


@dataclass(frozen=True, slots=True)
class RowScope:
    """Every row (``everything``), or one unit's rows and/or one person's."""

    everything: bool = False
    unit_id: uuid.UUID | None = None
    staff_id: uuid.UUID | None = None

    def allows(
        self, *, unit_id: uuid.UUID | None = None, staff_id: uuid.UUID | None = None
    ) -> bool:
        if self.everything:
            return True
        return (unit_id is not None and unit_id == self.unit_id) or (
            staff_id is not None and staff_id == self.staff_id
        )

    def check(self, *, unit_id: uuid.UUID | None = None, staff_id: uuid.UUID | None = None) -> None:
        """403 unless the row (of ``unit_id``, about ``staff_id``) is within the scope."""
        if self.allows(unit_id=unit_id, staff_id=staff_id):
            return
        if self.unit_id is not None:
            raise outside_own_unit()
        raise outside_own_records()

    def unit_filter(self, requested: uuid.UUID | None) -> uuid.UUID | None:
        """The unit a list or report is narrowed to: what was asked for, or a liaison's own
        (403 when a liaison asks for another unit, or the caller has no unit at all)."""
        if self.everything:
            return requested
        if self.unit_id is None:
            raise outside_own_unit("your role reads a unit's records only as its liaison")
        if requested is not None and requested != self.unit_id:
            raise outside_own_unit(f"unit {requested} is not yours")
        return self.unit_id

    def check_filters(
        self, unit_id: uuid.UUID | None = None, staff_id: uuid.UUID | None = None
    ) -> None:
        """403 when a list's filter asks explicitly for another unit or another person."""
        if self.everything:
            return
        if unit_id is not None and unit_id != self.unit_id:
            raise outside_own_unit(f"unit {unit_id} is not yours")
        if staff_id is not None and staff_id != self.staff_id and self.unit_id is None:
            raise outside_own_records()

    def condition(self, unit_column: Any, staff_column: Any = None) -> Any:
        """A WHERE clause limiting a query to the scope (None: no limit)."""
        if self.everything:
            return None
        parts = []
        if self.unit_id is not None:
            parts.append(unit_column == self.unit_id)
        if self.staff_id is not None and staff_column is not None:
            parts.append(staff_column == self.staff_id)
        return or_(*parts) if parts else false()


def scope_of(principal: Principal, wide: Collection[str]) -> RowScope:
    """The caller's scope: every row for a ``wide`` role, else a liaison's unit and/or a
    member of staff's own records (403 when the claim that would say which is missing)."""
    if principal.has_any(*wide):
        return RowScope(everything=True)
    unit_id = staff_id = None
    if LIAISON in principal.roles:
        unit_id = claim_uuid(principal.unit_id)
        if unit_id is None:
            raise Forbidden("NO_UNIT_SCOPE", "this unit liaison has no unit assigned")
    if STAFF in principal.roles:
        staff_id = claim_uuid(principal.staff_id)
        if staff_id is None:
            raise Forbidden("NO_STAFF_RECORD", "this account is not linked to a staff record")
    if unit_id is None and staff_id is None:
        raise Forbidden("FORBIDDEN", "these records are not open to your roles")
    return RowScope(unit_id=unit_id, staff_id=staff_id)


def row_scope(*wide: str) -> Callable[[Principal], Awaitable[RowScope]]:
    """Dependency factory: the caller's ``RowScope``, where ``wide`` roles see every row."""
    roles = frozenset(wide)

    async def scope(principal: CurrentPrincipal) -> RowScope:
        return scope_of(principal, roles)

    return scope
