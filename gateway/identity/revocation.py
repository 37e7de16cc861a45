"""Which unexpired access tokens no longer count: logged-out sign-ins, disabled users.

Access tokens live minutes and services verify them offline; the gateway, which every
outside request passes, refuses revoked ones. The registry is kept in memory and persisted,
so a restart reloads it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, select

from gateway.identity.models import RevokedAccessToken, User
from shared.types import utcnow


class RevocationRegistry:
    def __init__(self) -> None:
        self._revoked_ids: dict[str, datetime] = {}
        self._users_revoked_before: dict[str, datetime] = {}

    def load(self, session: Session) -> None:
        now = utcnow()
        session.exec(delete(RevokedAccessToken).where(col(RevokedAccessToken.expires_at) < now))
        session.commit()
        self._revoked_ids = {
            r.token_id: r.expires_at for r in session.exec(select(RevokedAccessToken))
        }
        self._users_revoked_before = {
            str(u.id): u.tokens_revoked_before
            for u in session.exec(select(User).where(col(User.tokens_revoked_before).is_not(None)))
            if u.tokens_revoked_before is not None
        }

    def revoke_ids(self, session: Session, ids: list[str], expires_at: datetime) -> None:
        """Record in the caller's transaction; ``remember`` after commit."""
        for token_id in ids:
            if session.get(RevokedAccessToken, token_id) is None:
                session.add(RevokedAccessToken(token_id=token_id, expires_at=expires_at))

    def remember(self, ids: list[str], expires_at: datetime) -> None:
        for token_id in ids:
            self._revoked_ids[token_id] = expires_at

    def remember_user(self, user_id: str, before: datetime) -> None:
        self._users_revoked_before[user_id] = before

    def is_revoked(self, *, sub: str, jti: str | None, sid: str | None, iat: float) -> bool:
        if jti is not None and jti in self._revoked_ids:
            return True
        if sid is not None and sid in self._revoked_ids:
            return True
        before = self._users_revoked_before.get(sub)
        return before is not None and iat < before.timestamp()
