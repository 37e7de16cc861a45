"""Client-side CPU of one GET: httpx.AsyncClient vs aiohttp.ClientSession, one process each.

Run by ``bench/gateway.py --clients`` (or by hand): ``python bench/clients.py CLIENT URL
--concurrency C --seconds S`` with the bearer token in ``BENCH_TOKEN``. C coroutines share one
client and send the same GET back to back; after a warm-up, ``time.process_time()`` over the
measured window divided by the requests made is the client's CPU per request. The event loop
is uvloop, as in the gateway. Prints one JSON line. ``--profile FILE`` writes cProfile stats of
the measured window (then the CPU figure includes the profiler's overhead: use it only to see
where the time goes).

Clients:
  aiohttp         aiohttp.ClientSession, TCPConnector(limit=200, limit_per_host=100) as
                  gateway/proxy.py configures it
  httpx           httpx.AsyncClient with its defaults (100 connections, 20 kept alive)
  httpx-pool100   httpx.AsyncClient with 100 connections kept alive (no reconnects at 32)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

CLIENTS = ("aiohttp", "httpx", "httpx-pool100")


def _factory(
    name: str, headers: dict[str, str]
) -> tuple[Callable[[str], Awaitable[int]], Callable[[], Awaitable[None]]]:
    """A ``get(url) -> status`` that reads the whole body, and a ``close()``."""
    if name == "aiohttp":
        import aiohttp

        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=200, limit_per_host=100, ttl_dns_cache=300),
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=10),
        )

        async def get_aiohttp(url: str) -> int:
            async with session.get(url) as response:
                await response.read()
                return response.status

        return get_aiohttp, session.close

    import httpx

    limits = (
        httpx.Limits(max_connections=100, max_keepalive_connections=100)
        if name == "httpx-pool100"
        else httpx.Limits(max_connections=100, max_keepalive_connections=20)
    )
    client = httpx.AsyncClient(headers=headers, timeout=10.0, limits=limits)

    async def get_httpx(url: str) -> int:
        response = await client.get(url)
        return response.status_code

    return get_httpx, client.aclose


async def _measure(args: argparse.Namespace) -> dict[str, Any]:
    token = os.environ.get("BENCH_TOKEN", "")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    get, close = _factory(args.client, headers)
    latencies: list[float] = []
    failures = 0
    # CPU time, not wall time: a send that wakes the server can be preempted by it
    profiler = cProfile.Profile(time.process_time) if args.profile else None

    async def loop(until: float, record: bool) -> None:
        nonlocal failures
        count = 0
        while time.perf_counter() < until and count < args.max_requests:
            count += 1
            begin = time.perf_counter()
            status = await get(args.url)
            if record:
                latencies.append(time.perf_counter() - begin)
                failures += status != 200

    try:
        warm = time.perf_counter() + args.warmup
        await asyncio.gather(*(loop(warm, False) for _ in range(args.concurrency)))
        if profiler is not None:
            profiler.enable()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        end = wall0 + args.seconds
        await asyncio.gather(*(loop(end, True) for _ in range(args.concurrency)))
        cpu = time.process_time() - cpu0
        wall = time.perf_counter() - wall0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
    finally:
        await close()
    latencies.sort()
    n = len(latencies)
    return {
        "client": args.client,
        "concurrency": args.concurrency,
        "requests": n,
        "failures": failures,
        "seconds": round(wall, 3),
        "rps": round(n / wall, 1) if wall else 0.0,
        "p50_ms": round(latencies[n // 2] * 1e3, 3) if n else None,
        "p99_ms": round(latencies[min(n - 1, int(n * 0.99))] * 1e3, 3) if n else None,
        "cpu_ms_per_request": round(cpu / n * 1e3, 4) if n else None,
        "cpu_share": round(cpu / wall, 3) if wall else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("client", choices=CLIENTS)
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--max-requests", type=int, default=500_000)
    parser.add_argument("--profile", metavar="FILE", help="write cProfile stats here")
    args = parser.parse_args()
    if not args.url.startswith(("http://127.", "http://localhost")):
        sys.exit("clients.py only targets this machine (127.0.0.0/8)")
    args.seconds = min(args.seconds, 120.0)
    args.warmup = min(args.warmup, 30.0)
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(_measure(args))
    else:
        result = uvloop.run(_measure(args))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
