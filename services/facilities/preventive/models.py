"""Table of the preventive maintenance plans; their occurrences are work orders (one per plan
and due day: ``facilities_work_order`` is unique on ``(plan_id, due_on)``).

The recurrence is data: every ``interval_months`` months or every ``interval_weeks`` weeks
(exactly one of them) from ``anchor_on``, the first due day; each occurrence's order is
raised ``lead_days`` before its due day.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import String
from sqlmodel import Field

from services.facilities.sites import SiteColumns
from services.facilities.workorders.models import Priority
from shared.changes import VersionedColumns


class Plan(SiteColumns, VersionedColumns, table=True):
    __tablename__ = "facilities_preventive_plan"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=30, unique=True)
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    interval_months: int = 0
    interval_weeks: int = 0
    anchor_on: date
    lead_days: int = 0
    priority: Priority = Field(default=Priority.NORMAL, sa_type=String(8))
    unit_id: uuid.UUID | None = Field(default=None, index=True)
    active: bool = Field(default=True, index=True)
