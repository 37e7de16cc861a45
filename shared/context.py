"""Per-request context (request id, caller) carried in context variables."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
traceparent_var: ContextVar[str | None] = ContextVar("traceparent", default=None)
# the id a client gave its request at the gateway, kept apart from the suite's own id
client_request_id_var: ContextVar[str | None] = ContextVar("client_request_id", default=None)


@dataclass(frozen=True, slots=True)
class Principal:
    """The verified caller of a request, from the token's claims."""

    sub: str
    roles: frozenset[str] = field(default_factory=frozenset)
    unit_id: str | None = None
    staff_id: str | None = None
    token_id: str | None = None
    session_id: str | None = None
    epoch: int = 0  # the user's token epoch when issued (the gateway revokes older ones)

    def has_any(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    def as_user(self, subs_by_role: dict[str, str] | None) -> Principal:
        """This principal with the ``sub`` a real user of its (first) role has, when known:
        demo data is made in the names of the demo users who sign in."""
        role = min(self.roles) if self.roles else ""
        sub = (subs_by_role or {}).get(role)
        return self if sub is None else Principal(sub=sub, roles=self.roles)


principal_var: ContextVar[Principal | None] = ContextVar("principal", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str:
    return request_id_var.get()


def current_client_request_id() -> str | None:
    return client_request_id_var.get()


def actor() -> str:
    """Who is acting: the request's principal (``sub``), or ``system`` outside a request."""
    who = principal_var.get()
    return who.sub if who else "system"
