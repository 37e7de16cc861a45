"""Sending one status callback: bearer token, Standard Webhooks signature, one HTTP POST.

Each try is signed afresh (a new ``webhook-timestamp``) over the event's fixed body and id, so
a resent event is recognisably the same event. The token is ``static_token`` when set, else a
client-credentials token from the gateway, cached until shortly before it expires and fetched
again after a 401.
"""

from __future__ import annotations

import httpx

from deploy.treasury.config import TreasurySettings
from deploy.treasury.store import PendingCallback
from shared.peers import ServiceTokenProvider, TokenSource
from shared.problems import ProblemError
from shared.webhooks import sign


class StaticToken:
    """A fixed bearer token (``TREASURY_STATIC_TOKEN``)."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def token(self) -> str:
        return self._token

    def invalidate(self) -> None:
        pass


def token_source(settings: TreasurySettings, http: httpx.AsyncClient) -> TokenSource:
    if settings.static_token:
        return StaticToken(settings.static_token)
    return ServiceTokenProvider(
        http, settings.token_url, client_id=settings.client_id, client_secret=settings.client_secret
    )


class CallbackSender:
    def __init__(
        self, http: httpx.AsyncClient, settings: TreasurySettings, tokens: TokenSource
    ) -> None:
        self._http = http
        self._settings = settings
        self._tokens = tokens

    async def send(self, callback: PendingCallback) -> str | None:
        """Try once; None when the receiver answered 2xx, else why it failed."""
        try:
            token = await self._tokens.token()
        except ProblemError as exc:
            return f"no token: {exc.detail}"
        headers = {
            "Authorization": f"Bearer {token}",
            "content-type": "application/json",
            **sign(self._settings.callback_secret, callback.event_id, callback.body),
        }
        try:
            response = await self._http.post(
                self._settings.callback_url, content=callback.body, headers=headers
            )
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        if response.status_code == 401:
            self._tokens.invalidate()
        if 200 <= response.status_code < 300:
            return None
        return f"answered {response.status_code}"
