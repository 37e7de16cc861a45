"""Idempotency-Key store: a replay returns the stored response; a changed body is refused.

A route takes ``Idempotent`` as a dependency, returns ``replayed`` when set, and calls
``store`` in the same transaction as its effect, so the effect and the remembered response
commit together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from sqlalchemy import Table, insert, select
from sqlmodel import Session

from shared.auth import CurrentPrincipal
from shared.problems import ProblemError
from shared.types import utcnow

MAX_KEY_LENGTH = 200


@dataclass
class IdempotencyStore:
    table: Table

    def lookup(self, session: Session, caller: str, key: str, fingerprint: str) -> Response | None:
        t = self.table
        row = (
            session.execute(select(t).where(t.c.caller == caller, t.c.key == key))
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        if row["fingerprint"] != fingerprint:
            raise ProblemError(
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "this Idempotency-Key was already used with a different request",
            )
        return Response(
            content=row["body"],
            status_code=row["status_code"],
            media_type=row["media_type"],
            headers={"Idempotent-Replayed": "true"},
        )

    def save(
        self, session: Session, caller: str, key: str, fingerprint: str, response: Response
    ) -> None:
        session.execute(
            insert(self.table).values(
                caller=caller,
                key=key,
                fingerprint=fingerprint,
                status_code=response.status_code,
                body=bytes(response.body),
                media_type=response.media_type or "application/json",
                created_at=utcnow(),
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
        if self.key is None:
            return None
        return self.store.lookup(session, self.caller, self.key, self.fingerprint)

    def respond(self, session: Session, content: Any, status_code: int = 200) -> Response:
        """Build the JSON response and remember it under the key (the caller commits)."""
        response = Response(
            content=json.dumps(content, default=str, ensure_ascii=False).encode(),
            status_code=status_code,
            media_type="application/json",
        )
        if self.key is not None:
            self.store.save(session, self.caller, self.key, self.fingerprint, response)
        return response


async def _idempotent(
    request: Request,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[str | None, Header(max_length=MAX_KEY_LENGTH)] = None,
) -> Idempotent:
    body = await request.body()
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + body).hexdigest()
    return Idempotent(request.app.state.idempotency, principal.sub, idempotency_key, digest)


async def _idempotent_required(idem: Annotated[Idempotent, Depends(_idempotent)]) -> Idempotent:
    if idem.key is None:
        raise ProblemError(
            400, "IDEMPOTENCY_KEY_REQUIRED", "this operation requires an Idempotency-Key header"
        )
    return idem


IdempotentDep = Annotated[Idempotent, Depends(_idempotent)]
IdempotencyRequired = Annotated[Idempotent, Depends(_idempotent_required)]
