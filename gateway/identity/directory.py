"""The people and units a user account may name, checked against personnel over HTTP.

A user's ``unit_id`` and ``staff_id`` are personnel's ids: a unit liaison speaks for that unit,
and a staff user reads their own record and payslips through it. An id personnel does not
know would give an account a scope that matches nothing, or someone else's. So before an
account is created or changed to name one, the gateway asks personnel (as the service
``gateway``, with a token it signs itself): a unit or person personnel does not know is
refused with 422; personnel unreachable or failing is 503, and nothing is changed.
"""

from __future__ import annotations

import uuid

import aiohttp

from gateway.identity.service import TokenIssuer
from shared.problems import Invalid, Unavailable

CLIENT = "service:gateway"


def personnel_unavailable(reason: str) -> Unavailable:
    return Unavailable(
        "PERSONNEL_UNAVAILABLE", f"cannot check the unit or person with personnel: {reason}"
    )


class PersonnelDirectory:
    """Asks personnel whether a unit and a member of staff exist."""

    def __init__(self, base_url: str | None, issuer: TokenIssuer, timeout: float = 5.0) -> None:
        self.base_url = None if base_url is None else base_url.rstrip("/")
        self.issuer = issuer
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def check(self, *, unit_id: uuid.UUID | None, staff_id: uuid.UUID | None) -> None:
        """Return when every id given is known to personnel; else 422 or 503."""
        wanted = [("units", unit_id, "UNKNOWN_UNIT"), ("staff", staff_id, "UNKNOWN_STAFF")]
        wanted = [w for w in wanted if w[1] is not None]
        if not wanted:
            return
        if self.base_url is None:
            raise personnel_unavailable("no personnel service is configured")
        token, _ = self.issuer.access_token(CLIENT, ["service"], {})
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        async with aiohttp.ClientSession(timeout=self.timeout) as http:
            for collection, ident, code in wanted:
                url = f"{self.base_url}/{collection}/{ident}"
                try:
                    async with http.get(url, headers=headers) as answer:
                        status = answer.status
                except (aiohttp.ClientError, TimeoutError) as exc:
                    raise personnel_unavailable(type(exc).__name__) from exc
                if status == 404:
                    raise Invalid(code, f"personnel knows no {collection} {ident}")
                if status != 200:
                    raise personnel_unavailable(f"it answered {status}")
