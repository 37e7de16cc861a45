"""Typed dependencies of the personnel service on what its app holds for its whole life."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.personnel.config import PersonnelSettings
from shared.deps import from_app_state

PersonnelSettingsDep = Annotated[
    PersonnelSettings, Depends(from_app_state("settings", PersonnelSettings))
]
