"""The gateway's policy table: method + path pattern → roles allowed. Unlisted is denied.

Patterns use ``{name}`` for one path segment. Every ``/api/...`` request passes ``Gate``:
token verified (401), then matched against this table (403 when unlisted or role missing).
Services then apply the finer rules only they can judge (own unit, own records).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from gateway.config import SERVICES
from gateway.identity.models import Role

_PARAM = re.compile(r"\{[a-z_][a-z0-9_]*\}")


@dataclass(frozen=True)
class Rule:
    method: str
    pattern: str
    roles: frozenset[str]
    regex: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        parts = _PARAM.split(self.pattern)
        body = "[^/]+".join(re.escape(p) for p in parts)
        object.__setattr__(self, "regex", re.compile(f"^{body}$"))

    @property
    def template(self) -> str:
        """The pattern with parameter names erased, for comparing with OpenAPI paths."""
        return _PARAM.sub("{}", self.pattern)


def rule(method: str, pattern: str, *roles: Role) -> Rule:
    return Rule(method, pattern, frozenset(roles))


A = Role


def _platform_rules(service: str) -> list[Rule]:
    """Routes every service has from the shared platform."""
    return [
        rule("GET", f"/api/{service}/audit", A.AUDITOR),
        rule("GET", f"/api/{service}/audit/verify", A.AUDITOR),
    ]


# organisation is reference data for the whole suite: every role but the treasury reads it
EVERYONE = tuple(r for r in Role if r is not Role.TREASURY)
HR = (A.HR_OFFICER,)
BULK_READERS = (A.HR_OFFICER, A.DIRECTOR, A.AUDITOR, A.SERVICE)
STAFF_READERS = (*BULK_READERS, A.UNIT_LIAISON, A.STAFF)


def _personnel_rules() -> list[Rule]:
    p = "/api/personnel"
    return [
        rule("GET", f"{p}/ranks", *EVERYONE),
        rule("GET", f"{p}/bodies", *EVERYONE),
        rule("GET", f"{p}/units", *EVERYONE),
        rule("GET", f"{p}/units/{{unit_id}}", *EVERYONE),
        rule("POST", f"{p}/units", *HR),
        rule("PATCH", f"{p}/units/{{unit_id}}", *HR),
        rule("GET", f"{p}/positions", *EVERYONE),
        rule("GET", f"{p}/positions/{{position_id}}", *EVERYONE),
        rule("POST", f"{p}/positions", *HR),
        rule("PATCH", f"{p}/positions/{{position_id}}", *HR),
        # staff: a liaison is limited to its unit and staff to themselves by the service
        rule("GET", f"{p}/staff", *STAFF_READERS),
        rule("GET", f"{p}/staff/bulk", *BULK_READERS),
        rule("GET", f"{p}/staff/me", *STAFF_READERS),
        rule("GET", f"{p}/staff/export", *BULK_READERS, A.UNIT_LIAISON),
        rule("POST", f"{p}/staff/import", *HR),
        rule("GET", f"{p}/staff/{{staff_id}}", *STAFF_READERS),
        rule("GET", f"{p}/staff/{{staff_id}}/history", *STAFF_READERS),
        rule("POST", f"{p}/staff", *HR),
        rule("PATCH", f"{p}/staff/{{staff_id}}", *HR),
        rule("POST", f"{p}/staff/{{staff_id}}/postings", *HR),
        rule("PUT", f"{p}/staff/{{staff_id}}/retiree-entitlement", *HR),
        rule("GET", f"{p}/staff/{{staff_id}}/retiree-entitlement", *BULK_READERS),
        rule("GET", f"{p}/retirees", *BULK_READERS),
        *_appraisal_rules(p),
    ]


def _appraisal_rules(p: str) -> list[Rule]:
    """Appraisal (考核) and accountability; the service narrows liaisons and staff further."""
    scorers = (*HR, A.UNIT_LIAISON)
    score_readers = (A.HR_OFFICER, A.DIRECTOR, A.AUDITOR, A.UNIT_LIAISON, A.STAFF)
    schemes, cycles = f"{p}/appraisal-schemes", f"{p}/appraisal-cycles"
    results, records = f"{p}/appraisal-results", f"{p}/accountability-records"
    return [
        rule("GET", schemes, *STAFF_READERS),
        rule("GET", f"{schemes}/{{scheme_id}}", *STAFF_READERS),
        rule("POST", schemes, *HR),
        rule("PATCH", f"{schemes}/{{scheme_id}}", *HR),
        rule("POST", f"{schemes}/{{scheme_id}}/editions", *HR),
        rule("GET", cycles, *STAFF_READERS),
        rule("GET", f"{cycles}/{{cycle_id}}", *STAFF_READERS),
        rule("POST", cycles, *HR),
        rule("PATCH", f"{cycles}/{{cycle_id}}", *HR),
        *(
            rule("POST", f"{cycles}/{{cycle_id}}/{step}", *HR)
            for step in ("submit", "review", "reopen", "finalize")
        ),
        rule("GET", f"{cycles}/{{cycle_id}}/scores", *score_readers),
        rule("GET", f"{cycles}/{{cycle_id}}/scores/{{staff_id}}", *score_readers),
        rule("POST", f"{cycles}/{{cycle_id}}/scores", *scorers),
        rule("PUT", f"{cycles}/{{cycle_id}}/scores/{{staff_id}}", *scorers),
        rule("GET", f"{cycles}/{{cycle_id}}/results", *STAFF_READERS),
        rule("GET", f"{cycles}/{{cycle_id}}/results/export", *STAFF_READERS),
        rule("GET", f"{results}/{{result_id}}", *STAFF_READERS),
        rule("GET", f"{results}/{{result_id}}/revisions", *STAFF_READERS),
        rule("POST", f"{results}/{{result_id}}/revisions", *HR),
        rule("GET", f"{p}/grades", *STAFF_READERS),
        rule("POST", records, *HR),
        rule("GET", records, *score_readers),
        rule("GET", f"{records}/{{record_id}}", *score_readers),
        rule("POST", f"{records}/{{record_id}}/void", *HR),
    ]


POLICY: tuple[Rule, ...] = (
    # gateway: user administration and its own audit log
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
    *(r for service in SERVICES for r in _platform_rules(service)),
    *_personnel_rules(),
)


class PolicyTable:
    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self._by_method: dict[str, list[Rule]] = {}
        for r in self.rules:
            self._by_method.setdefault(r.method, []).append(r)

    def match(self, method: str, path: str) -> Rule | None:
        for r in self._by_method.get("GET" if method == "HEAD" else method, ()):
            if r.regex.match(path):
                return r
        return None

    def allows(self, method: str, template: str) -> Rule | None:
        """The rule whose pattern is ``template`` (names of parameters ignored)."""
        erased = _PARAM.sub("{}", template)
        for r in self._by_method.get(method, ()):
            if r.template == erased:
                return r
        return None
