"""The policy's row: ``Rule`` (method, path pattern, roles) and ``rule()`` to write one,
``EVERYONE`` (the role group several services share), and the rows that are no one service's:
the gateway's own user administration and the audit routes every service has from the
shared platform.

Patterns use ``{name}`` for one path segment (``PARAM``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gateway.identity.models import Role

PARAM = re.compile(r"\{[a-z_][a-z0-9_]*\}")


@dataclass(frozen=True)
class Rule:
    method: str
    pattern: str
    roles: frozenset[str]
    regex: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        parts = PARAM.split(self.pattern)
        body = "[^/]+".join(re.escape(p) for p in parts)
        object.__setattr__(self, "regex", re.compile(f"^{body}$"))

    @property
    def template(self) -> str:
        """The pattern with parameter names erased, for comparing with OpenAPI paths."""
        return PARAM.sub("{}", self.pattern)


def rule(method: str, pattern: str, *roles: Role) -> Rule:
    return Rule(method, pattern, frozenset(roles))


A = Role  # short, for the rows

# organisation is reference data for the whole suite: every role but the treasury reads it
EVERYONE = tuple(r for r in Role if r is not Role.TREASURY)


def gateway_rules() -> list[Rule]:
    """The gateway's own: user administration and its audit log."""
    return [
        rule("GET", "/api/admin/roles", A.ADMIN),
        rule("GET", "/api/admin/users", A.ADMIN),
        rule("POST", "/api/admin/users", A.ADMIN),
        rule("GET", "/api/admin/users/{user_id}", A.ADMIN),
        rule("PATCH", "/api/admin/users/{user_id}", A.ADMIN),
        rule("POST", "/api/admin/users/{user_id}/disable", A.ADMIN),
        rule("POST", "/api/admin/users/{user_id}/enable", A.ADMIN),
        rule("POST", "/api/admin/users/{user_id}/password", A.ADMIN),
        rule("GET", "/api/admin/audit", A.AUDITOR),
        rule("GET", "/api/admin/audit/verify", A.AUDITOR),
    ]


def platform_rules(service: str) -> list[Rule]:
    """Routes every service has from the shared platform."""
    return [
        rule("GET", f"/api/{service}/audit", A.AUDITOR),
        rule("GET", f"/api/{service}/audit/verify", A.AUDITOR),
    ]
