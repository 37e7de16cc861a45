"""``docs/api-roles.md``: who may call what, written from the gateway's policy table.

    python -m gateway.policy_doc > docs/api-roles.md

The page is generated, never edited by hand; ``make test`` fails when it no longer matches
``gateway.policy.POLICY`` (tests/gateway/test_policy_doc.py), so the roles a reader finds
there are the roles the gateway enforces.
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway.policy import POLICY, Rule

HEADER = """# Who may call what

Generated from the gateway's policy table (`gateway/policy/`) by
`python -m gateway.policy_doc > docs/api-roles.md`; `make test` fails when it is out of date.
The gateway answers 403 to any role not listed; the services then apply the finer rules only
they can judge (a liaison's own unit, a person's own records, maker–checker).
"""


def _service(rule: Rule) -> str:
    return rule.pattern.split("/")[2]


def render(rules: Iterable[Rule] = POLICY) -> str:
    """The page: one table per service, its operations in the policy's order."""
    by_service: dict[str, list[Rule]] = {}
    for item in rules:
        by_service.setdefault(_service(item), []).append(item)
    parts = [HEADER]
    for service, items in by_service.items():
        parts.append(f"\n## `/api/{service}`\n\n| method | path | roles |\n| --- | --- | --- |")
        for item in items:
            roles = ", ".join(f"`{r}`" for r in sorted(item.roles))
            parts.append(f"| {item.method} | `{item.pattern}` | {roles} |")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(render(), end="")
