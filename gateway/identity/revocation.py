"""Which unexpired access tokens no longer count: logged-out sign-ins, disabled users.

Access tokens live minutes and services verify them offline; the gateway, which every
outside request passes, refuses revoked ones: a logged-out sign-in (``sid``) or token
(``jti``), or a token whose epoch (``ep``) is older than its user's current one. The registry
is persisted and held in memory, so it assumes one gateway process; a restart reloads it.

Services verify tokens themselves, so the gateway publishes the registry as a feed
(``GET /auth/revocations``, ``shared.revocations`` polls it): ``snapshot`` is what it answers,
and ``etag`` changes whenever the registry does (a new process starts a new series).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from gateway.identity.models import RevokedAccessToken, User
from shared.types import utcnow


class RevocationRegistry:
    def __init__(self) -> None:
        self._revoked_ids: dict[str, datetime] = {}
        self._user_epochs: dict[str, int] = {}
        self._series = uuid.uuid4().hex[:12]
        self._revision = 0

    @property
    def etag(self) -> str:
        return f'"{self._series}-{self._revision}"'

    def snapshot(self) -> dict[str, Any]:
        """The unexpired revoked ids and the users' epochs, as the feed answers them."""
        now = utcnow()
        return {
            "token_ids": sorted(k for k, v in self._revoked_ids.items() if v >= now),
            "user_epochs": dict(self._user_epochs),
        }

    def load(self, session: Session) -> None:
        now = utcnow()
        self._revoked_ids = {
            r.token_id: r.expires_at
            for r in session.exec(
                select(RevokedAccessToken).where(col(RevokedAccessToken.expires_at) >= now)
            )
        }
        self._user_epochs = {
            str(u.id): u.token_epoch
            for u in session.exec(select(User).where(col(User.token_epoch) > 0))
        }
        self._revision += 1

    def revoke_ids(self, session: Session, ids: list[str], expires_at: datetime) -> None:
        """Record in the caller's transaction; ``remember`` after commit."""
        for token_id in ids:
            if session.get(RevokedAccessToken, token_id) is None:
                session.add(RevokedAccessToken(token_id=token_id, expires_at=expires_at))

    def remember(self, ids: list[str], expires_at: datetime) -> None:
        now = utcnow()
        # forget what has expired anyway, so the registry stays as small as the live tokens
        self._revoked_ids = {k: v for k, v in self._revoked_ids.items() if v >= now}
        for token_id in ids:
            self._revoked_ids[token_id] = expires_at
        self._revision += 1

    def remember_user(self, user_id: str, epoch: int) -> None:
        self._user_epochs[user_id] = epoch
        self._revision += 1

    def is_revoked(self, *, sub: str, jti: str | None, sid: str | None, epoch: int) -> bool:
        if jti is not None and jti in self._revoked_ids:
            return True
        if sid is not None and sid in self._revoked_ids:
            return True
        return epoch < self._user_epochs.get(sub, 0)
