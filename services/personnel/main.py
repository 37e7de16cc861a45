"""The personnel service's app: the shared platform plus its own business routers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

import services.personnel
from services.personnel.config import PersonnelSettings
from shared.app import ServiceSpec, create_service_app

SPEC = ServiceSpec(
    name="personnel",
    title="Personnel service",
    description=(services.personnel.__doc__ or "").replace("\n", " ").strip(),
    migrations_dir=Path(__file__).parent / "migrations",
)


def create_app(settings: PersonnelSettings | None = None, **overrides: Any) -> FastAPI:
    return create_service_app(SPEC, settings or PersonnelSettings(), **overrides)
