"""Demo checklists: one per category (198 items), created through the module's service."""

from __future__ import annotations

from sqlmodel import Session, select

from services.facilities.inspections import service
from services.facilities.inspections.demo_checklists import CHECKLISTS
from services.facilities.inspections.models import ChecklistTemplate, Severity
from services.facilities.inspections.schemas import ChecklistCreate, ItemCreate
from shared.audit import AuditLog

SEVERITY = {"c": Severity.CRITICAL, "M": Severity.MAJOR, "m": Severity.MINOR}


def seed(session: Session, audit: AuditLog) -> int:
    """Create the checklist of each category that has none; how many were created."""
    present = set(session.exec(select(ChecklistTemplate.category)))
    created = 0
    for category, (prefix, title, items) in CHECKLISTS.items():
        if category in present:
            continue
        data = ChecklistCreate(
            category=category,
            title=title,
            items=[
                ItemCreate(code=f"{prefix}-{n:02d}", text=text, severity=SEVERITY[mark])
                for n, (mark, text) in enumerate((i.split("|", 1) for i in items), start=1)
            ],
        )
        service.create_checklist(session, audit, data=data)
        created += 1
    return created
