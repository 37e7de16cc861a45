"""What facilities reads from the finance service: a budget line's availability.

Facilities names a budget line (an appropriation) in a remediation phase and reads how much of
it is still available; it never writes finance's books.
"""

from __future__ import annotations

import uuid
from typing import Any

from shared.peers import PeerClient
from shared.problems import ProblemError


class FinanceClient(PeerClient):
    """``GET /appropriations/{id}`` of the finance service."""

    async def budget_line(self, line_id: uuid.UUID) -> dict[str, Any] | None:
        """The line (amount, committed, paid, available …); None when finance does not know
        it (404). ``PeerUnavailable`` (503) when finance cannot be reached."""
        path = f"/appropriations/{line_id}"
        response = await self.request("GET", path)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise ProblemError(
                502,
                "PEER_ERROR",
                f"finance answered {response.status_code} for {path}",
                peer="finance",
            )
        found: dict[str, Any] = response.json()
        return found
