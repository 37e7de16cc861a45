"""Personnel as finance reads it over HTTP: who a member of staff was on a day (their unit and
rank), for the routes that run on the thread pool.

A route ``def`` runs in a worker thread; ``staff_on`` hands the request to the app's event loop
(``anyio.from_thread.run``) and waits for the answer. Personnel unreachable is the peer's 503
problem (``PEER_UNAVAILABLE``); a staff id personnel does not know is 422 ``UNKNOWN_STAFF``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import anyio.from_thread
from fastapi import Depends, Request

from shared.peers import PeerClient, PeerUnavailable
from shared.problems import Invalid, ProblemError

PEER = "personnel"


@dataclass(frozen=True)
class StaffOnDay:
    """A member of staff as posted on one day."""

    staff_id: uuid.UUID
    unit_id: uuid.UUID
    rank_code: str
    status: str
    name: str


class PersonnelClient(PeerClient):
    """The personnel peer (``ServiceSpec.peer_clients``, ``settings.peer_urls["personnel"]``)."""

    async def fetch_staff_on(self, staff_id: uuid.UUID, day: date) -> StaffOnDay:
        response = await self.request(
            "GET", f"/staff/{staff_id}", params={"as_of": day.isoformat()}
        )
        if response.status_code == 404:
            raise Invalid("UNKNOWN_STAFF", f"personnel knows no staff {staff_id}")
        if response.status_code >= 400:
            raise ProblemError(
                502,
                "PEER_ERROR",
                f"{self.name} answered {response.status_code} for staff {staff_id}",
                peer=self.name,
            )
        body = response.json()
        posting = body.get("posting")
        if posting is None:
            raise Invalid("NOT_POSTED", f"staff {staff_id} had no posting on {day}", day=str(day))
        return StaffOnDay(
            staff_id=uuid.UUID(body["id"]),
            unit_id=uuid.UUID(posting["unit_id"]),
            rank_code=posting["rank_code"],
            status=posting["status"],
            name=body["name"],
        )

    def staff_on(self, staff_id: uuid.UUID, day: date) -> StaffOnDay:
        """``fetch_staff_on`` from a worker thread of the app's thread pool."""
        return anyio.from_thread.run(self.fetch_staff_on, staff_id, day)


async def personnel_client(request: Request) -> PersonnelClient:
    """The app's personnel client (503 when the app was given no address for personnel)."""
    client = getattr(request.app.state, "peers", {}).get(PEER)
    if not isinstance(client, PersonnelClient):
        raise PeerUnavailable(PEER, "no address is configured for it")
    return client


PersonnelDep = Annotated[PersonnelClient, Depends(personnel_client)]
