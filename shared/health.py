"""``/healthz`` (alive), ``/readyz`` (database reachable, migrations at head), ``/metrics``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from shared.db import ping
from shared.migrations import current_revision, head_revision
from shared.problems import problem_response
from shared.routing import Router


def health_router(
    prefix: str,
    migrations_dir: Path,
    *,
    include_healthz: bool = True,
    metrics_guard: Callable[..., Awaitable[object]] | None = None,
) -> Router:
    """``/healthz``, ``/readyz`` and ``/metrics``; ``metrics_guard``, a dependency, decides
    who may read the metrics (the gateway's are not public: its port is the public one)."""
    router = Router(tags=["health"])
    head = head_revision(migrations_dir)

    if include_healthz:

        @router.get("/healthz")
        async def healthz() -> dict[str, str]:
            """Answer while the process is alive."""
            return {"status": "ok", "service": prefix}

    @router.get("/readyz", response_model=None)
    async def readyz(request: Request) -> Response | dict[str, str | None]:
        """Answer 200 when the database is reachable and its schema is at the latest migration."""
        engine = request.app.state.engine

        def check() -> str | None:
            ping(engine)
            return current_revision(engine, prefix)

        try:
            current = await asyncio.to_thread(check)
        except SQLAlchemyError as exc:
            return problem_response(
                503,
                "DATABASE_UNAVAILABLE",
                f"database not reachable: {type(exc).__name__}",
                headers={"Retry-After": "5"},
            )
        if current != head:
            return problem_response(
                503,
                "MIGRATIONS_PENDING",
                f"schema at {current}, expected {head}",
                headers={"Retry-After": "5"},
            )
        return {"status": "ready", "revision": current}

    guard = [] if metrics_guard is None else [Depends(metrics_guard)]

    @router.get("/metrics", include_in_schema=False, dependencies=guard)
    def metrics(request: Request) -> Response:
        state = request.app.state
        outbox = getattr(state, "outbox", None)
        if outbox is not None:
            # metrics must answer while the database is down; the gauges keep their last value
            with contextlib.suppress(SQLAlchemyError), Session(state.engine) as session:
                for kind, count in outbox.backlog(session).items():
                    state.metrics.outbox.labels(state.metrics.service, kind).set(count)
        return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
