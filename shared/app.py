"""``create_service_app``: one FastAPI app with everything every service shares.

Wires problem+json errors, request context/metrics middleware, token verification on every
business router, the audit log (``/audit``), idempotency store, outbox relay, inbox
(``/events``), peer clients and health endpoints.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine

from shared import openapi
from shared.audit import AuditLog, audit_router
from shared.auth import TokenVerifier, declare_roles
from shared.config import ServiceSettings
from shared.db import for_writing, make_engine
from shared.health import health_router
from shared.idempotency import IdempotencyStore
from shared.inbox import Inbox, inbox_router
from shared.limits import BodyLimitMiddleware
from shared.observability import Metrics, RequestContextMiddleware, configure_logging
from shared.outbox import Outbox, OutboxRelay
from shared.peers import PeerClient, ServiceTokenProvider
from shared.problems import install_problem_handlers
from shared.revocations import RevocationFeed, RevocationList
from shared.routing import duplicate_operation_ids, operation_ids
from shared.tables import platform_tables


@dataclass(frozen=True)
class Platform:
    """What the shared platform gives one service's app, for code that runs outside a request
    (inbox handlers, background workers); routes take the typed dependencies instead."""

    name: str
    settings: ServiceSettings
    engine: Engine
    write_engine: Engine
    audit: AuditLog
    outbox: Outbox
    inbox: Inbox


@dataclass(frozen=True)
class ServiceSpec:
    """What makes one service itself: its name (= table prefix), docs and business routers."""

    name: str
    title: str
    description: str
    migrations_dir: Path
    # in the order they are matched: a fixed path (``/staff/export``) before ``/staff/{id}``
    routers: Sequence[APIRouter] = ()
    # registers the inbox handlers of the events the service takes from peers
    subscribe: Callable[[Platform], None] | None = None
    version: str = "0.1.0"
    peer_clients: dict[str, type[PeerClient]] = field(default_factory=dict)
    # long-running tasks of the service (started with the relay, cancelled at shutdown)
    background: Sequence[Callable[[FastAPI], Coroutine[Any, Any, None]]] = ()

    def __post_init__(self) -> None:
        platform_tables(self.name)  # registered at import, so migrations see them


def create_service_app(
    spec: ServiceSpec,
    settings: ServiceSettings,
    *,
    engine: Engine | None = None,
    verifier: TokenVerifier | None = None,
    run_relay: bool = True,  # and the spec's background tasks
    access_log: bool = True,
    peers: dict[str, PeerClient] | None = None,  # instead of settings' (a peer in-process)
) -> FastAPI:
    configure_logging(spec.name, settings.log_level)
    tables = platform_tables(spec.name)
    engine = engine or make_engine(settings.resolved_database_url)
    platform = Platform(
        name=spec.name,
        settings=settings,
        engine=engine,
        write_engine=for_writing(engine),
        audit=AuditLog(tables.audit),
        outbox=Outbox(tables.outbox, source=spec.name),
        inbox=Inbox(tables.inbox),
    )
    if spec.subscribe is not None:
        spec.subscribe(platform)
    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version=spec.version,
        lifespan=_lifespan(spec, settings, run_relay, peers or {}),
        generate_unique_id_function=operation_ids(spec.name),
    )
    app.state.platform = platform
    app.state.settings = settings
    app.state.engine = platform.engine
    app.state.write_engine = platform.write_engine
    app.state.token_verifier = verifier or TokenVerifier.from_url(
        settings.resolved_jwks_url,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
    )
    # what the gateway has revoked, kept current by the feed the lifespan polls
    app.state.revocations = app.state.token_verifier.revocations = RevocationList()
    app.state.audit = platform.audit
    app.state.idempotency = IdempotencyStore(tables.idempotency)
    app.state.outbox = platform.outbox
    app.state.inbox = platform.inbox
    app.state.metrics = Metrics(spec.name)

    install_problem_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics, access_log=access_log)
    _include_routers(app, spec)
    openapi.install(app)
    return app


def _include_routers(app: FastAPI, spec: ServiceSpec) -> None:
    """Health first, then the audit log, the inbox and the service's routers in its order.
    Every operation but health's must name its roles (``require_roles``, which verifies the
    token too): an app with one that does not refuses to start."""
    app.include_router(health_router(spec.name, spec.migrations_dir))
    undeclared = []
    for router in (audit_router(app.state.audit), inbox_router(), *spec.routers):
        undeclared += declare_roles(router.routes)
        app.include_router(router)
    if undeclared:
        raise RuntimeError(f"{spec.name}: routes without require_roles: {undeclared}")
    shared_ids = duplicate_operation_ids(app.routes)
    if shared_ids:
        raise RuntimeError(f"{spec.name}: operation ids used twice: {shared_ids}")


def _lifespan(
    spec: ServiceSpec, settings: ServiceSettings, run_relay: bool, given: dict[str, PeerClient]
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """Peer clients, the outbox relay, the revocation feed (and the spec's background tasks)
    for the app's life."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        http = httpx.AsyncClient(timeout=settings.peer_timeout_seconds)
        tokens = ServiceTokenProvider(
            http,
            f"{settings.gateway_url.rstrip('/')}/auth/token",
            client_id=spec.name,
            client_secret=settings.client_secret,
        )

        timeout = settings.peer_timeout_seconds
        app.state.peers = {
            name: spec.peer_clients.get(name, PeerClient)(name, url, http, tokens, timeout=timeout)
            for name, url in settings.peer_urls.items()
        } | given
        # the relay tries each event once a pass (its own backoff does the retrying)
        relay_peers = {
            name: PeerClient(name, url, http, tokens, timeout=timeout, retries=0)
            for name, url in settings.peer_urls.items()
        }
        relay = OutboxRelay(
            app.state.engine,
            app.state.outbox,
            relay_peers,
            poll_seconds=settings.outbox_poll_seconds,
        )
        app.state.relay = relay
        gateway = PeerClient(
            "gateway", settings.gateway_url, http, tokens, timeout=timeout, retries=0
        )
        feed = RevocationFeed(
            gateway, app.state.revocations, poll_seconds=settings.revocation_poll_seconds
        )
        app.state.revocation_feed = feed
        tasks = []
        if run_relay:
            tasks.append(asyncio.create_task(relay.run_forever()))
            tasks.append(asyncio.create_task(feed.run_forever()))
            tasks.extend(asyncio.create_task(work(app)) for work in spec.background)
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await http.aclose()
            app.state.engine.dispose()

    return lifespan
