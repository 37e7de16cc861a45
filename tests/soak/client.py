"""A simulated user: signs in, refreshes its token as it nears expiry, and calls the API
through the gateway. Every write carries an Idempotency-Key; a request that fails as a fault
makes it fail (502/503/504, no answer) is sent again with the same key, as a real client
does. Every answer is recorded."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

RETRIED = frozenset({502, 503, 504})
RETRY_FOR_SECONDS = 45.0  # a client gives up on one request after this long
CLIENT_TIMEOUT = 40.0  # longer than the gateway's own upstream timeouts (30 s read)


@dataclass
class Record:
    kind: str
    status: int | str  # the HTTP status, or the transport error's name
    start: float  # seconds since the run began
    end: float
    retry: bool  # a second or later try

    @property
    def latency(self) -> float:
        return self.end - self.start


@dataclass
class Outcome:
    response: httpx.Response | None
    acked: bool  # 2xx, or (after a failed try) found applied by ``confirm``
    key: str | None = None

    def json(self) -> Any:
        assert self.response is not None
        return self.response.json()


@dataclass
class Recorder:
    t0: float = field(default_factory=time.monotonic)
    records: list[Record] = field(default_factory=list)

    def now(self) -> float:
        return time.monotonic() - self.t0


class User:
    """One signed-in client of ``username`` (several may share an account)."""

    def __init__(
        self, http: httpx.AsyncClient, recorder: Recorder, username: str, password: str
    ) -> None:
        self.http = http
        self.recorder = recorder
        self.username = username
        self.password = password
        self.access = ""
        self.refresh = ""
        self.refresh_at = 0.0
        self.rng = random.Random(f"{username}-{id(self)}")

    async def _token(self, kind: str, data: dict[str, str]) -> bool:
        start = self.recorder.now()
        try:
            response = await self.http.post("/auth/token", data=data)
        except httpx.TransportError as exc:
            self._record(kind, type(exc).__name__, start, False)
            return False
        self._record(kind, response.status_code, start, False)
        if response.status_code != 200:
            return False
        body = response.json()
        self.access, self.refresh = body["access_token"], body.get("refresh_token", "")
        lifetime = float(body.get("expires_in", 60))
        self.refresh_at = time.monotonic() + lifetime / 2
        return True

    async def sign_in(self) -> bool:
        grant = {"grant_type": "password", "username": self.username, "password": self.password}
        return await self._token("auth.sign_in", grant)

    async def fresh_token(self) -> None:
        """Refresh at half the token's life; sign in again when the refresh is refused."""
        if self.access and time.monotonic() < self.refresh_at:
            return
        if self.refresh and await self._token(
            "auth.refresh", {"grant_type": "refresh_token", "refresh_token": self.refresh}
        ):
            return
        await self.sign_in()

    def _record(self, kind: str, status: int | str, start: float, retry: bool) -> None:
        self.recorder.records.append(Record(kind, status, start, self.recorder.now(), retry))

    async def call(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        confirm: Callable[[], Awaitable[bool]] | None = None,
    ) -> Outcome:
        """One request, tried again on 502/503/504 and when no answer came, for up to
        ``RETRY_FOR_SECONDS``; a write (not GET) carries one Idempotency-Key over every try.
        ``confirm`` tells, after a retry met 409/412, whether the first try was applied."""
        write = method != "GET"
        key = uuid.uuid4().hex if write else None
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        tries = 0
        refreshed = False
        while True:
            tries += 1
            await self.fresh_token()
            # no token (its sign-in met a fault): sent without, answered 401, tried again
            bearer = {"Authorization": f"Bearer {self.access}"} if self.access else {}
            sent = {**bearer, **(headers or {})}
            if key:
                sent["Idempotency-Key"] = key
            start = self.recorder.now()
            response: httpx.Response | None = None
            try:
                answer = await self.http.request(
                    method, path, json=json, params=params, headers=sent
                )
            except httpx.TransportError as exc:
                self._record(kind, type(exc).__name__, start, tries > 1)
            else:
                response = answer
                self._record(kind, response.status_code, start, tries > 1)
                if response.status_code == 401 and not refreshed:
                    refreshed, self.refresh_at = True, 0.0
                    continue
                if response.status_code not in RETRIED:
                    acked = 200 <= response.status_code < 300
                    if not acked and tries > 1 and confirm and response.status_code in (409, 412):
                        acked = await confirm()
                    return Outcome(response, acked, key)
            if time.monotonic() > deadline:
                return Outcome(response, False, key)
            await asyncio.sleep(min(2.0, 0.2 * 2 ** min(tries, 4)) * self.rng.uniform(0.5, 1))
