"""The personnel service's app: the shared platform plus its own business routers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

import services.personnel
from services.personnel.accountability import routes as accountability_routes
from services.personnel.appraisal import result_routes as appraisal_result_routes
from services.personnel.appraisal import results_export
from services.personnel.appraisal import routes as appraisal_routes
from services.personnel.config import PersonnelSettings
from services.personnel.organisation import routes as organisation_routes
from services.personnel.positions import routes as position_routes
from services.personnel.staff import retirees as retiree_routes
from services.personnel.staff import roster_routes
from services.personnel.staff import routes as staff_routes
from services.personnel.staff.identity_numbers import IdVault
from shared.app import ServiceSpec, create_service_app

SPEC = ServiceSpec(
    name="personnel",
    title="Personnel service",
    description=(services.personnel.__doc__ or "").replace("\n", " ").strip(),
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(
        organisation_routes.router,
        position_routes.router,
        roster_routes.router,  # before staff_routes: /staff/export is not a {staff_id}
        staff_routes.router,
        retiree_routes.router,
        appraisal_routes.router,
        appraisal_result_routes.router,
        results_export.router,
        accountability_routes.router,
    ),
)


def create_app(settings: PersonnelSettings | None = None, **overrides: Any) -> FastAPI:
    settings = settings or PersonnelSettings()
    app = create_service_app(SPEC, settings, **overrides)
    app.state.id_vault = IdVault(settings.id_secret)
    return app
