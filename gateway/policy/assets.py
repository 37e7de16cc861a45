"""The assets service's rows: the real-estate register (the suite's location master), the
asset register, rights and leases, stocktakes, depreciation and disposals."""

from __future__ import annotations

from gateway.policy.rules import EVERYONE, A, Rule, rule


def assets_rules() -> list[Rule]:
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
