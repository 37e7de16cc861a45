"""The finance service's app: the shared platform plus its own business routers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

import services.finance
from services.finance.budget import routes as budget_routes
from services.finance.config import FinanceSettings
from services.finance.ledger import report_routes as ledger_report_routes
from services.finance.ledger import routes as ledger_routes
from services.finance.payments import batch_routes, settlement
from services.finance.payments import routes as payment_routes
from services.finance.revenue import events as revenue_events
from services.finance.revenue import routes as revenue_routes
from services.finance.revenue import service as revenue_service
from services.finance.treasury import callbacks, worker
from services.finance.treasury import routes as treasury_routes
from services.finance.treasury.client import TreasuryClient
from services.finance.treasury.sender import Sender
from services.finance.units import routes as unit_routes
from shared.app import ServiceSpec, create_service_app

# the treasury status handlers of payments and remittances register on import
_HANDLERS = (settlement.follow, revenue_service.follow)

SPEC = ServiceSpec(
    name="finance",
    title="Finance service",
    description=(services.finance.__doc__ or "").replace("\n", " ").strip(),
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(
        unit_routes.router,
        ledger_routes.router,
        ledger_report_routes.router,
        budget_routes.router,
        batch_routes.router,
        payment_routes.router,
        revenue_routes.router,
        callbacks.router,
        treasury_routes.router,
    ),
    subscribe=revenue_events.subscribe,
    background=(worker.run,),
)


def create_app(settings: FinanceSettings | None = None, **overrides: Any) -> FastAPI:
    settings = settings or FinanceSettings()
    app = create_service_app(SPEC, settings, **overrides)
    client = TreasuryClient(
        settings.treasury_url,
        settings.treasury_instruction_secret,
        timeout=settings.treasury_timeout_seconds,
    )
    app.state.treasury_client = client
    app.state.treasury_sender = Sender(
        app.state.write_engine,
        app.state.engine,
        client,
        poll_after_seconds=settings.treasury_poll_after_seconds,
    )
    return app
