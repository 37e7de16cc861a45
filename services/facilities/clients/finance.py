"""What facilities reads from the finance service: a budget line's availability.

Facilities names a budget line (an appropriation) in a remediation phase and reads how much of
it is still available; it never writes finance's books.
"""

from __future__ import annotations

import uuid
from typing import Any

from shared.peers import PeerClient


class FinanceClient(PeerClient):
    """``GET /appropriations/{id}`` of the finance service."""

    async def budget_line(self, line_id: uuid.UUID) -> dict[str, Any] | None:
        """The line (amount, committed, paid, available …); None when finance does not know
        it (404). ``PeerUnavailable`` (503) when finance cannot be reached."""
        found: dict[str, Any] | None = await self.find_json(f"/appropriations/{line_id}")
        return found
