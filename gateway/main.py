"""The gateway app: auth, admin, policy-gated proxy to the services, merged docs, health."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from sqlalchemy import Engine
from sqlmodel import Session

from gateway.config import GatewaySettings
from gateway.docs import add_docs_pages
from gateway.fastpath import ProxyFastPath
from gateway.gate import Gate, gate_check
from gateway.identity import admin_routes, routes
from gateway.identity.directory import PersonnelDirectory
from gateway.identity.revocation import RevocationRegistry
from gateway.identity.service import TokenIssuer, sync_service_clients
from gateway.keys import SigningKey
from gateway.openapi import MergedOpenAPI
from gateway.policy import POLICY, PolicyTable
from gateway.proxy import METHODS, ROUTE_PATH, Proxy
from gateway.ratelimit import GrowingDelay, LoginThrottle, SlidingWindow
from shared.audit import AuditLog, audit_router
from shared.auth import TokenVerifier
from shared.db import for_writing, make_engine
from shared.health import health_router
from shared.limits import BodyLimitMiddleware
from shared.observability import Metrics, RequestContextMiddleware, configure_logging
from shared.problems import ProblemError, install_problem_handlers
from shared.routing import operation_ids
from shared.tables import platform_tables

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
TITLE = "Agency Affairs Suite"
DESCRIPTION = (
    "The back office of a city's Government Offices Administration (机关事务管理局): finance, "
    "assets, facilities and personnel behind one gateway. Sign in at `POST /auth/token`, then "
    "send `Authorization: Bearer <access_token>`. `x-roles` on each operation lists the roles "
    "the gateway lets through."
)
TABLES = platform_tables("gateway")


def _signing_key(settings: GatewaySettings) -> SigningKey:
    return SigningKey.load_or_create(
        settings.signing_key_file, create=settings.environment == "development"
    )


def create_app(
    settings: GatewaySettings | None = None,
    *,
    engine: Engine | None = None,
    signing_key: SigningKey | None = None,
    access_log: bool = True,
    policy: PolicyTable | None = None,
) -> FastAPI:
    settings = settings or GatewaySettings()
    configure_logging("gateway", settings.log_level)
    key = signing_key or _signing_key(settings)
    policy = policy or PolicyTable(POLICY)
    gate = Gate(policy, _verifier(settings, key), RevocationRegistry())
    proxy = Proxy(
        gate,
        settings.service_urls,
        connect_timeout=settings.proxy_connect_timeout,
        read_timeout=settings.proxy_read_timeout,
        total_timeout=settings.proxy_total_timeout,
    )
    app = FastAPI(
        title=TITLE,
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=_lifespan(settings, gate.revocations, proxy),
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_ids("gateway"),
    )
    _hold(app, settings, engine or make_engine(settings.resolved_database_url), key, gate)
    install_problem_handlers(app)
    _add_middleware(app, settings, access_log, proxy)
    app.include_router(routes.router)
    app.include_router(admin_routes.router)
    app.include_router(
        audit_router(app.state.audit), prefix="/api/admin", dependencies=[Depends(gate_check)]
    )
    app.include_router(
        health_router(
            "gateway", MIGRATIONS_DIR, include_healthz=False, metrics_guard=_metrics_reader
        )
    )
    _add_healthz(app, settings, proxy)
    _add_docs(app, proxy, MergedOpenAPI(settings.service_urls, policy))
    app.add_route(
        ROUTE_PATH,
        proxy.handle,
        methods=list(METHODS),
        include_in_schema=False,
    )
    return app


def _verifier(settings: GatewaySettings, key: SigningKey) -> TokenVerifier:
    """Verifies the gateway's own tokens against its own key (no JWKS fetch)."""

    async def local_jwks() -> dict[str, Any]:
        return key.jwks()

    return TokenVerifier(issuer=settings.issuer, audience=settings.audience, fetch_jwks=local_jwks)


def _lifespan(
    settings: GatewaySettings, revocations: RevocationRegistry, proxy: Proxy
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with Session(app.state.engine) as session:
            revocations.load(session)
            sync_service_clients(
                session, settings.service_client_secrets, settings.treasury_client_secrets
            )
        await proxy.start()
        try:
            yield
        finally:
            await proxy.close()
            app.state.engine.dispose()

    return lifespan


def _hold(
    app: FastAPI, settings: GatewaySettings, engine: Engine, key: SigningKey, gate: Gate
) -> None:
    """What the app holds for its whole life; routes reach it by typed dependencies
    (``gateway.deps``, ``GateDep``, ``AuditDep``)."""
    state = app.state
    state.settings = settings
    state.engine = engine
    state.write_engine = for_writing(engine)
    state.signing_key = key
    state.token_verifier = gate.verifier
    state.token_issuer = TokenIssuer(
        key,
        settings.issuer,
        settings.audience,
        settings.access_token_seconds,
        settings.refresh_token_seconds,
    )
    state.revocations = gate.revocations
    state.personnel_directory = PersonnelDirectory(
        settings.service_urls.get("personnel"),
        state.token_issuer,
        timeout=min(settings.proxy_read_timeout, 10.0),
    )
    state.gate = gate
    state.policy = gate.policy
    state.audit = AuditLog(TABLES.audit)
    state.metrics = Metrics("gateway")
    state.login_throttle = LoginThrottle(
        GrowingDelay(settings.login_failures_per_account, settings.login_failure_window_seconds),
        SlidingWindow(settings.login_attempts_per_address, settings.login_address_window_seconds),
    )


def _add_middleware(
    app: FastAPI, settings: GatewaySettings, access_log: bool, proxy: Proxy
) -> None:
    """Pure ASGI middleware only, outermost last: request context (request id, metrics,
    access log), body limit, CORS, and innermost the proxy's pre-matched route."""
    app.add_middleware(ProxyFastPath, owner=app, proxy=proxy)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=False,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "X-Request-ID"],
        )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # the gateway is the suite's edge: it mints every request id (a client's is kept apart)
    app.add_middleware(
        RequestContextMiddleware, metrics=app.state.metrics, access_log=access_log, mint_ids=True
    )


METRICS_READERS = frozenset({"admin", "service"})


async def _metrics_reader(request: Request) -> None:
    """The gateway's ``/metrics`` is not public (its port is): an ``admin``, or a scraper
    signed in as a service client (client credentials, as Prometheus' ``oauth2`` does)."""
    principal = await request.app.state.gate.principal(request)
    if principal.roles.isdisjoint(METRICS_READERS):
        raise ProblemError(403, "FORBIDDEN", "metrics are for admin and service clients")


def _add_healthz(app: FastAPI, settings: GatewaySettings, proxy: Proxy) -> None:
    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, Any]:
        """The gateway is alive; each service is reported ``up`` or ``down``."""

        async def probe(name: str, url: str) -> tuple[str, str]:
            try:
                async with proxy.session.get(
                    f"{url.rstrip('/')}/healthz", timeout=aiohttp.ClientTimeout(total=1.5)
                ) as response:
                    return name, "up" if response.status == 200 else "down"
            except (aiohttp.ClientError, TimeoutError):
                return name, "down"

        results = await asyncio.gather(*(probe(n, u) for n, u in settings.service_urls.items()))
        services = dict(results)
        overall = "ok" if all(v == "up" for v in services.values()) else "degraded"
        answer: dict[str, Any] = {"status": overall, "services": services}
        supervisor = _supervisor_status(settings.supervisor_status_file)
        if supervisor is not None:
            # under ``make run``: each process's state and restarts; one given up on
            # (crash-looping) leaves the suite degraded
            answer["supervisor"] = supervisor
            if supervisor.get("given_up"):
                answer["status"] = "degraded"
        return answer


def _supervisor_status(path: str | None) -> dict[str, Any] | None:
    """The supervisor's status file (written whole, by rename), when there is one."""
    if not path:
        return None
    try:
        status = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return status if isinstance(status, dict) else None


def _add_docs(app: FastAPI, proxy: Proxy, merged_docs: MergedOpenAPI) -> None:
    """``/openapi.json``: the gateway's own operations and every service's behind it, rendered
    at ``/docs`` and ``/redoc`` from assets the gateway serves itself (``gateway.docs``)."""

    def gateway_openapi() -> dict[str, Any]:
        return get_openapi(
            title=TITLE, version=app.version, description=DESCRIPTION, routes=app.routes
        )

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi() -> dict[str, Any]:
        return await merged_docs.document(proxy.session, gateway_openapi())

    add_docs_pages(app, TITLE, "/openapi.json")
