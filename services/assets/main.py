"""The assets service's app: the shared platform plus its own business routers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

import services.assets
from services.assets.categories import routes as categories_routes
from services.assets.config import AssetsSettings
from services.assets.depreciation import routes as depreciation_routes
from services.assets.disposals import routes as disposal_routes
from services.assets.leases import routes as leases_routes
from services.assets.realestate import routes as realestate_routes
from services.assets.register import routes as register_routes
from services.assets.rights import routes as rights_routes
from services.assets.stocktakes import routes as stocktake_routes
from shared.app import ServiceSpec, create_service_app

SPEC = ServiceSpec(
    name="assets",
    title="Assets service",
    description=(services.assets.__doc__ or "").replace("\n", " ").strip(),
    migrations_dir=Path(__file__).parent / "migrations",
    # in matching order; each router declares its fixed paths (/rooms/bulk, /assets/import,
    # /leases/arrears) before its parameterised ones
    routers=(
        realestate_routes.router,
        categories_routes.router,
        register_routes.router,
        depreciation_routes.router,
        disposal_routes.router,
        rights_routes.router,
        leases_routes.router,
        stocktake_routes.router,
    ),
)


def create_app(settings: AssetsSettings | None = None, **overrides: Any) -> FastAPI:
    return create_service_app(SPEC, settings or AssetsSettings(), **overrides)
