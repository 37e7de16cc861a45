"""Reverse proxy of ``/api/<service>/...`` to the service, after the gate.

aiohttp is the client on this hot path: httpx cost several times more CPU per request here
(bench/README.md). Bodies stream both ways; small responses with a known length are read
whole, which is cheaper than streaming them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import yarl
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.gate import Gate
from gateway.paths import checked_raw_path
from shared.context import current_request_id
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
    }
)
REQUEST_DROP = HOP_BY_HOP | FORWARDING | {"host", "content-length"}
RESPONSE_DROP = HOP_BY_HOP | {"date", "server", "content-length"}
SMALL_BODY = 64 * 1024


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

    def _request_headers(self, request: Request) -> dict[str, str]:
        drop = REQUEST_DROP | _connection_listed(request.headers.get("connection"))
        headers = {k: v for k, v in request.headers.items() if k not in drop}
        # the address this gateway saw, never a client's claim about itself
        headers["x-forwarded-for"] = request.client.host if request.client else ""
        headers["x-forwarded-proto"] = request.url.scheme
        headers["x-forwarded-host"] = request.headers.get("host", "")
        headers["x-request-id"] = current_request_id()
        return headers

    async def handle(self, request: Request) -> Response:
        await self.gate.check(request)
        service = request.path_params["service"]
        base = self.service_urls.get(service)
        if base is None:
            raise ProblemError(404, "NO_SUCH_SERVICE", f"no service named {service!r}")
        # forward the raw path the gate checked, not a decoded-and-re-encoded copy
        raw = checked_raw_path(request.scope.get("raw_path") or request.url.path.encode())
        target = base + raw.removeprefix(f"/api/{service}")
        query = request.scope.get("query_string", b"")
        if query:
            target += "?" + query.decode("latin-1")
        has_body = request.method not in ("GET", "HEAD", "OPTIONS", "DELETE") or (
            "content-length" in request.headers or "transfer-encoding" in request.headers
        )
        data: AsyncIterator[bytes] | None = _body(request) if has_body else None
        try:
            upstream = await self.session.request(
                request.method,
                yarl.URL(target, encoded=True),
                headers=self._request_headers(request),
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


async def _body(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


def _down(status: int, code: str, detail: str) -> Response:
    return problem_response(status, code, detail, headers={"Retry-After": "5"})


def _response_headers(
    upstream: aiohttp.ClientResponse, service: str, base: str
) -> list[tuple[bytes, bytes]]:
    drop = RESPONSE_DROP | _connection_listed(upstream.headers.get("connection"))
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
        response = Response(body, status_code=upstream.status)
        response.raw_headers = [*headers, (b"content-length", str(len(body)).encode())]
        return response

    async def stream() -> AsyncIterator[bytes]:
        try:
            async for chunk in upstream.content.iter_chunked(64 * 1024):
                yield chunk
        except (aiohttp.ClientError, TimeoutError):
            return  # the client sees a truncated body; the status line is already sent
        finally:
            upstream.release()

    response = StreamingResponse(stream(), status_code=upstream.status)
    response.raw_headers = headers
    return response
