"""API shapes of the months of the books."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from services.finance.periods.models import PeriodStatus

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class PeriodPublic(BaseModel):
    year: int
    month: int
    status: PeriodStatus
    changed_by: str
    changed_at: datetime | None
    reason: str | None
    version: int


class PeriodReopen(BaseModel):
    reason: Reason
