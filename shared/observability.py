"""Request ids, JSON logs and Prometheus metrics, as one pure-ASGI middleware."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.context import (
    client_request_id_var,
    new_request_id,
    request_id_var,
    traceparent_var,
)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        client_id = client_request_id_var.get()
        if client_id is not None:
            entry["client_request_id"] = client_id
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update(extra)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True


class Metrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency",
            ["service", "route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.outbox = Gauge(
            "outbox_events",
            "Outbox events not delivered: waiting (retrying) or dead (refused for good)",
            ["service", "state"],
            registry=self.registry,
        )
        self.service = service


# Headers every answer carries unless the answer set its own: no content sniffing, and no
# cache anywhere (answers hold personal data, full national ID numbers and tokens among them;
# a file or page meant to be cached says so itself).
_DEFAULT_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store"))


def _with_defaults(headers: Any, rid_header: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    """``headers`` with the request id and the default headers each added once: a proxied
    answer that carries them from the service does not get them twice."""
    present = {name.lower() for name, _ in headers}
    added = [rid_header] if rid_header[0] not in present else []
    added += [h for h in _DEFAULT_HEADERS if h[0] not in present]
    return [*headers, *added]


class RequestContextMiddleware:
    """Sets the request id, ``traceparent``, the default security headers, metrics and one
    access-log line per request.

    The request id: at the suite's edge (the gateway, ``mint_ids``) always a new one, and a
    well-formed ``X-Request-ID`` the client sent is kept apart as its ``client_request_id``
    (logged, passed on as ``X-Client-Request-ID``), so no caller can choose the id the audit
    trail records. Behind the edge (a service, called by the gateway or a peer) the caller's
    well-formed ``X-Request-ID`` is kept, and ``X-Client-Request-ID`` with it.
    """

    def __init__(
        self, app: ASGIApp, metrics: Metrics, access_log: bool = True, *, mint_ids: bool = False
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log
        self.mint_ids = mint_ids
        self.log = logging.getLogger("access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = client = tp = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
            elif name == b"x-client-request-id":
                client = value.decode("latin-1")
            elif name == b"traceparent":
                tp = value.decode("latin-1")
        incoming = incoming if incoming and _REQUEST_ID.match(incoming) else None
        if self.mint_ids:
            rid, client = new_request_id(), incoming
        else:
            rid = incoming or new_request_id()
            client = client if client and _REQUEST_ID.match(client) else None
        request_id_var.set(rid)
        client_request_id_var.set(client)
        traceparent_var.set(tp if tp and _TRACEPARENT.match(tp) else None)
        status = 500
        started = time.perf_counter()
        rid_header = (b"x-request-id", rid.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = _with_defaults(message.get("headers", []), rid_header)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            m = self.metrics
            m.requests.labels(m.service, scope["method"], template, str(status)).inc()
            m.latency.labels(m.service, template).observe(elapsed)
            if self.access_log:
                self.log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={"fields": {"status": status, "ms": round(elapsed * 1000, 2)}},
                )
