"""The finance service's rows: the ledger, budget lines, payments, the treasury, standards,
payroll and claims."""

from __future__ import annotations

from gateway.policy.rules import EVERYONE, A, Rule, rule

FINANCE_PREPARERS = (A.FINANCE_OFFICER,)
FINANCE_READERS = (A.FINANCE_OFFICER, A.FINANCE_APPROVER, A.DIRECTOR, A.AUDITOR)
# a liaison reads its own unit: the service narrows every list and report to it
FINANCE_UNIT_READERS = (*FINANCE_READERS, A.UNIT_LIAISON)


def finance_rules() -> list[Rule]:
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
