"""The personnel service's rows: reference data, units, positions and staff, and appraisal
(考核) with accountability."""

from __future__ import annotations

from gateway.policy.rules import EVERYONE, A, Rule, rule

HR = (A.HR_OFFICER,)
BULK_READERS = (A.HR_OFFICER, A.DIRECTOR, A.AUDITOR, A.SERVICE)
STAFF_READERS = (*BULK_READERS, A.UNIT_LIAISON, A.STAFF)


def personnel_rules() -> list[Rule]:
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
