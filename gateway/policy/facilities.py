"""The facilities service's rows: inspections and hazards, work orders and preventive plans,
safety zones and fire equipment."""

from __future__ import annotations

from gateway.policy.rules import A, Rule, rule

FACILITIES_WIDE = (A.FACILITIES_OFFICER, A.SECURITY_OFFICER, A.DIRECTOR, A.AUDITOR, A.SERVICE)
# a liaison reads its unit's hazards and work orders, staff the hazards they are responsible
# for and the orders they requested (the service narrows)
FACILITIES_SCOPED = (*FACILITIES_WIDE, A.UNIT_LIAISON, A.STAFF)
REQUESTERS = (A.FACILITIES_OFFICER, A.SECURITY_OFFICER, A.UNIT_LIAISON, A.STAFF)


def facilities_rules() -> list[Rule]:
    """The six compounds: inspections and hazards, upkeep, safety zones and fire equipment."""
    f = "/api/facilities"
    return [*_inspection_rules(f), *_upkeep_rules(f)]


def _inspection_rules(f: str) -> list[Rule]:
    """Places read from assets, checklists, rounds and their answers, hazards, due rules,
    escalation and the dashboard: the facilities officer writes, the wide readers read, a
    liaison and staff read the hazards in their scope."""
    officer = A.FACILITIES_OFFICER
    rounds, hazard = f"{f}/inspection-rounds", f"{f}/hazards/{{hazard_id}}"
    return [
        rule("GET", f"{f}/places/{{kind}}/{{place_id}}", *FACILITIES_WIDE),
        rule("GET", f"{f}/checklists", *FACILITIES_WIDE),
        rule("POST", f"{f}/checklists", officer),
        rule("GET", f"{f}/checklists/{{checklist_id}}", *FACILITIES_WIDE),
        rule("GET", rounds, *FACILITIES_WIDE),
        rule("POST", rounds, officer),
        rule("GET", f"{rounds}/{{round_id}}", *FACILITIES_WIDE),
        rule("POST", f"{rounds}/{{round_id}}/start", officer),
        rule("POST", f"{rounds}/{{round_id}}/complete", officer),
        rule("GET", f"{rounds}/{{round_id}}/answers", *FACILITIES_WIDE),
        rule("POST", f"{rounds}/{{round_id}}/answers", officer),
        rule("GET", f"{f}/hazard-due-rules", *FACILITIES_WIDE),
        rule("POST", f"{f}/hazard-due-rules", officer),
        rule("GET", f"{f}/hazards", *FACILITIES_SCOPED),
        rule("GET", f"{f}/hazards/dashboard", *FACILITIES_WIDE),
        rule("POST", f"{f}/hazards/escalate", officer),
        rule("GET", f"{f}/hazards/escalations", *FACILITIES_WIDE),
        rule("GET", hazard, *FACILITIES_SCOPED),
        rule("POST", f"{hazard}/assign", officer),
        rule("POST", f"{hazard}/fix", officer),
        rule("POST", f"{hazard}/close", officer),
        rule("GET", f"{f}/remediation-plans", *FACILITIES_WIDE),
        rule("POST", f"{f}/remediation-plans", officer),
        rule("GET", f"{f}/remediation-plans/{{plan_id}}", *FACILITIES_WIDE),
        rule("POST", f"{f}/remediation-plans/{{plan_id}}/phases/{{number}}/hazards", officer),
        rule("GET", f"{f}/remediation-plans/{{plan_id}}/budget", *FACILITIES_WIDE),
    ]


def _upkeep_rules(f: str) -> list[Rule]:
    """Work orders and preventive plans (the facilities officer), safety zones and fire
    equipment (the security officer); requests from officers, liaisons and staff."""
    o = f"{f}/work-orders/{{order_id}}"
    upkeep = A.FACILITIES_OFFICER
    return [
        rule("GET", f"{f}/work-orders", *FACILITIES_SCOPED),
        rule("POST", f"{f}/work-orders", *REQUESTERS),
        rule("GET", f"{f}/work-orders/sla-report", *FACILITIES_WIDE),
        rule("GET", f"{f}/sla-policies", *FACILITIES_WIDE),
        rule("PATCH", f"{f}/sla-policies/{{priority}}", upkeep),
        rule("GET", o, *FACILITIES_SCOPED),
        rule("PATCH", o, upkeep),
        rule("GET", f"{o}/history", *FACILITIES_SCOPED),
        *(rule("POST", f"{o}/{step}", upkeep)
          for step in ("triage", "assign", "start", "complete", "cancel", "labour", "materials")),
        rule("POST", f"{o}/verify", upkeep, A.DIRECTOR),
        rule("GET", f"{o}/costs", *FACILITIES_SCOPED),
        rule("GET", f"{f}/preventive-plans", *FACILITIES_WIDE),
        rule("POST", f"{f}/preventive-plans", upkeep),
        rule("POST", f"{f}/preventive-plans/generate", upkeep),
        rule("GET", f"{f}/preventive-plans/{{plan_id}}", *FACILITIES_WIDE),
        rule("PATCH", f"{f}/preventive-plans/{{plan_id}}", upkeep),
        *_safety_rules(f),
    ]  # fmt: skip


def _safety_rules(f: str) -> list[Rule]:
    """Safety zones, liaisons, entrances and fire equipment: the security officer keeps them,
    the bureau's readers read them."""
    safety = A.SECURITY_OFFICER
    rules = [
        rule("GET", f"{f}/safety-zones/gaps", *FACILITIES_WIDE),
        rule("GET", f"{f}/fire-equipment/due", *FACILITIES_WIDE),
        rule("POST", f"{f}/fire-equipment/checks", safety),
        rule("GET", f"{f}/fire-equipment/{{equipment_id}}/checks", *FACILITIES_WIDE),
        rule("GET", f"{f}/safety-liaisons", *FACILITIES_WIDE),
        rule("PUT", f"{f}/safety-liaisons/{{unit_id}}", safety),
    ]
    for kind, ident in (
        ("safety-zones", "zone_id"),
        ("entrances", "entrance_id"),
        ("fire-equipment", "equipment_id"),
    ):
        rules += [
            rule("GET", f"{f}/{kind}", *FACILITIES_WIDE),
            rule("POST", f"{f}/{kind}", safety),
            rule("PATCH", f"{f}/{kind}/{{{ident}}}", safety),
        ]
        if kind != "entrances":
            rules.append(rule("GET", f"{f}/{kind}/{{{ident}}}", *FACILITIES_WIDE))
    return rules
