"""The checks in front of ``/instructions`` and ``/statements``, in this order:

1. the treasury is available (``PUT /control`` can take it down): else 503
   ``TREASURY_UNAVAILABLE``, whatever the request;
2. the request is signed by finance (Standard Webhooks, ``shared.webhooks``) over its raw
   body, ``b""`` for a GET: else 401 with the refusal's reason as ``code``
   (``MISSING_HEADERS``, ``BAD_TIMESTAMP``, ``STALE_TIMESTAMP``, ``BAD_SIGNATURE``).
"""

from __future__ import annotations

from fastapi import Request

from shared.problems import ProblemError, Unavailable
from shared.webhooks import SignatureError, Verified, verify


async def require_available(request: Request) -> None:
    if not request.app.state.control.available:
        raise Unavailable(
            "TREASURY_UNAVAILABLE", "the treasury payment system is not available; retry later"
        )


async def require_signature(request: Request) -> Verified:
    body = await request.body()
    try:
        return verify([request.app.state.settings.instruction_secret], request.headers, body)
    except SignatureError as exc:
        raise ProblemError(401, exc.reason, exc.detail) from exc
