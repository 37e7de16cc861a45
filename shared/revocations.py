"""What the gateway has revoked, as a service knows it: the revocation feed.

Services verify access tokens offline (``TokenVerifier``), so without this a disabled user's
token would still work directly on a service port until it expired. Every service therefore
polls the gateway's ``GET /auth/revocations`` (a service token required) every
``revocation_poll_seconds`` (2 s by default, so a revocation reaches every service within
5 s), with ``If-None-Match``: an unchanged list costs a ``304`` and no parsing.

A token is refused when its ``jti`` or sign-in (``sid``) is listed, or when its epoch (``ep``)
is older than its user's current one — the same rule as the gateway's own registry
(``gateway.identity.revocation``). When the gateway cannot be reached the last list received
stays in force (tokens still expire within minutes) and the failure is logged once per
outage, not once per poll.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

from shared.context import Principal
from shared.peers import PeerClient, PeerUnavailable

FEED_PATH = "/auth/revocations"
log = logging.getLogger("shared.revocations")


class RevocationList:
    """The revoked token and sign-in ids and the users' token epochs, replaced whole."""

    def __init__(self) -> None:
        self._ids: frozenset[str] = frozenset()
        self._epochs: dict[str, int] = {}
        self.etag: str | None = None
        self.received_at: float | None = None  # monotonic; None until the first answer

    def replace(self, document: dict[str, Any], etag: str | None) -> None:
        ids = document.get("token_ids", [])
        epochs = document.get("user_epochs", {})
        if not isinstance(ids, list) or not isinstance(epochs, dict):
            raise ValueError("revocation feed: unexpected document")
        self._ids = frozenset(str(i) for i in ids)
        self._epochs = {str(user): int(epoch) for user, epoch in epochs.items()}
        self.etag = etag
        self.received_at = time.monotonic()

    def is_revoked(self, principal: Principal) -> bool:
        if principal.token_id is not None and principal.token_id in self._ids:
            return True
        if principal.session_id is not None and principal.session_id in self._ids:
            return True
        return principal.epoch < self._epochs.get(principal.sub, 0)


class RevocationFeed:
    """Keeps a ``RevocationList`` current by polling the gateway (module docstring)."""

    def __init__(
        self, gateway: PeerClient, revocations: RevocationList, *, poll_seconds: float
    ) -> None:
        self._gateway = gateway
        self.revocations = revocations
        self._poll_seconds = poll_seconds
        self._failing = False

    async def poll_once(self) -> bool:
        """Fetch the list if it changed; ``True`` when the gateway answered."""
        headers = {"If-None-Match": self.revocations.etag} if self.revocations.etag else None
        try:
            response = await self._gateway.request("GET", FEED_PATH, headers=headers)
            if response.status_code == 200:
                self.revocations.replace(response.json(), response.headers.get("etag"))
            elif response.status_code != 304:
                raise PeerUnavailable("gateway", f"revocation feed answered {response.status_code}")
        except (PeerUnavailable, ValueError, httpx.HTTPError) as exc:
            if not self._failing:
                log.warning("revocation feed unreachable; keeping the last list: %s", exc)
            self._failing = True
            return False
        if self._failing:
            log.info("revocation feed reachable again")
        self._failing = False
        return True

    async def run_forever(self) -> None:
        while True:
            await self.poll_once()
            await asyncio.sleep(self._poll_seconds)
