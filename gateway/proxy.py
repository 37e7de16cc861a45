"""Reverse proxy of ``/api/<service>/...`` to the service, after the gate.

aiohttp is the client on this hot path: httpx cost several times more CPU per request here
(bench/README.md). Bodies stream both ways; small responses with a known length are read
whole, which is cheaper than streaming them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.gate import Gate
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
        "host",
        "content-length",
        "x-request-id",
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
    }
)
# the gateway's own server sets these on the way out
RESPONSE_DROP = HOP_BY_HOP | {"date", "server"}
SMALL_BODY = 64 * 1024


class Proxy:
    def __init__(
        self,
        gate: Gate,
        service_urls: dict[str, str],
        *,
        connect_timeout: float,
        read_timeout: float,
    ) -> None:
        self.gate = gate
        self.service_urls = {k: v.rstrip("/") for k, v in service_urls.items()}
        self.timeout = aiohttp.ClientTimeout(
            total=None, connect=connect_timeout, sock_read=read_timeout
        )
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=200, limit_per_host=100, ttl_dns_cache=300),
            auto_decompress=False,
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
        connection_listed = {
            h.strip().lower() for h in request.headers.get("connection", "").split(",")
        }
        headers = {
            k: v
            for k, v in request.headers.items()
            if k not in HOP_BY_HOP and k not in connection_listed
        }
        client = request.client.host if request.client else ""
        prior = request.headers.get("x-forwarded-for")
        headers["x-forwarded-for"] = f"{prior}, {client}" if prior else client
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
        upstream_path = "/" + request.path_params["path"]
        url = base + upstream_path
        if request.url.query:
            url += "?" + request.url.query
        has_body = request.method not in ("GET", "HEAD", "OPTIONS", "DELETE") or (
            "content-length" in request.headers or "transfer-encoding" in request.headers
        )
        data: AsyncIterator[bytes] | None = _body(request) if has_body else None
        try:
            upstream = await self.session.request(
                request.method,
                url,
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
        return await _relay(upstream, service)


async def _body(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


def _down(status: int, code: str, detail: str) -> Response:
    return problem_response(status, code, detail, headers={"Retry-After": "5"})


async def _relay(upstream: aiohttp.ClientResponse, service: str) -> Response:
    headers = [(k, v) for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP]
    length = upstream.content_length
    if length is not None and length <= SMALL_BODY:
        try:
            body = await upstream.read()
        except (aiohttp.ClientError, TimeoutError):
            upstream.release()
            return _down(502, "BAD_GATEWAY", f"{service} broke off its answer")
        response = Response(body, status_code=upstream.status)
        response.raw_headers = [
            *((k.lower().encode(), v.encode()) for k, v in headers),
            (b"content-length", str(len(body)).encode()),
        ]
        return response

    async def stream() -> AsyncIterator[bytes]:
        try:
            async for chunk in upstream.content.iter_chunked(64 * 1024):
                yield chunk
        except (TimeoutError, aiohttp.ClientError):
            return  # the client sees a truncated body; the status line is already sent
        finally:
            upstream.release()

    response = StreamingResponse(stream(), status_code=upstream.status)
    response.raw_headers = [(k.lower().encode(), v.encode()) for k, v in headers]
    return response
