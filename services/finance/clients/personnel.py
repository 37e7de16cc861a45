"""What finance reads from personnel: one person on a day (claims) and, for payroll, the
staff serving or retired on a day with their latest finalized annual grade, in keyset
slices of up to 2,000 (``/staff/bulk`` and ``/grades/bulk`` over the same ``staff_no``
range), never a request per person.

The methods are ``async`` (the client's connections live on the app's event loop);
``staff_on`` is also callable from a ``def`` route through ``shared.peers.blocking``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Depends

from shared.deps import peer_client
from shared.peers import PeerClient, blocking
from shared.problems import Invalid, ProblemError

SLICE = 2000


@dataclass(frozen=True)
class StaffOnDay:
    """One member of staff as posted on a day."""

    staff_id: uuid.UUID
    unit_id: uuid.UUID
    rank_code: str
    status: str
    name: str


@dataclass(frozen=True)
class Person:
    """A member of staff in a payroll slice: the posting on the day and since when it holds."""

    staff_id: uuid.UUID
    staff_no: str
    name: str
    unit_id: uuid.UUID
    rank_code: str
    status: str
    posted_since: date


@dataclass(frozen=True)
class GradeOf:
    """A person's latest finalized grade: which cycle and which revision of its result."""

    grade: str
    cycle_id: uuid.UUID
    year: int
    result_id: uuid.UUID
    revision: int


@dataclass(frozen=True)
class Slice:
    people: list[Person]
    grades: dict[uuid.UUID, GradeOf]


def _person(item: dict[str, Any]) -> Person | None:
    posting = item.get("posting")
    if posting is None:
        return None
    return Person(
        staff_id=uuid.UUID(item["id"]),
        staff_no=item["staff_no"],
        name=item["name"],
        unit_id=uuid.UUID(posting["unit_id"]),
        rank_code=posting["rank_code"],
        status=posting["status"],
        posted_since=date.fromisoformat(posting["valid_from"]),
    )


class PersonnelClient(PeerClient):
    async def fetch_staff_on(self, staff_id: uuid.UUID, day: date) -> StaffOnDay:
        response = await self.request(
            "GET", f"/staff/{staff_id}", params={"as_of": day.isoformat()}
        )
        if response.status_code == 404:
            raise Invalid("UNKNOWN_STAFF", f"personnel knows no staff {staff_id}")
        if response.status_code >= 400:
            raise ProblemError(
                502, "PEER_ERROR", f"personnel answered {response.status_code}", peer=self.name
            )
        item = response.json()
        posting = item.get("posting")
        if posting is None:
            raise Invalid("NOT_POSTED", f"staff {staff_id} had no posting on {day}", day=str(day))
        return StaffOnDay(
            staff_id=uuid.UUID(item["id"]),
            unit_id=uuid.UUID(posting["unit_id"]),
            rank_code=posting["rank_code"],
            status=posting["status"],
            name=item["name"],
        )

    def staff_on(self, staff_id: uuid.UUID, day: date) -> StaffOnDay:
        """The member of staff as posted on ``day`` (from a ``def`` route's thread): 422
        ``UNKNOWN_STAFF`` when personnel has no such person, ``NOT_POSTED`` when they held no
        posting that day, 503 when it cannot be reached."""
        return blocking(self.fetch_staff_on, staff_id, day)

    async def fetch_slice(
        self,
        *,
        day: date,
        status: str,
        unit_ids: list[uuid.UUID] | None,
        after: str | None,
        graded: bool,
    ) -> tuple[Slice, str | None]:
        """One slice of the staff of ``status`` on ``day`` (of ``unit_ids``, or all) after
        ``after``, with (when ``graded``) the latest finalized annual grade of its people
        (of a cycle that ended before ``day``); and where the next slice starts."""
        params: dict[str, Any] = {"as_of": day.isoformat(), "status": status, "limit": SLICE}
        if after is not None:
            params["after"] = after
        if unit_ids:
            params["unit_id"] = [str(u) for u in unit_ids]
        page = await self.get_json("/staff/bulk", params)
        people = [p for p in map(_person, page["items"]) if p is not None]
        grades: dict[uuid.UUID, GradeOf] = {}
        if graded and page["items"]:
            grades = await self._grades(day, after, page["items"][-1]["staff_no"])
        return Slice(people, grades), page.get("next_after")

    def slices(
        self, *, day: date, status: str, unit_ids: list[uuid.UUID] | None, graded: bool
    ) -> Iterator[Slice]:
        """Every slice, one request (or two, with grades) at a time, from a ``def`` route's
        thread: only one slice is held at once."""
        after: str | None = None
        while True:
            piece, after = blocking(
                self.fetch_slice,
                day=day,
                status=status,
                unit_ids=unit_ids,
                after=after,
                graded=graded,
            )
            yield piece
            if after is None:
                return

    async def _grades(
        self, day: date, after: str | None, through: str | None
    ) -> dict[uuid.UUID, GradeOf]:
        found: dict[uuid.UUID, GradeOf] = {}
        cursor = after
        while True:
            params: dict[str, Any] = {
                "cycle_kind": "annual",
                "ended_before": day.isoformat(),
                "limit": SLICE,
            }
            if cursor is not None:
                params["after"] = cursor
            if through is not None:
                params["through"] = through
            page = await self.get_json("/grades/bulk", params)
            for g in page["items"]:
                found[uuid.UUID(g["staff_id"])] = GradeOf(
                    grade=g["grade"],
                    cycle_id=uuid.UUID(g["cycle_id"]),
                    year=int(g["year"]),
                    result_id=uuid.UUID(g["result_id"]),
                    revision=int(g["revision"]),
                )
            cursor = page.get("next_after")
            if cursor is None:
                return found


# a getter of the client: a route that may not need personnel never fails for lack of it
PersonnelDep = Annotated[
    Callable[[], PersonnelClient], Depends(peer_client("personnel", PersonnelClient))
]
