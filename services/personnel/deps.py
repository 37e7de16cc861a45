"""Typed dependencies of the personnel service on what its app holds for its whole life."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.personnel.config import PersonnelSettings
from shared.deps import from_app_state
from shared.outbox import OutboxRelay

PersonnelSettingsDep = Annotated[
    PersonnelSettings, Depends(from_app_state("settings", PersonnelSettings))
]
# woken after a commit that published events, so peers hear of them without waiting a poll
RelayDep = Annotated[OutboxRelay, Depends(from_app_state("relay", OutboxRelay))]
