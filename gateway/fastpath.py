"""The proxied request's short way in: ``/api/<service>/...`` pre-matched to the proxy route.

FastAPI's router tries each of the gateway's routes in turn for every request, and the proxy
route is the last. ``ProxyFastPath`` is a pure ASGI middleware, the innermost of the user
middleware (request context, body limit and CORS still wrap it), that recognises a request
the router would give the proxy route and serves it as that route would (``Proxy.forward``),
with the same exception handlers Starlette's ``ExceptionMiddleware`` would apply. Everything
else goes on to FastAPI.

Rules, decided when the middleware stack is built (all routes and handlers are known then):

- a service takes the short way only if no other route could match a path under
  ``/api/<service>/`` (a route whose path starts ``/api/<service>`` or has a parameter before
  it); any other kind of route (a mount, a host) turns the short way off;
- only the route's methods, an empty ``root_path``, no FastAPI telemetry, and a path with the
  ``/`` after the service name and no line break (the route's regex treats those specially).
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.proxy import METHODS, ROUTE_PATH, Proxy


def proxy_route(routes: list[BaseRoute], proxy: Proxy) -> Route:
    """The route serving ``/api/{service}/{path:path}`` by ``proxy.handle``."""
    for route in routes:
        if isinstance(route, Route) and route.path == ROUTE_PATH:
            return route
    raise LookupError(f"no route {ROUTE_PATH}")


def short_way_services(
    routes: list[BaseRoute], route: Route, services: list[str]
) -> frozenset[str]:
    """The services no route but the proxy route can match under ``/api/<service>/``
    (included routers are looked into, with their prefixes)."""
    taken: set[str] = set()
    for context in iter_route_contexts(routes):
        if context.original_route is route:
            continue
        path = context.path
        if not isinstance(context.original_route, Route) or path is None:
            return frozenset()  # a mount or another kind of route: always ask the router
        fixed = path.split("{", 1)[0]
        for service in services:
            prefix = f"/api/{service}"
            if fixed.startswith(prefix) or (prefix.startswith(fixed) and "{" in path):
                taken.add(service)
    return frozenset(s for s in services if s not in taken)


class ProxyFastPath:
    def __init__(self, app: ASGIApp, owner: Any, proxy: Proxy) -> None:
        self.app = app
        self.route = proxy_route(owner.routes, proxy)
        self.router = owner.router
        self.services = short_way_services(owner.routes, self.route, list(proxy.service_urls))
        self.methods = frozenset(METHODS) & frozenset(self.route.methods or ())
        # the handlers Starlette's ExceptionMiddleware gets (500 and Exception go to the
        # server-error middleware, outside this one, as for every request)
        handlers = {
            key: value
            for key, value in owner.exception_handlers.items()
            if key not in (500, Exception)
        }
        self.proxy = proxy
        self.handled = ExceptionMiddleware(self._serve, handlers=handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in self.methods
            and not scope.get("root_path")
            and "fastapi.telemetry" not in scope  # telemetry records the route the router picks
        ):
            path: str = scope["path"]
            if path.startswith("/api/") and "\n" not in path:
                service, slash, rest = path[5:].partition("/")
                if slash and service in self.services:
                    # what the router's match puts in the scope (FastAPI sets no "route"
                    # for a plain Starlette route: metrics count these as "unmatched")
                    scope.setdefault("router", self.router)
                    scope["endpoint"] = self.route.endpoint
                    scope["path_params"] = {"service": service, "path": rest}
                    await self.handled(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """What the route's ``request_response`` does, without a ``Request`` per call: the
        handlers already wrap this (``ExceptionMiddleware``), the method is already checked."""
        response = await self.proxy.forward(scope, receive)
        await response(scope, receive, send)
