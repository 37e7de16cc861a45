"""The one adapter to the treasury payment system: signed requests over HTTP.

Every request carries a Standard Webhooks signature made with the instruction secret (the
treasury verifies it), and a timeout. Submission is idempotent by instruction id, so the
client retries a transient failure (connection error, timeout, 5xx) at once a couple of
times; what still fails is left to the submitter's backoff (``treasury.worker``).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import httpx
from fastapi import Depends

from shared import webhooks
from shared.deps import from_app_state


class TreasuryUnavailable(Exception):
    """The treasury could not be reached or failed (retry later)."""


class TreasuryRefused(Exception):
    """The treasury refused the request for good (4xx): it will not change by retrying."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class StatusReport:
    instruction_id: str
    status: str
    reason_code: str | None = None
    reason: str | None = None
    settled_on: date | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StatusReport:
        settled = data.get("settled_on")
        return cls(
            instruction_id=str(data["instruction_id"]),
            status=str(data["status"]),
            reason_code=data.get("reason_code"),
            reason=data.get("reason"),
            settled_on=date.fromisoformat(settled) if settled else None,
        )


class TreasuryClient:
    def __init__(
        self,
        base_url: str,
        secret: str,
        *,
        timeout: float = 10.0,
        retries: int = 2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.secret = secret
        self.retries = retries
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout, transport=transport
        )

    def close(self) -> None:
        self.http.close()

    def _request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        retries: int | None = None,
        **params: str,
    ) -> httpx.Response:
        last = "no attempt"
        for attempt in range((self.retries if retries is None else retries) + 1):
            if attempt:
                time.sleep(0.2 * attempt)
            headers = webhooks.sign(self.secret, f"msg_{uuid.uuid4().hex}", body)
            if body:
                headers["content-type"] = "application/json"
            try:
                response = self.http.request(
                    method, path, content=body or None, headers=headers, params=params or None
                )
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code >= 500 or response.status_code == 429:
                last = f"treasury answered {response.status_code}"
                continue
            return response
        raise TreasuryUnavailable(last)

    @staticmethod
    def _refused(response: httpx.Response) -> TreasuryRefused:
        try:
            problem = response.json()
        except ValueError:
            problem = {}
        return TreasuryRefused(
            response.status_code,
            str(problem.get("code", "REFUSED")),
            str(problem.get("detail", response.text[:300])),
        )

    @staticmethod
    def _report(response: httpx.Response) -> StatusReport:
        try:
            return StatusReport.from_json(response.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise TreasuryUnavailable(f"the treasury's answer is not a status: {exc}") from None

    def submit(self, payload: dict[str, Any], *, retries: int | None = None) -> StatusReport:
        body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        response = self._request("POST", "/instructions", body, retries=retries)
        if response.status_code not in (200, 201, 202):
            raise self._refused(response)
        return self._report(response)

    def status(self, instruction_id: str) -> StatusReport | None:
        """The treasury's status of an instruction; None if it never received it."""
        response = self._request("GET", f"/instructions/{instruction_id}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._refused(response)
        return self._report(response)

    def statement(self, day: date, fmt: str = "camt053") -> bytes:
        response = self._request("GET", "/statements", date=day.isoformat(), format=fmt)
        if response.status_code != 200:
            raise self._refused(response)
        return response.content


TreasuryClientDep = Annotated[
    TreasuryClient, Depends(from_app_state("treasury_client", TreasuryClient))
]
