"""Reverse proxy of ``/api/<service>/...`` to the service, after the gate.

aiohttp is the client on this hot path: httpx cost several times more CPU per request here
(bench/README.md). Bodies stream both ways; small responses with a known length are read
whole, which is cheaper than streaming them. A streamed answer keeps the service's
``Content-Length`` (a download's size, and a check that it arrived whole); one the service
breaks off midway is broken off to the client too, never ended as though it were whole.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import yarl
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope

from gateway.gate import Gate
from shared.context import current_client_request_id, current_request_id
from shared.problems import ProblemError, problem_response

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
# set by the gateway itself: whatever a client sent under these names is dropped
FORWARDING = frozenset(
    {
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
        "forwarded",
        "x-real-ip",
        "x-request-id",
        "x-client-request-id",
    }
)
REQUEST_DROP = HOP_BY_HOP | FORWARDING | {"host", "content-length"}
RESPONSE_DROP = HOP_BY_HOP | {"date", "server", "content-length"}
SMALL_BODY = 64 * 1024


NO_BODY_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
# what the pre-matched route answers (the FastAPI route below takes the same methods)
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
ROUTE_PATH = "/api/{service}/{path:path}"


def _connection_listed(value: str | None) -> set[str]:
    """Headers a ``Connection`` header names are hop-by-hop too (RFC 9110 §7.6.1)."""
    return {h.strip().lower() for h in (value or "").split(",") if h.strip()}


class Proxy:
    def __init__(
        self,
        gate: Gate,
        service_urls: dict[str, str],
        *,
        connect_timeout: float,
        read_timeout: float,
        total_timeout: float,
    ) -> None:
        self.gate = gate
        self.service_urls = {k: v.rstrip("/") for k, v in service_urls.items()}
        self._prefixes = {k: f"/api/{k}" for k in service_urls}
        self.timeout = aiohttp.ClientTimeout(
            total=total_timeout, connect=connect_timeout, sock_read=read_timeout
        )
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=200, limit_per_host=100, ttl_dns_cache=300),
            auto_decompress=False,
            # one session serves every caller: never keep a service's cookies between them
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=self.timeout,
            skip_auto_headers=("User-Agent",),
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        assert self._session is not None, "proxy not started"
        return self._session

    async def handle(self, request: Request) -> Response:
        """The route ``/api/{service}/{path:path}``: the gate, then the service's answer."""
        return await self.forward(request.scope, request.receive)

    async def forward(self, scope: Scope, receive: Receive) -> Response:
        """Judge the request (``Gate``), then relay it to its service and the answer back.

        The scope is read directly (no ``Request`` headers or URL objects): one pass over the
        request headers builds the forwarded ones.
        """
        service: str = scope["path_params"]["service"]
        raw = await self.gate.admit(scope)
        base = self.service_urls.get(service)
        if base is None:
            raise ProblemError(404, "NO_SUCH_SERVICE", f"no service named {service!r}")
        # forward the raw path the gate checked, not a decoded-and-re-encoded copy
        target = base + raw.removeprefix(self._prefixes[service])
        query: bytes = scope.get("query_string", b"")
        if query:
            target += "?" + query.decode("latin-1")
        method: str = scope["method"]
        headers, framed = _request_headers(scope)
        data: AsyncIterator[bytes] | None = None
        if framed or method not in NO_BODY_METHODS:
            data = _body(Request(scope, receive))
        try:
            upstream = await self.session.request(
                method,
                yarl.URL(target, encoded=True),
                headers=headers,
                data=data,
                allow_redirects=False,
            )
        except TimeoutError:
            return _down(504, "UPSTREAM_TIMEOUT", f"{service} did not answer in time")
        except aiohttp.ClientConnectorError:
            return _down(503, "SERVICE_UNAVAILABLE", f"{service} is not reachable")
        except aiohttp.ClientError as exc:
            return _down(502, "BAD_GATEWAY", f"{service} failed: {type(exc).__name__}")
        return await _relay(upstream, service, base)


def _request_headers(scope: Scope) -> tuple[dict[str, str], bool]:
    """The headers sent on to the service, and whether the request declares a body
    (``Content-Length`` or ``Transfer-Encoding``).

    Hop-by-hop headers, those the ``Connection`` header names, and every forwarding header a
    client sent are dropped; the gateway sets the forwarding headers from what it saw. A name
    sent twice keeps its last value.
    """
    headers: dict[str, str] = {}
    connection = host = None
    framed = False
    for name, value in scope["headers"]:
        key = name.decode("latin-1")
        if key in REQUEST_DROP:
            if key == "connection":
                if connection is None:
                    connection = value.decode("latin-1")
            elif key == "host":
                if host is None:
                    host = value.decode("latin-1")
                continue
            elif key == "content-length" or key == "transfer-encoding":
                framed = True
            continue
        headers[key] = value.decode("latin-1")
    if connection is not None:
        for listed in _connection_listed(connection):
            headers.pop(listed, None)
    client = scope.get("client")
    # the address this gateway saw, never a client's claim about itself
    headers["x-forwarded-for"] = client[0] if client else ""
    headers["x-forwarded-proto"] = scope.get("scheme", "http")
    headers["x-forwarded-host"] = host or ""
    headers["x-request-id"] = current_request_id()
    client_request_id = current_client_request_id()
    if client_request_id is not None:
        headers["x-client-request-id"] = client_request_id
    return headers, framed


class Relayed(Response):
    """A service's whole answer, relayed as it came: its status, the headers already chosen
    and its body (Starlette's ``Response`` would build headers only to have them replaced)."""

    def __init__(self, body: bytes, status: int, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.body = body
        self.status_code = status
        self.raw_headers = raw_headers
        self.background = None


async def _body(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


def _down(status: int, code: str, detail: str) -> Response:
    return problem_response(status, code, detail, headers={"Retry-After": "5"})


def _response_headers(
    upstream: aiohttp.ClientResponse, service: str, base: str
) -> list[tuple[bytes, bytes]]:
    connection = upstream.headers.get("connection")
    drop = RESPONSE_DROP | _connection_listed(connection) if connection else RESPONSE_DROP
    headers = []
    for key, value in upstream.headers.items():
        name = key.lower()
        if name in drop:
            continue
        if name == "location" and value.startswith(base):
            # never reveal a service's internal address; point back through the gateway
            value = f"/api/{service}" + value.removeprefix(base)
        headers.append((name.encode(), value.encode("latin-1")))
    return headers


async def _relay(upstream: aiohttp.ClientResponse, service: str, base: str) -> Response:
    headers = _response_headers(upstream, service, base)
    length = upstream.content_length
    if length is not None and length <= SMALL_BODY:
        try:
            body = await upstream.read()
        except (aiohttp.ClientError, TimeoutError):
            return _down(502, "BAD_GATEWAY", f"{service} broke off its answer")
        finally:
            upstream.release()
        return Relayed(
            body, upstream.status, [*headers, (b"content-length", str(len(body)).encode())]
        )

    async def stream() -> AsyncIterator[bytes]:
        try:
            async for chunk in upstream.content.iter_chunked(64 * 1024):
                yield chunk
        except (aiohttp.ClientError, TimeoutError) as exc:
            # the status line is sent: the connection is broken off rather than the answer
            # ended cleanly, so the client knows it is incomplete
            raise UpstreamBrokeOff(f"{service} broke off its answer: {exc!r}") from exc
        finally:
            upstream.release()

    response = StreamingResponse(stream(), status_code=upstream.status)
    if length is not None:  # a file's size reaches the client (as sent: never decompressed)
        headers.append((b"content-length", str(length).encode()))
    response.raw_headers = headers
    return response


class UpstreamBrokeOff(Exception):
    """A service's answer ended short after the gateway had begun relaying it."""
