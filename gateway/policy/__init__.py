"""The gateway's policy table: method + path pattern → roles allowed. Unlisted is denied.

Patterns use ``{name}`` for one path segment. Every ``/api/...`` request passes ``Gate``:
token verified (401), then matched against this table (403 when unlisted or role missing).
Services then apply the finer rules only they can judge (own unit, own records).

Where each part stands: ``rules`` (the ``Rule`` type, ``rule()``, shared role groups, the
gateway's own rows and the platform's audit rows), one module per service holding its rows
(``personnel``, ``finance``, ``assets``, ``facilities``), and ``match`` (``PolicyTable``, the
compiled lookup). ``POLICY`` below lists them in the order the first match is taken.
"""

from __future__ import annotations

from gateway.config import SERVICES
from gateway.policy.assets import assets_rules
from gateway.policy.facilities import facilities_rules
from gateway.policy.finance import finance_rules
from gateway.policy.match import PolicyTable
from gateway.policy.personnel import personnel_rules
from gateway.policy.rules import Rule, gateway_rules, platform_rules, rule

__all__ = ["POLICY", "PolicyTable", "Rule", "rule"]

POLICY: tuple[Rule, ...] = (
    *gateway_rules(),
    *(r for service in SERVICES for r in platform_rules(service)),
    *personnel_rules(),
    *finance_rules(),
    *assets_rules(),
    *facilities_rules(),
)
