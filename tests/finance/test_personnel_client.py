"""The personnel client's ``staff_on`` from a ``def`` route's thread (as claims call it):
the person on the day, 422 UNKNOWN_STAFF for a 404, 503 when personnel is unreachable."""

from __future__ import annotations

import uuid
from datetime import date

import anyio
import httpx
import pytest

from services.finance.clients.personnel import PersonnelClient, StaffOnDay
from shared.problems import ProblemError
from tests.finance.payroll_support import FakePersonnel, Staff
from tests.support.tokens import StaticToken


def _call(fake: FakePersonnel, staff_id: uuid.UUID) -> StaffOnDay:
    async def main() -> StaffOnDay:
        async with httpx.AsyncClient(transport=httpx.MockTransport(fake.handler)) as http:
            client = PersonnelClient(
                "personnel", "http://personnel", http, StaticToken("service"), retries=0
            )
            # a sync caller on a worker thread, as a ``def`` route runs
            return await anyio.to_thread.run_sync(client.staff_on, staff_id, date(2026, 3, 1))

    return anyio.run(main)


def test_staff_on_a_day() -> None:
    unit = uuid.uuid4()
    person = Staff("S1", "甲", unit, "clerk", date(2020, 1, 1))
    found = _call(FakePersonnel([person]), person.staff_id)
    assert found == StaffOnDay(person.staff_id, unit, "clerk", "serving", "甲")


def test_unknown_staff_and_personnel_down() -> None:
    with pytest.raises(ProblemError) as unknown:
        _call(FakePersonnel([]), uuid.uuid4())
    assert (unknown.value.status, unknown.value.code) == (422, "UNKNOWN_STAFF")
    with pytest.raises(ProblemError) as down:
        _call(FakePersonnel([], fail_after=0), uuid.uuid4())
    assert (down.value.status, down.value.code) == (503, "PEER_UNAVAILABLE")
