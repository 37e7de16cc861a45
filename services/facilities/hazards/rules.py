"""Due periods by severity, as data: effective-dated rows, the one in force on the day a
hazard is found sets its due time. A new rule applies to hazards found from its date on;
those found before keep their due times."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from services.facilities.hazards.models import DueRule
from services.facilities.hazards.schemas import DueRulePublic, DueRuleSet
from services.facilities.inspections.models import Severity
from shared.audit import AuditLog
from shared.context import principal_var
from shared.pagination import Page
from shared.problems import Conflict, Invalid
from shared.types import SHANGHAI


class DuePeriods:
    """The rules loaded once (a batch of answers asks them many times)."""

    def __init__(self, session: Session) -> None:
        rows = session.exec(select(DueRule).order_by(col(DueRule.effective_from).desc()))
        self._rules: dict[Severity, list[tuple[date, int]]] = {}
        for row in rows:
            self._rules.setdefault(row.severity, []).append((row.effective_from, row.period_hours))

    def period(self, severity: Severity, found_at: datetime) -> timedelta:
        day = found_at.astimezone(SHANGHAI).date()
        for effective_from, hours in self._rules.get(severity, []):
            if effective_from <= day:
                return timedelta(hours=hours)
        raise Invalid("NO_DUE_RULE", f"no due period for a {severity} hazard found on {day}")


def public(row: DueRule) -> DueRulePublic:
    return DueRulePublic.model_validate(row, from_attributes=True)


def list_rules(session: Session) -> Page[DueRulePublic]:
    rows = session.exec(
        select(DueRule).order_by(col(DueRule.severity), col(DueRule.effective_from))
    ).all()
    return Page.whole([public(r) for r in rows])


def set_rule(session: Session, audit: AuditLog, *, data: DueRuleSet) -> DueRulePublic:
    """A new rule from its date on (a rule already starting that day: 409 ``RULE_EXISTS``)."""
    if session.get(DueRule, (data.severity, data.effective_from)) is not None:
        raise Conflict(
            "RULE_EXISTS", f"a {data.severity} rule already starts on {data.effective_from}"
        )
    who = principal_var.get()
    row = DueRule(**data.model_dump(), set_by=who.sub if who else "system")
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="hazard_due_rule.set",
        resource_type="hazard_due_rule",
        resource_id=f"{data.severity}:{data.effective_from}",
        after=data.model_dump(mode="json"),
    )
    return public(row)
