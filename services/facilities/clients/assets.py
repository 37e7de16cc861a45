"""What facilities reads from the assets service: its compounds, buildings and rooms.

Assets is the suite's location master; facilities refers to its places by id and never keeps
a second register (``locations`` caches what it read, with the time it read it).
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from shared.peers import PeerClient

PlaceKind = Literal["compound", "building", "room"]
_PATHS: dict[str, str] = {"compound": "compounds", "building": "buildings", "room": "rooms"}


class AssetsClient(PeerClient):
    """``GET /compounds/{id}``, ``/buildings/{id}``, ``/rooms/{id}`` of the assets service."""

    async def place(self, kind: PlaceKind, place_id: uuid.UUID) -> dict[str, Any] | None:
        """The place as assets shows it; None when assets does not know the id (404).
        ``PeerUnavailable`` (503) when assets cannot be reached."""
        found: dict[str, Any] | None = await self.find_json(f"/{_PATHS[kind]}/{place_id}")
        return found
