"""Signed messages in the Standard Webhooks manner: HMAC-SHA256 over ``id.timestamp.body``.

The sender puts three headers on the request: ``webhook-id`` (unique per message; a resent
message keeps its id), ``webhook-timestamp`` (integer Unix seconds) and ``webhook-signature``
(``v1,<base64 signature>``, several separated by spaces while a secret is being rotated).
Secrets are written ``whsec_<base64 key>``; a secret without the prefix is used as raw text.

The receiver recomputes the signature with each secret it holds, compares in constant time,
and refuses a timestamp further than the tolerance (5 minutes) from its own clock either way,
so a captured message cannot be replayed later. Duplicate ids inside the window are the
receiver's to ignore (it stores the ids it has accepted).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
TOLERANCE_SECONDS = 5 * 60
_PREFIX = "whsec_"


class SignatureError(Exception):
    """Why a message was refused: ``reason`` is a stable code (``MISSING_HEADERS``,
    ``STALE_TIMESTAMP``, ``BAD_TIMESTAMP``, ``BAD_SIGNATURE``)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_…`` secret (or of a plain-text secret)."""
    if secret.startswith(_PREFIX):
        return base64.b64decode(secret.removeprefix(_PREFIX))
    return secret.encode()


def new_secret(key: bytes) -> str:
    return _PREFIX + base64.b64encode(key).decode()


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,…`` signature of one message."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign(secret: str, msg_id: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The three headers that sign ``body`` as message ``msg_id``."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        ID_HEADER: msg_id,
        TIMESTAMP_HEADER: str(ts),
        SIGNATURE_HEADER: signature(secret, msg_id, ts, body),
    }


@dataclass(frozen=True)
class Verified:
    msg_id: str
    timestamp: int


def verify(
    secrets: Iterable[str],
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> Verified:
    """Check the headers of a received message; raise ``SignatureError`` if it is not genuine
    and fresh. ``headers`` must be case-insensitive (Starlette's and httpx's are)."""
    msg_id = headers.get(ID_HEADER)
    raw_ts = headers.get(TIMESTAMP_HEADER)
    offered = headers.get(SIGNATURE_HEADER)
    if not msg_id or not raw_ts or not offered:
        raise SignatureError(
            "MISSING_HEADERS",
            f"{ID_HEADER}, {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} are all required",
        )
    try:
        timestamp = int(raw_ts)
    except ValueError:
        raise SignatureError("BAD_TIMESTAMP", "webhook-timestamp is not whole seconds") from None
    clock = time.time() if now is None else now
    if abs(clock - timestamp) > tolerance:
        raise SignatureError(
            "STALE_TIMESTAMP",
            f"webhook-timestamp is more than {tolerance} s from now (replayed or clock skew)",
        )
    candidates = {sig for sig in offered.split(" ") if sig.startswith("v1,")}
    for secret in secrets:
        expected = signature(secret, msg_id, timestamp, body)
        if any(hmac.compare_digest(expected, c) for c in candidates):
            return Verified(msg_id, timestamp)
    raise SignatureError("BAD_SIGNATURE", "no valid v1 signature for this message")
