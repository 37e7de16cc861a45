"""The gateway's policy table: method + path pattern → roles allowed. Unlisted is denied.

Patterns use ``{name}`` for one path segment. Every ``/api/...`` request passes ``Gate``:
token verified (401), then matched against this table (403 when unlisted or role missing).
Services then apply the finer rules only they can judge (own unit, own records).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

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
        rule("GET", f"{p}/grades/bulk", *BULK_READERS),
        rule("POST", records, *HR),
        rule("GET", records, *score_readers),
        rule("GET", f"{records}/{{record_id}}", *score_readers),
        rule("POST", f"{records}/{{record_id}}/void", *HR),
    ]


FINANCE_PREPARERS = (A.FINANCE_OFFICER,)
FINANCE_READERS = (A.FINANCE_OFFICER, A.FINANCE_APPROVER, A.DIRECTOR, A.AUDITOR)
# a liaison reads its own unit: the service narrows every list and report to it
FINANCE_UNIT_READERS = (*FINANCE_READERS, A.UNIT_LIAISON)


def _finance_rules() -> list[Rule]:
    f = "/api/finance"
    return [
        *_ledger_rules(f),
        *_budget_rules(f),
        *_payment_rules(f),
        *_treasury_rules(f),
        *_standard_rules(f),
        *_payroll_rules(f),
        *_claims_rules(f),
    ]


def _payroll_rules(f: str) -> list[Rule]:
    """Payroll runs maker–checker, payslips (staff their own), unit totals (liaisons too),
    transfers and their exceptions, salary accounts, adjustments and files."""
    read, unit_read = FINANCE_READERS, FINANCE_UNIT_READERS
    runs, run = f"{f}/payroll-runs", f"{f}/payroll-runs/{{run_id}}"
    slip = f"{f}/payslips/{{slip_id}}"
    payers = (A.FINANCE_OFFICER, A.FINANCE_APPROVER)
    return [
        rule("GET", runs, *read),
        rule("POST", runs, A.FINANCE_OFFICER),
        rule("GET", run, *unit_read),
        rule("POST", f"{run}/compute", A.FINANCE_OFFICER),
        rule("POST", f"{run}/approve", A.FINANCE_APPROVER),
        rule("POST", f"{run}/pay", *payers),
        rule("GET", f"{run}/pain001", *payers),
        rule("GET", f"{run}/payslips", *read),
        rule("GET", f"{run}/unit-totals", *unit_read),
        rule("GET", f"{run}/units/{{unit_id}}/bank-file", *payers),
        rule("GET", f"{run}/units/{{unit_id}}/summary", *read),
        rule("GET", f"{f}/payslips/mine", A.STAFF),
        rule("GET", slip, *read, A.STAFF),
        rule("GET", f"{slip}/export", *read, A.STAFF),
        rule("GET", f"{f}/payroll-transfers", *read),
        rule("POST", f"{f}/payroll-transfers/{{transfer_id}}/repay", *payers),
        rule("POST", f"{f}/salary-accounts/bulk", A.FINANCE_OFFICER),
        rule("GET", f"{f}/salary-accounts/{{staff_id}}", *read),
        rule("PUT", f"{f}/salary-accounts/{{staff_id}}", A.FINANCE_OFFICER),
        rule("GET", f"{f}/pay-adjustments", *read),
    ]


def _claims_rules(f: str) -> list[Rule]:
    """Expense and travel claims: raised by staff or their unit's liaison, excepted by a
    director, approved by a finance approver, paid by the officers; read within scope."""
    claims, one = f"{f}/claims", f"{f}/claims/{{claim_id}}"
    claimants = (A.STAFF, A.UNIT_LIAISON)
    read = (*FINANCE_UNIT_READERS, A.STAFF)
    return [
        rule("GET", claims, *read),
        rule("POST", claims, *claimants),
        rule("GET", f"{claims}/reports/by-unit", *read),
        rule("GET", f"{claims}/reports/exceptions", *read),
        rule("GET", f"{claims}/reports/top-claimants", *read),
        rule("GET", one, *read),
        rule("PUT", one, *claimants),
        rule("POST", f"{one}/submit", *claimants),
        rule("POST", f"{one}/withdraw", *claimants),
        rule("POST", f"{one}/lines/{{line_id}}/exception", A.DIRECTOR),
        rule("POST", f"{one}/approve", A.FINANCE_APPROVER),
        rule("POST", f"{one}/reject", A.FINANCE_APPROVER, A.DIRECTOR),
        rule("POST", f"{one}/pay", A.FINANCE_OFFICER, A.FINANCE_APPROVER),
    ]


def _standard_rules(f: str) -> list[Rule]:
    """Pay and travel standards: published to everyone, drafted by an officer, approved by
    an approver."""
    return [
        rule("GET", f"{f}/standards", *EVERYONE),
        rule("GET", f"{f}/standards/in-force", *EVERYONE),
        rule("GET", f"{f}/standards/{{standard_id}}", *EVERYONE),
        rule("POST", f"{f}/standards", A.FINANCE_OFFICER),
        rule("POST", f"{f}/standards/{{standard_id}}/approve", A.FINANCE_APPROVER),
        rule("POST", f"{f}/standards/{{standard_id}}/withdraw", A.FINANCE_OFFICER),
    ]


def _ledger_rules(f: str) -> list[Rule]:
    """Budget units, the chart of accounts, journal entries, periods and ledger reports."""
    prep, read, unit_read = FINANCE_PREPARERS, FINANCE_READERS, FINANCE_UNIT_READERS
    return [
        rule("GET", f"{f}/budget-units", *unit_read),
        rule("GET", f"{f}/budget-units/{{unit_id}}", *unit_read),
        rule("POST", f"{f}/budget-units", *prep),
        rule("PATCH", f"{f}/budget-units/{{unit_id}}", *prep),
        rule("GET", f"{f}/accounts", *unit_read),
        rule("POST", f"{f}/accounts", *prep),
        rule("GET", f"{f}/economic-classes", *unit_read),
        rule("GET", f"{f}/fund-sources", *unit_read),
        rule("GET", f"{f}/journal-entries", *unit_read),
        rule("GET", f"{f}/journal-entries/{{entry_id}}", *unit_read),
        rule("POST", f"{f}/journal-entries", *prep),
        rule("POST", f"{f}/journal-entries/{{entry_id}}/reverse", *prep),
        rule("GET", f"{f}/periods", *read),
        rule("GET", f"{f}/periods/{{year}}/{{month}}", *read),
        rule("POST", f"{f}/periods/{{year}}/{{month}}/close", A.FINANCE_APPROVER),
        rule("POST", f"{f}/periods/{{year}}/{{month}}/reopen", A.FINANCE_APPROVER),
        rule("GET", f"{f}/ledger/trial-balance", *unit_read),
        rule("GET", f"{f}/ledger/balances", *unit_read),
        rule("GET", f"{f}/ledger/export", *unit_read),
    ]


def _budget_rules(f: str) -> list[Rule]:
    """Budget lines with their plans, quotas and the execution report."""
    prep, unit_read = FINANCE_PREPARERS, FINANCE_UNIT_READERS
    lines = f"{f}/appropriations"
    return [
        rule("GET", lines, *unit_read),
        rule("POST", lines, *prep),
        # peers (facilities' remediation phases) read one line's availability
        rule("GET", f"{lines}/{{appropriation_id}}", *unit_read, A.SERVICE),
        rule("GET", f"{lines}/{{appropriation_id}}/changes", *unit_read),
        rule("POST", f"{lines}/{{appropriation_id}}/adjustments", *prep),
        rule("GET", f"{lines}/{{appropriation_id}}/plans", *unit_read),
        rule("PUT", f"{lines}/{{appropriation_id}}/plans/{{month}}", *prep),
        rule("GET", f"{f}/quotas", *unit_read),
        rule("PUT", f"{f}/quotas/{{unit_id}}/{{fiscal_year}}/{{month}}", *prep),
        rule("GET", f"{f}/budget/execution", *unit_read),
    ]


def _payment_rules(f: str) -> list[Rule]:
    """Payment requests with maker–checker, pain.001 batches, revenue receipts."""
    prep, unit_read = FINANCE_PREPARERS, FINANCE_UNIT_READERS
    payments, receipts = f"{f}/payments", f"{f}/revenue-receipts"
    officers = (A.FINANCE_OFFICER, A.FINANCE_APPROVER)
    return [
        rule("GET", payments, *unit_read),
        rule("POST", payments, A.FINANCE_OFFICER, A.UNIT_LIAISON),
        rule("GET", f"{payments}/{{payment_id}}", *unit_read),
        rule("POST", f"{payments}/{{payment_id}}/approve", A.FINANCE_APPROVER, A.DIRECTOR),
        rule("POST", f"{payments}/{{payment_id}}/reject", A.FINANCE_APPROVER, A.DIRECTOR),
        rule("POST", f"{payments}/{{payment_id}}/cancel", A.FINANCE_OFFICER, A.UNIT_LIAISON),
        rule("POST", f"{payments}/{{payment_id}}/submit", *officers),
        rule("POST", f"{f}/payment-batches/pain001", *officers),
        rule("GET", receipts, *unit_read),
        rule("POST", receipts, *prep),
        rule("GET", f"{receipts}/{{receipt_id}}", *unit_read),
        rule("POST", f"{receipts}/{{receipt_id}}/remit", *officers),
        rule("GET", f"{f}/revenue/unremitted", *unit_read),
    ]


def _treasury_rules(f: str) -> list[Rule]:
    """The treasury's callbacks, the instructions sent and statement reconciliation."""
    prep, read = FINANCE_PREPARERS, FINANCE_READERS
    statements = f"{f}/treasury/statements"
    return [
        # the treasury may call this one endpoint and nothing else
        rule("POST", f"{f}/treasury/callbacks", A.TREASURY),
        rule("GET", f"{f}/treasury/instructions", *read),
        rule("GET", f"{f}/treasury/instructions/{{instruction_id}}", *read),
        rule("GET", statements, *read),
        rule("POST", statements, *prep),
        rule("POST", f"{statements}/fetch", *prep),
        rule("GET", f"{statements}/{{statement_id}}/reconciliation", *read),
    ]


def _assets_rules() -> list[Rule]:
    """The real-estate register is the suite's location master: everyone but the treasury
    reads it (peers through ``service``), the asset officer keeps it."""
    a = "/api/assets"
    rules = [rule("GET", f"{a}/area-summary", *EVERYONE), rule("GET", f"{a}/rooms/bulk", *EVERYONE)]
    for kind, ident in (
        ("compounds", "compound_id"),
        ("buildings", "building_id"),
        ("floors", "floor_id"),
        ("rooms", "room_id"),
    ):
        rules += [
            rule("GET", f"{a}/{kind}", *EVERYONE),
            rule("GET", f"{a}/{kind}/{{{ident}}}", *EVERYONE),
            rule("POST", f"{a}/{kind}", A.ASSET_OFFICER),
            rule("PATCH", f"{a}/{kind}/{{{ident}}}", A.ASSET_OFFICER),
        ]
    return [
        *rules,
        *_register_rules(a),
        *_rights_and_lease_rules(a),
        *_stocktake_rules(a),
        *_depreciation_rules(a),
        *_disposal_rules(a),
    ]


ASSET_WIDE = (A.ASSET_OFFICER, A.DIRECTOR, A.AUDITOR, A.SERVICE)
# a liaison reads its unit's cards, staff the cards in their custody (the service narrows)
ASSET_READERS = (*ASSET_WIDE, A.UNIT_LIAISON, A.STAFF)


def _register_rules(a: str) -> list[Rule]:
    """The categories and the asset register."""
    return [
        rule("GET", f"{a}/categories", *EVERYONE),
        rule("GET", f"{a}/categories/{{code}}", *EVERYONE),
        rule("PATCH", f"{a}/categories/{{code}}", A.ASSET_OFFICER),
        rule("GET", f"{a}/assets", *ASSET_READERS),
        rule("POST", f"{a}/assets", A.ASSET_OFFICER),
        rule("POST", f"{a}/assets/import", A.ASSET_OFFICER),
        rule("GET", f"{a}/assets/bulk", *ASSET_WIDE),
        rule("GET", f"{a}/asset-events", *ASSET_READERS),
        rule("GET", f"{a}/asset-summary", *ASSET_READERS),
        rule("GET", f"{a}/assets/{{asset_id}}", *ASSET_READERS),
        rule("PATCH", f"{a}/assets/{{asset_id}}", A.ASSET_OFFICER),
        rule("GET", f"{a}/assets/{{asset_id}}/events", *ASSET_READERS),
        rule("POST", f"{a}/assets/{{asset_id}}/moves", A.ASSET_OFFICER),
        rule("POST", f"{a}/assets/{{asset_id}}/transfers", A.ASSET_OFFICER),
        rule("POST", f"{a}/assets/{{asset_id}}/revaluations", A.ASSET_OFFICER),
    ]


def _rights_and_lease_rules(a: str) -> list[Rule]:
    """The five rights and the leases of operating space."""
    lease = f"{a}/leases/{{lease_id}}"
    return [
        # the five rights: the officer records holdings, bureau-wide readers and peers read
        rule("POST", f"{a}/rights", A.ASSET_OFFICER),
        rule("GET", f"{a}/rights", *ASSET_WIDE),
        rule("GET", f"{a}/rights/holders", *ASSET_WIDE),
        # leases of operating space: the officer writes, a director approves below-market rent
        rule("GET", f"{a}/leases", *ASSET_WIDE),
        rule("POST", f"{a}/leases", A.ASSET_OFFICER),
        rule("GET", f"{a}/leases/arrears", *ASSET_WIDE),
        rule("GET", f"{a}/leases/expiring", *ASSET_WIDE),
        rule("GET", lease, *ASSET_WIDE),
        rule("PATCH", lease, A.ASSET_OFFICER),
        rule("POST", f"{lease}/activate", A.ASSET_OFFICER),
        rule("POST", f"{lease}/approve", A.DIRECTOR),
        rule("POST", f"{lease}/reject", A.DIRECTOR),
        rule("POST", f"{lease}/terminate", A.ASSET_OFFICER),
        rule("GET", f"{lease}/invoices", *ASSET_WIDE),
        rule("POST", f"{lease}/invoices/{{seq}}/payments", A.ASSET_OFFICER),
    ]


def _stocktake_rules(a: str) -> list[Rule]:
    """Stocktakes: the asset officer runs them, a liaison scans and reads its own unit's, a
    director approves write-offs, the auditor reads."""
    s = f"{a}/stocktakes"
    one = f"{s}/{{campaign_id}}"
    proposal = f"{one}/proposals/{{proposal_id}}"
    readers = (A.ASSET_OFFICER, A.DIRECTOR, A.AUDITOR, A.UNIT_LIAISON)
    officer = A.ASSET_OFFICER
    return [
        rule("GET", s, *readers),
        rule("POST", s, officer),
        rule("GET", one, *readers),
        rule("PATCH", one, officer),
        rule("POST", f"{one}/start", officer),
        rule("POST", f"{one}/scans", officer, A.UNIT_LIAISON),
        rule("GET", f"{one}/results", *readers),
        rule("GET", f"{one}/summary", *readers),
        rule("GET", f"{one}/report.xlsx", *readers),
        rule("POST", f"{one}/reconcile", officer),
        rule("GET", f"{one}/proposals", *readers),
        rule("POST", f"{proposal}/apply", officer),
        rule("POST", f"{proposal}/approve", officer, A.DIRECTOR),
        rule("POST", f"{proposal}/reject", officer, A.DIRECTOR),
        rule("POST", f"{one}/close", officer),
    ]


def _depreciation_rules(a: str) -> list[Rule]:
    """The asset officer runs a month; the bureau-wide readers read runs; an asset's schedule
    is read like the asset."""
    return [
        rule("POST", f"{a}/depreciation/runs", A.ASSET_OFFICER),
        rule("GET", f"{a}/depreciation/runs", *ASSET_WIDE),
        rule("GET", f"{a}/depreciation/runs/{{run_id}}", *ASSET_WIDE),
        rule("GET", f"{a}/assets/{{asset_id}}/depreciation", *ASSET_READERS),
    ]


def _disposal_rules(a: str) -> list[Rule]:
    """The asset officer requests; an officer or director decides (the service admits only
    those of the unit holding the disposal right); read like the asset."""
    return [
        rule("GET", f"{a}/disposals", *ASSET_READERS),
        rule("POST", f"{a}/disposals", A.ASSET_OFFICER),
        rule("GET", f"{a}/disposals/{{disposal_id}}", *ASSET_READERS),
        rule("POST", f"{a}/disposals/{{disposal_id}}/approve", A.ASSET_OFFICER, A.DIRECTOR),
        rule("POST", f"{a}/disposals/{{disposal_id}}/reject", A.ASSET_OFFICER, A.DIRECTOR),
    ]


FACILITIES_WIDE = (A.FACILITIES_OFFICER, A.SECURITY_OFFICER, A.DIRECTOR, A.AUDITOR, A.SERVICE)
# a liaison reads its unit's hazards and work orders, staff the hazards they are responsible
# for and the orders they requested (the service narrows)
FACILITIES_SCOPED = (*FACILITIES_WIDE, A.UNIT_LIAISON, A.STAFF)
REQUESTERS = (A.FACILITIES_OFFICER, A.SECURITY_OFFICER, A.UNIT_LIAISON, A.STAFF)


def _facilities_rules() -> list[Rule]:
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
    *_finance_rules(),
    *_assets_rules(),
    *_facilities_rules(),
)


_ANY = object()  # the trie's key for a ``{name}`` segment


class PolicyTable:
    """The rules compiled once into one trie of path segments per method.

    ``match`` answers exactly what trying each rule's regex in table order would (the first
    listed rule that matches wins, ``HEAD`` is judged as ``GET``): a lookup walks the path's
    segments, trying a literal segment and a ``{name}`` segment (any non-empty segment)
    both, and keeps the matching rule listed first. Like the regexes' ``$``, a path may end
    in one ``\\n`` that is not part of it. A pattern mixing text and a parameter in one segment
    is matched by its regex, in the same order.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self._by_method: dict[str, list[Rule]] = {}
        self._tries: dict[str, dict[object, object]] = {}
        self._by_regex: dict[str, list[tuple[int, Rule]]] = {}
        for index, r in enumerate(self.rules):
            self._by_method.setdefault(r.method, []).append(r)
            segments = r.pattern.split("/")[1:]
            if not r.pattern.startswith("/") or not all(_plain(s) for s in segments):
                self._by_regex.setdefault(r.method, []).append((index, r))
                continue
            node = self._tries.setdefault(r.method, {})
            for segment in segments:
                key = _ANY if _PARAM.fullmatch(segment) else segment
                node = node.setdefault(key, {})  # type: ignore[assignment]
            node.setdefault(None, (index, r))  # the first listed of equal patterns wins

    def match(self, method: str, path: str) -> Rule | None:
        if method == "HEAD":
            method = "GET"
        best: tuple[float, Rule | None] = _NONE
        trie = self._tries.get(method)
        if trie is not None and path[:1] == "/":
            best = _walk(trie, path.split("/"), 1, best)
            if path[-1:] == "\n":
                best = _walk(trie, path[:-1].split("/"), 1, best)
        for index, r in self._by_regex.get(method, ()):
            if index < best[0] and r.regex.match(path):
                best = (index, r)
                break
        return best[1]

    def allows(self, method: str, template: str) -> Rule | None:
        """The rule whose pattern is ``template`` (names of parameters ignored)."""
        erased = _PARAM.sub("{}", template)
        for r in self._by_method.get(method, ()):
            if r.template == erased:
                return r
        return None


_NONE: tuple[float, Rule | None] = (float("inf"), None)


def _plain(segment: str) -> bool:
    """A segment the trie holds: all text, or exactly one parameter."""
    return bool(_PARAM.fullmatch(segment)) or ("{" not in segment and "}" not in segment)


def _walk(node: dict[object, object], parts: list[str], at: int, best: Any) -> Any:
    """The first-listed rule under ``node`` matching ``parts[at:]``, or ``best`` if earlier."""
    if at == len(parts):
        found = node.get(None)
        return found if found is not None and found[0] < best[0] else best  # type: ignore[index]
    segment = parts[at]
    child = node.get(segment)
    if child is not None:
        best = _walk(child, parts, at + 1, best)  # type: ignore[arg-type]
    if segment:
        child = node.get(_ANY)
        if child is not None:
            best = _walk(child, parts, at + 1, best)  # type: ignore[arg-type]
    return best
