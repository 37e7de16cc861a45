"""How fast a peer reads every member of staff: ``GET /staff/bulk`` over 10,000 people.

Seeds a fresh SQLite personnel database with N staff (default 10,000) through the service's own
tables, then reads them all in keyset slices through the app (ASGI, in process) as ``service``
(ID numbers masked) and as ``hr_officer`` (ID numbers decrypted), reporting requests, wall time
and CPU time. Bounded: one pass per role. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

# run as a script, bench/ would come first on the path and bench/gateway.py would hide the
# gateway package: look in the repository root instead
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402

from bench.staff_seed import seed  # noqa: E402
from gateway.keys import SigningKey  # noqa: E402
from services.personnel.config import PersonnelSettings  # noqa: E402
from services.personnel.main import SPEC, create_app  # noqa: E402
from services.personnel.staff import identity_numbers as ids  # noqa: E402
from shared.auth import TokenVerifier  # noqa: E402
from shared.migrations import upgrade  # noqa: E402


async def read_all(app: Any, token: str, limit: int) -> tuple[int, int, float, float]:
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    requests = people = 0
    wall, cpu = time.perf_counter(), time.process_time()
    async with httpx.AsyncClient(transport=transport, base_url="http://personnel") as client:
        after: str | None = None
        while True:
            params: dict[str, Any] = {"limit": limit, **({"after": after} if after else {})}
            response = await client.get("/staff/bulk", params=params, headers=headers)
            response.raise_for_status()
            page = response.json()
            requests += 1
            people += len(page["items"])
            after = page["next_after"]
            if after is None:
                break
    return requests, people, time.perf_counter() - wall, time.process_time() - cpu


def token(key: SigningKey, role: str) -> str:
    now = int(time.time())
    return key.sign(
        {
            "iss": "agency-suite-gateway",
            "aud": "agency-suite",
            "sub": "bench",
            "roles": [role],
            "iat": now,
            "exp": now + 3600,
            "jti": uuid.uuid4().hex,
        }
    )


async def main_async(people: int, limit: int) -> list[dict[str, Any]]:
    """Read everyone as each role; the figures of the run (printed to stderr as they come)."""
    key = SigningKey.generate()

    async def jwks() -> dict[str, Any]:
        return key.jwks()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'personnel.db'}"
        upgrade(SPEC.migrations_dir, url, "personnel")
        vault = ids.IdVault("bench-secret")
        started = time.perf_counter()
        seed(url, people, vault)
        print(f"seeded {people} staff in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        verifier = TokenVerifier(
            issuer="agency-suite-gateway", audience="agency-suite", fetch_jwks=jwks
        )
        app = create_app(
            PersonnelSettings(database_url=url, id_secret="bench-secret", log_level="WARNING"),
            verifier=verifier,
            run_relay=False,
            access_log=False,
        )
        figures = []
        async with app.router.lifespan_context(app):
            for role in ("service", "hr_officer"):
                requests, got, wall, cpu = await read_all(app, token(key, role), limit)
                print(
                    f"{role:<11} {got} staff in {requests} requests of up to {limit}: "
                    f"{wall:.2f} s wall, {cpu:.2f} s CPU ({cpu / requests * 1000:.0f} ms CPU "
                    f"per request, {cpu / got * 1e6:.0f} µs per person)",
                    file=sys.stderr,
                )
                figures.append(
                    {
                        "figure": f"GET /staff/bulk as {role}, CPU per person ({got} staff)",
                        "unit": "µs",
                        "value": round(cpu / got * 1e6, 1),
                        "target": None,
                        "better": "lower",
                        "met": None,
                    }
                )
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="2,000 staff")
    parser.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
    args = parser.parse_args()
    figures = asyncio.run(main_async(2000 if args.quick else args.people, args.limit))
    if args.json:
        print(json.dumps({"benchmark": "personnel bulk", "figures": figures}))


if __name__ == "__main__":
    main()
