"""Bounded HTTP load loop, the fallback of bench/gateway.py when ``wrk`` is not installed.

Run as its own process: ``python bench/loadgen.py URL --connections C --seconds S``; the bearer
token is read from ``BENCH_TOKEN``. C coroutines share one aiohttp session with at most C
connections and each sends GETs back to back until S seconds have passed (or --max-requests
were sent). Prints one JSON line in the same shape as bench/report.lua prints for wrk.

It costs far more CPU per request than wrk (Python, about 0.1-0.3 ms per request), and on a
2-core machine that CPU is taken from the servers under test: its figures are lower bounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

import aiohttp


async def _run(url: str, connections: int, seconds: float, max_requests: int) -> dict[str, object]:
    headers = {}
    token = os.environ.get("BENCH_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    received = 0
    sent = 0
    connector = aiohttp.TCPConnector(limit=connections, limit_per_host=connections)
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(
        connector=connector, headers=headers, timeout=timeout
    ) as session:
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal received, sent
            while sent < max_requests:
                begin = time.perf_counter()
                if begin >= deadline:
                    return
                sent += 1
                try:
                    async with session.get(url) as response:
                        body = await response.read()
                        if response.status >= 400:
                            errors["status"] += 1
                except TimeoutError:
                    errors["timeout"] += 1
                    continue
                except aiohttp.ClientConnectorError:
                    errors["connect"] += 1
                    await asyncio.sleep(0.01)
                    continue
                except aiohttp.ClientError:
                    errors["read"] += 1
                    continue
                latencies.append(time.perf_counter() - begin)
                received += len(body)

        await asyncio.gather(*(worker() for _ in range(connections)))
        duration = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> int:
        if not latencies:
            return 0
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e6)

    return {
        "requests": len(latencies),
        "duration_us": round(duration * 1e6),
        "bytes": received,
        "p50_us": pct(50),
        "p90_us": pct(90),
        "p99_us": pct(99),
        "mean_us": round(sum(latencies) / len(latencies) * 1e6, 1) if latencies else 0.0,
        "max_us": round(latencies[-1] * 1e6) if latencies else 0,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    args = parser.parse_args()
    if not args.url.startswith(("http://127.", "http://localhost")):
        sys.exit("loadgen only targets this machine (127.0.0.0/8)")
    seconds = min(args.seconds, 120.0)
    run = _run(args.url, args.connections, seconds, args.max_requests)
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(run)
    else:
        result = uvloop.run(run)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
