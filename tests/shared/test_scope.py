"""Row scope from the token's claims: bureau-wide roles see every row, a liaison its unit, a
member of staff their own records; a missing claim is refused, never read as "everything"."""

from __future__ import annotations

import uuid

import pytest

from shared.context import Principal
from shared.problems import ProblemError
from shared.scope import RowScope, scope_of

UNIT, OTHER, ME = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
WIDE = ("finance_officer", "auditor")


def _who(*roles: str, unit: str | None = None, staff: str | None = None) -> Principal:
    return Principal(sub="u", roles=frozenset(roles), unit_id=unit, staff_id=staff)


def _code(exc: pytest.ExceptionInfo[ProblemError]) -> tuple[int, str]:
    return exc.value.status, exc.value.code


def test_a_wide_role_reaches_every_row_and_keeps_its_filter() -> None:
    scope = scope_of(_who("auditor", "unit_liaison", unit=str(UNIT)), WIDE)
    assert scope == RowScope(everything=True)
    assert scope.unit_filter(OTHER) == OTHER and scope.unit_filter(None) is None
    assert scope.condition(object()) is None


def test_a_liaison_is_narrowed_to_its_unit() -> None:
    scope = scope_of(_who("unit_liaison", unit=str(UNIT)), WIDE)
    assert scope.unit_filter(None) == UNIT and scope.unit_filter(UNIT) == UNIT
    with pytest.raises(ProblemError) as refused:
        scope.unit_filter(OTHER)
    assert _code(refused) == (403, "OUTSIDE_OWN_UNIT")
    scope.check(unit_id=UNIT)
    with pytest.raises(ProblemError) as other:
        scope.check(unit_id=OTHER)
    assert _code(other) == (403, "OUTSIDE_OWN_UNIT")


def test_staff_reach_only_their_own_records() -> None:
    scope = scope_of(_who("staff", staff=str(ME)), WIDE)
    assert scope.allows(staff_id=ME) and not scope.allows(unit_id=UNIT, staff_id=uuid.uuid4())
    with pytest.raises(ProblemError) as refused:
        scope.check_filters(staff_id=uuid.uuid4())
    assert _code(refused) == (403, "OUTSIDE_OWN_RECORDS")
    with pytest.raises(ProblemError) as no_unit:
        scope.unit_filter(None)
    assert _code(no_unit) == (403, "OUTSIDE_OWN_UNIT")


@pytest.mark.parametrize(
    ("principal", "code"),
    [
        (_who("unit_liaison"), "NO_UNIT_SCOPE"),
        (_who("unit_liaison", unit="not-a-uuid"), "NO_UNIT_SCOPE"),
        (_who("staff"), "NO_STAFF_RECORD"),
        (_who("guard"), "FORBIDDEN"),
    ],
)
def test_a_missing_or_malformed_claim_is_refused(principal: Principal, code: str) -> None:
    with pytest.raises(ProblemError) as refused:
        scope_of(principal, WIDE)
    assert _code(refused) == (403, code)
