"""The personnel service's app: the shared platform plus its own business routers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

import services.personnel
from services.personnel.config import PersonnelSettings
from services.personnel.organisation import routes as organisation_routes
from services.personnel.positions import routes as position_routes
from shared.app import ServiceSpec, create_service_app

SPEC = ServiceSpec(
    name="personnel",
    title="Personnel service",
    description=(services.personnel.__doc__ or "").replace("\n", " ").strip(),
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(organisation_routes.router, position_routes.router),
)


def create_app(settings: PersonnelSettings | None = None, **overrides: Any) -> FastAPI:
    return create_service_app(SPEC, settings or PersonnelSettings(), **overrides)
