"""Typed HTTP clients of peer services: timeouts, retries for idempotent calls, service token,
request-id propagation. A peer's failure becomes a 503 problem, never a hang."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, Protocol, TypeVar

import anyio.from_thread
import httpx

from shared.context import current_request_id, traceparent_var
from shared.problems import ProblemError

P = ParamSpec("P")
T = TypeVar("T")
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_RETRY_STATUSES = frozenset({502, 503, 504})


class PeerUnavailable(ProblemError):
    def __init__(self, peer: str, reason: str) -> None:
        super().__init__(
            503,
            "PEER_UNAVAILABLE",
            f"{peer} is unavailable: {reason}",
            headers={"Retry-After": "5"},
            peer=peer,
        )


class TokenSource(Protocol):
    """Where a peer client gets its bearer token (``ServiceTokenProvider`` in production)."""

    async def token(self) -> str: ...

    def invalidate(self) -> None: ...


class ServiceTokenProvider:
    """Obtains a service token from the gateway by client credentials, cached until near expiry."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        margin_seconds: float = 30.0,
    ) -> None:
        self._http = http
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._margin = margin_seconds
        self._token: str | None = None
        self._expires_at = 0.0
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        self._token = None

    async def token(self) -> str:
        if self._token and time.monotonic() < self._renew_at:
            return self._token
        async with self._lock:
            if self._token and time.monotonic() < self._renew_at:
                return self._token
            try:
                response = await self._http.post(
                    self._token_url,
                    data={
                        "grant_type": "client_credentials",
                        "client_id": self._client_id,
                        "client_secret": self._client_secret,
                    },
                )
            except httpx.HTTPError as exc:
                raise PeerUnavailable("gateway", type(exc).__name__) from exc
            if response.status_code != 200:
                raise PeerUnavailable("gateway", f"token request answered {response.status_code}")
            data = response.json()
            self._token = str(data["access_token"])
            lifetime = float(data.get("expires_in", 60))
            # renewed ``margin`` before it expires, or halfway through a shorter life: a token
            # living less than the margin is used, not fetched again on every call
            self._expires_at = time.monotonic() + lifetime
            self._renew_at = self._expires_at - min(self._margin, lifetime / 2)
            return self._token


class PeerClient:
    """Base of every ``clients/<peer>.py``; subclasses add typed methods for what they read."""

    def __init__(
        self,
        name: str,
        base_url: str,
        http: httpx.AsyncClient,
        tokens: ServiceTokenProvider,
        *,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.2,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self._http = http
        self._tokens = tokens
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request; retry transport errors and 502/503/504 only when safe to repeat."""
        method = method.upper()
        retryable = method in _IDEMPOTENT or idempotency_key is not None
        attempts = 1 + (self._retries if retryable else 0)
        reauthenticated = False
        last_error = "no attempt made"
        attempt = 0
        while attempt < attempts:
            sent = {
                **(headers or {}),
                "Authorization": f"Bearer {await self._tokens.token()}",
                "X-Request-ID": current_request_id(),
            }
            if (traceparent := traceparent_var.get()) is not None:
                sent["traceparent"] = traceparent
            if idempotency_key is not None:
                sent["Idempotency-Key"] = idempotency_key
            try:
                response = await self._http.request(
                    method,
                    self.base_url + path,
                    json=json,
                    params=params,
                    headers=sent,
                    timeout=self._timeout,
                )
            except httpx.TimeoutException:
                last_error = "timed out"
            except httpx.TransportError as exc:
                last_error = type(exc).__name__
            else:
                if response.status_code == 401 and not reauthenticated:
                    self._tokens.invalidate()
                    reauthenticated = True
                    continue
                if response.status_code not in _RETRY_STATUSES:
                    return response
                last_error = f"answered {response.status_code}"
            attempt += 1
            if attempt < attempts:
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
        raise PeerUnavailable(self.name, last_error)

    async def find_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """``get_json``, but None when the peer knows no such thing (404)."""
        response = await self.request("GET", path, params=params)
        if response.status_code == 404:
            return None
        return self._json(response, path)

    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """The peer's JSON answer; 502 ``PEER_ERROR`` when it refused or failed."""
        return self._json(await self.request("GET", path, params=params), path)

    def _json(self, response: httpx.Response, path: str) -> Any:
        if response.status_code >= 400:
            raise ProblemError(
                502,
                "PEER_ERROR",
                f"{self.name} answered {response.status_code} for {path}",
                peer=self.name,
            )
        return response.json()


def blocking(call: Callable[P, Coroutine[Any, Any, T]], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a peer client's ``async`` call from synchronous code — a ``def`` route or the
    service it calls, which FastAPI runs on its thread pool — on the app's event loop (where
    the client's connections live), and wait for its answer. A peer's failure raises as it
    would in the loop (``PeerUnavailable``: a 503 problem)."""
    return anyio.from_thread.run(lambda: call(*args, **kwargs))
