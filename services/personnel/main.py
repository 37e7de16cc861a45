"""The personnel service's app: the shared platform plus its own business routers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

import services.personnel
from services.personnel.accountability import routes as accountability
from services.personnel.appraisal import routes as appraisal
from services.personnel.appraisal_results import routes as appraisal_results
from services.personnel.config import PersonnelSettings
from services.personnel.organisation import routes as organisation
from services.personnel.positions import routes as positions
from services.personnel.retirees import routes as retirees
from services.personnel.roster import routes as roster
from services.personnel.staff import routes as staff
from services.personnel.staff.identity_numbers import IdVault
from shared.app import ServiceSpec, create_service_app


def in_match_order(*routers: APIRouter) -> tuple[APIRouter, ...]:
    """``routers`` as listed, refused when a route with a path parameter would be matched
    before a fixed path it also matches (``/staff/{staff_id}`` before ``/staff/export``)."""
    earlier: list[APIRoute] = []
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            for first in earlier:
                shared = (first.methods or set()) & (route.methods or set())
                if shared and first.path_regex.match(route.path):
                    raise RuntimeError(
                        f"{route.path} would be answered by {first.path}: list it "
                        "(or its router) first"
                    )
            earlier.append(route)
    return routers


# in the order they are matched (checked): roster before staff, as /staff/export and
# /staff/import are not a {staff_id}
ROUTERS: Sequence[APIRouter] = in_match_order(
    organisation.router,
    positions.router,
    roster.router,
    staff.router,
    retirees.router,
    appraisal.router,
    appraisal_results.router,
    accountability.router,
)

SPEC = ServiceSpec(
    name="personnel",
    title="Personnel service",
    description=(services.personnel.__doc__ or "").replace("\n", " ").strip(),
    migrations_dir=Path(__file__).parent / "migrations",
    routers=ROUTERS,
)


def create_app(settings: PersonnelSettings | None = None, **overrides: Any) -> FastAPI:
    settings = settings or PersonnelSettings()
    app = create_service_app(SPEC, settings, **overrides)
    app.state.id_vault = IdVault(settings.id_secret)
    return app
