"""The facilities service's app: the shared platform plus its own business routers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

import services.facilities
from services.facilities.clients.assets import AssetsClient
from services.facilities.clients.finance import FinanceClient
from services.facilities.config import FacilitiesSettings
from services.facilities.equipment import routes as equipment_routes
from services.facilities.hazards.routes import router as hazards
from services.facilities.hazards.worker import escalate_every
from services.facilities.inspections.routes import router as inspections
from services.facilities.locations.routes import router as locations
from services.facilities.preventive import routes as preventive_routes
from services.facilities.remediation.routes import router as remediation
from services.facilities.workorders import routes as workorder_routes
from services.facilities.zones import routes as zone_routes
from shared.app import ServiceSpec, create_service_app

SPEC = ServiceSpec(
    name="facilities",
    title="Facilities service",
    description=(services.facilities.__doc__ or "").replace("\n", " ").strip(),
    migrations_dir=Path(__file__).parent / "migrations",
    # in matching order; each router declares its fixed paths (/hazards/dashboard,
    # /work-orders/sla-report, /preventive-plans/generate, /safety-zones/gaps,
    # /fire-equipment/due) before its parameterised ones
    routers=(
        locations,
        inspections,
        hazards,
        remediation,
        workorder_routes.router,
        preventive_routes.router,
        zone_routes.router,
        equipment_routes.router,
    ),
    peer_clients={"assets": AssetsClient, "finance": FinanceClient},
    background=(escalate_every,),
)


def create_app(settings: FacilitiesSettings | None = None, **overrides: Any) -> FastAPI:
    return create_service_app(SPEC, settings or FacilitiesSettings(), **overrides)
