"""``create_app``: the treasury sandbox as one FastAPI app (``python -m deploy.cli serve
treasury``, port 8009). Its tables are created at start; its clock runs in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI

from deploy.treasury import control, routes
from deploy.treasury.callbacks import CallbackSender, token_source
from deploy.treasury.config import TreasurySettings
from deploy.treasury.protocol import ControlState
from deploy.treasury.store import Store
from deploy.treasury.tables import metadata
from deploy.treasury.worker import Worker
from shared.db import make_engine
from shared.limits import BodyLimitMiddleware
from shared.observability import Metrics, RequestContextMiddleware, configure_logging
from shared.problems import install_problem_handlers

MAX_BODY_BYTES = 1024 * 1024
DESCRIPTION = """A stand-in for the treasury centralized payment system (国库集中支付) in
development, tests and compose: it receives finance's signed payment and remittance
instructions, accepts or rejects them by documented rules, settles them, sends signed status
callbacks and answers account statements. See deploy/treasury/README.md."""


def create_app(settings: TreasurySettings | None = None, *, access_log: bool = True) -> FastAPI:
    settings = settings or TreasurySettings()
    configure_logging("treasury", settings.log_level)
    engine = make_engine(settings.database_url)
    metadata.create_all(engine)
    store = Store(engine, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        http = httpx.AsyncClient(timeout=settings.callback_timeout_seconds)
        sender = CallbackSender(http, settings, token_source(settings, http))
        worker = Worker(store, sender, lambda: app.state.control)
        app.state.worker = worker
        task = asyncio.create_task(worker.run_forever())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await worker.stop()
            await http.aclose()
            engine.dispose()

    app = FastAPI(
        title="Treasury sandbox", description=DESCRIPTION, version="0.1.0", lifespan=lifespan
    )
    app.state.settings = settings
    app.state.store = store
    app.state.control = ControlState(
        callback_mode=settings.callback_mode,
        callback_delay_seconds=settings.callback_delay_seconds,
        available=True,
    )
    install_problem_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(RequestContextMiddleware, metrics=Metrics("treasury"), access_log=access_log)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """Answer while the process is alive (also while ``available`` is false)."""
        return {"status": "ok"}

    app.include_router(routes.router)
    if settings.control_enabled:
        app.include_router(control.router)
    return app
