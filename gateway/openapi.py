"""One OpenAPI document for the gateway and every service, as reachable through the gateway.

Each service's document is fetched (cached briefly), its paths prefixed with
``/api/<service>``, its schemas renamed ``<Service>_<Name>``, and only operations the policy
table opens are kept, each marked with ``x-roles``.
"""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Any

import aiohttp

from gateway.policy import PolicyTable
from shared.openapi import complete

CACHE_SECONDS = 30.0
PARTIAL_CACHE_SECONDS = 5.0  # a document missing a service is retried sooner
# a service builds its document on the first ask: seconds on a busy machine (then cached)
FETCH_TIMEOUT = aiohttp.ClientTimeout(total=10)
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
BEARER = "HTTPBearer"  # the scheme name FastAPI gives the services' bearer dependency
_SIGNED_IN_PATHS = frozenset({"/auth/me", "/auth/logout", "/auth/revocations"})


def _renamed(ref: Any, service: str) -> Any:
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return f"#/components/schemas/{service.title()}_{ref.rsplit('/', 1)[1]}"
    return ref


def _rename_refs(node: Any, service: str) -> Any:
    """The service's schema references as the merged document names them: every ``$ref``
    and every reference of a discriminator's ``mapping``."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref":
                out[key] = _renamed(value, service)
            elif key == "discriminator" and isinstance(value, dict) and "mapping" in value:
                mapping = {k: _renamed(v, service) for k, v in value["mapping"].items()}
                out[key] = {**value, "mapping": mapping}
            else:
                out[key] = _rename_refs(value, service)
        return out
    if isinstance(node, list):
        return [_rename_refs(v, service) for v in node]
    return node


def merge(
    gateway_doc: dict[str, Any],
    service_docs: dict[str, dict[str, Any]],
    policy: PolicyTable,
    unavailable: list[str],
) -> dict[str, Any]:
    doc = copy.deepcopy(gateway_doc)
    paths: dict[str, Any] = doc.setdefault("paths", {})
    components = doc.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    components.setdefault("securitySchemes", {})[BEARER] = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from POST /auth/token",
    }
    for path, ops in paths.items():
        for method, op in ops.items():
            r = policy.allows(method.upper(), path) if method in _METHODS else None
            if r is not None:
                op["x-roles"] = sorted(r.roles)
            if r is not None or path in _SIGNED_IN_PATHS:
                op.setdefault("security", [{BEARER: []}])
    complete(doc)  # the gateway's own problems, as the services' documents declare theirs
    for service, sdoc in sorted(service_docs.items()):
        sdoc = _rename_refs(sdoc, service)
        for name, schema in sdoc.get("components", {}).get("schemas", {}).items():
            schemas[f"{service.title()}_{name}"] = schema
        for path, ops in sdoc.get("paths", {}).items():
            public = f"/api/{service}{path}"
            kept = {}
            for method, op in ops.items():
                r = policy.allows(method.upper(), public) if method in _METHODS else None
                if r is not None:
                    kept[method] = {
                        **op,
                        "tags": [service, *op.get("tags", [])],
                        "x-roles": sorted(r.roles),
                    }
            if kept:
                paths[public] = kept
    if unavailable:
        doc["info"]["description"] = (
            doc["info"].get("description", "")
            + f"\n\nNot included (service unreachable): {', '.join(sorted(unavailable))}."
        )
    return doc


class MergedOpenAPI:
    def __init__(self, service_urls: dict[str, str], policy: PolicyTable) -> None:
        self.service_urls = service_urls
        self.policy = policy
        self._cached: tuple[float, dict[str, Any]] | None = None

    async def _fetch(
        self, session: aiohttp.ClientSession, name: str, url: str
    ) -> tuple[str, dict[str, Any] | None]:
        try:
            async with session.get(
                f"{url.rstrip('/')}/openapi.json", timeout=FETCH_TIMEOUT
            ) as response:
                if response.status != 200:
                    return name, None
                data: dict[str, Any] = await response.json()
                return name, data
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return name, None

    async def document(
        self, session: aiohttp.ClientSession, gateway_doc: dict[str, Any]
    ) -> dict[str, Any]:
        if self._cached and time.monotonic() < self._cached[0]:
            return self._cached[1]
        results = await asyncio.gather(
            *(self._fetch(session, n, u) for n, u in self.service_urls.items())
        )
        docs = {n: d for n, d in results if d is not None}
        missing = [n for n, d in results if d is None]
        merged = merge(gateway_doc, docs, self.policy, missing)
        ttl = PARTIAL_CACHE_SECONDS if missing else CACHE_SECONDS
        self._cached = (time.monotonic() + ttl, merged)
        return merged
