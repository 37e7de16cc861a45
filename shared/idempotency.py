"""Idempotency-Key store: a replay returns the stored response; a changed body is refused.

A route takes ``IdempotentDep`` (or ``IdempotencyRequired``), returns ``replayed(session)``
when it is not None, and ends with ``respond(session, ...)`` before committing, so the effect
and the remembered response commit together or not at all.

``replayed`` claims the key inside the transaction. A concurrent request with the same key
waits on the claim (PostgreSQL blocks on the unique key, SQLite on the write lock) and then
replays what the first one stored; if the first failed, its claim vanished with it and the
second goes ahead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from sqlalchemy import Table, select, update
from sqlmodel import Session

from shared.auth import CurrentPrincipal
from shared.db import insert_unless_present
from shared.problems import ProblemError
from shared.types import utcnow

MAX_KEY_LENGTH = 200
REPLAYED_HEADERS = ("location", "etag")
_CLAIMED = 0  # status of a claim whose response is not stored yet


@dataclass
class IdempotencyStore:
    table: Table

    def _stored(self, session: Session, caller: str, key: str) -> Any:
        t = self.table
        return (
            session.execute(select(t).where(t.c.caller == caller, t.c.key == key))
            .mappings()
            .one_or_none()
        )

    def _replay(self, row: Any, fingerprint: str) -> Response:
        if row["fingerprint"] != fingerprint:
            raise ProblemError(
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "this Idempotency-Key was already used with a different request",
            )
        headers = {**(row["headers"] or {}), "Idempotent-Replayed": "true"}
        return Response(
            content=row["body"],
            status_code=row["status_code"],
            media_type=row["media_type"],
            headers=headers,
        )

    def claim(self, session: Session, caller: str, key: str, fingerprint: str) -> Response | None:
        """The stored response for ``key``, or None after claiming it for this transaction.

        The claim is tried first (one statement that does nothing when the key is taken), and
        the stored row is read only when it was: a new key costs one round trip."""
        claimed = insert_unless_present(
            session,
            self.table,
            {
                "caller": caller,
                "key": key,
                "fingerprint": fingerprint,
                "status_code": _CLAIMED,
                "body": b"",
                "media_type": "",
                "created_at": utcnow(),
            },
        )
        if claimed:
            return None
        row = self._stored(session, caller, key)
        if row is None or row["status_code"] == _CLAIMED:
            # claimed by another request that has not committed (SQLite: by this transaction's
            # own earlier claim, which cannot be, or one rolled back between the two statements)
            raise ProblemError(
                409,
                "IDEMPOTENCY_KEY_IN_USE",
                "a request with this Idempotency-Key is still in progress; retry shortly",
                headers={"Retry-After": "1"},
            )
        return self._replay(row, fingerprint)

    def save(self, session: Session, caller: str, key: str, response: Response) -> None:
        headers = {h: response.headers[h] for h in REPLAYED_HEADERS if h in response.headers}
        t = self.table
        session.execute(
            update(t)
            .where(t.c.caller == caller, t.c.key == key)
            .values(
                status_code=response.status_code,
                body=bytes(response.body),
                media_type=response.media_type or "application/json",
                headers=headers or None,
            )
        )


@dataclass
class Idempotent:
    """The idempotency context of one request (``key`` is None when the caller sent none)."""

    store: IdempotencyStore
    caller: str
    key: str | None
    fingerprint: str

    def replayed(self, session: Session) -> Response | None:
        """The stored response of an earlier request with this key; None claims the key."""
        if self.key is None:
            return None
        return self.store.claim(session, self.caller, self.key, self.fingerprint)

    def respond(
        self,
        session: Session,
        content: Any,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Build the JSON response and remember it under the key (the caller commits)."""
        response = Response(
            content=json.dumps(content, default=str, ensure_ascii=False).encode(),
            status_code=status_code,
            media_type="application/json",
            headers=headers,
        )
        if self.key is not None:
            self.store.save(session, self.caller, self.key, response)
        return response


async def _idempotent(
    request: Request,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=MAX_KEY_LENGTH)] = None,
) -> Idempotent:
    body = await request.body()
    target = f"{request.method} {request.url.path}?{request.url.query}\n"
    digest = hashlib.sha256(target.encode() + body).hexdigest()
    return Idempotent(request.app.state.idempotency, principal.sub, idempotency_key, digest)


async def _idempotent_required(idem: Annotated[Idempotent, Depends(_idempotent)]) -> Idempotent:
    if idem.key is None:
        raise ProblemError(
            400, "IDEMPOTENCY_KEY_REQUIRED", "this operation requires an Idempotency-Key header"
        )
    return idem


IdempotentDep = Annotated[Idempotent, Depends(_idempotent)]
IdempotencyRequired = Annotated[Idempotent, Depends(_idempotent_required)]
