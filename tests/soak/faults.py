"""The fault schedule: kill -9 of each process (the supervisor restarts it), SIGSTOP of one
service for 10 s, PostgreSQL refusing connections for 10 s, and the treasury sandbox
delivering callbacks twice, then late, then not at all. Each fault's window runs from its
start until the suite answers again (every process's ``/readyz``, or the sandbox's
``/healthz``), and the time that took after the fault ended is its recovery."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import time
from dataclasses import dataclass

import httpx
import psycopg

from deploy.components import SERVICES
from tests.soak.client import Recorder
from tests.soak.launch import LaunchedSuite
from tests.support.databases import PG_ADMIN_URL

HOLD_SECONDS = 10.0  # how long a stopped service or a refusing database stays so
RECOVERED_WITHIN = 10.0
GRACE = 1.0  # answers this soon after recovery still count as inside the window
SERVICE_NAMES = tuple(c.name for c in SERVICES)


@dataclass
class Fault:
    kind: str  # kill, stop, database, callbacks
    target: str
    start: float = 0.0  # seconds since the run began
    ended: float = 0.0  # when the fault itself ended (the kill, SIGCONT, connections allowed)
    recovered: float | None = None  # when everything answered again
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.kind} {self.target}"

    @property
    def recovery(self) -> float | None:
        return None if self.recovered is None else self.recovered - self.ended

    @property
    def window_end(self) -> float:
        return (self.recovered if self.recovered is not None else self.ended + 30) + GRACE

    @property
    def counts_as_window(self) -> bool:
        """Callback modes are no fault of the suite: 5xx then are errors like any other."""
        return self.kind != "callbacks"


def plan(db: str, scope: str, rng: random.Random) -> list[Fault]:
    """``all``: kill -9 of every process and the sandbox, one SIGSTOP, the database refusal on
    PostgreSQL; ``one-each``: one kill -9 and one SIGSTOP (of services picked at random)."""
    if scope == "none":
        return []
    if scope == "one-each":
        faults = [
            Fault("kill", rng.choice(SERVICE_NAMES)),
            Fault("stop", rng.choice(SERVICE_NAMES)),
        ]
    else:
        kills = [Fault("kill", name) for name in ("gateway", *SERVICE_NAMES, "treasury")]
        faults = [*kills, Fault("stop", rng.choice(SERVICE_NAMES))]
        if db == "postgres":
            faults.append(Fault("database", "postgres"))
    rng.shuffle(faults)
    return faults


class Injector:
    def __init__(self, suite: LaunchedSuite, recorder: Recorder, db: str) -> None:
        self.suite = suite
        self.recorder = recorder
        self.db = db
        # a probe waits as long as a patient health checker (the machine may be busy)
        self.http = httpx.AsyncClient(timeout=5)
        self.callback_mode: dict[str, object] = {"callback_mode": "deliver"}

    async def close(self) -> None:
        await self.http.aclose()

    async def _answers(self, url: str) -> bool:
        try:
            return (await self.http.get(url)).status_code == 200
        except httpx.HTTPError:
            return False

    async def healthy(self) -> bool:
        ports = self.suite.ports
        urls = [f"http://127.0.0.1:{ports[n]}/readyz" for n in ("gateway", *SERVICE_NAMES)]
        urls.append(f"{self.suite.treasury}/healthz")
        return all(await asyncio.gather(*(self._answers(u) for u in urls)))

    async def _until_healthy(self, fault: Fault, within: float = 60) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if await self.healthy():
                fault.recovered = self.recorder.now()
                return
            await asyncio.sleep(0.1)
        fault.note = f"not healthy {within:g} s after the fault"

    async def run(self, fault: Fault) -> None:
        fault.start = self.recorder.now()
        if fault.kind == "kill":
            pid = self.suite.pid(fault.target)
            if pid is None:
                fault.note = "not running"
                return
            os.kill(pid, signal.SIGKILL)
            fault.ended = self.recorder.now()
        elif fault.kind == "stop":
            pid = self.suite.pid(fault.target)
            assert pid is not None
            os.kill(pid, signal.SIGSTOP)
            await asyncio.sleep(HOLD_SECONDS)
            os.kill(pid, signal.SIGCONT)
            fault.ended = self.recorder.now()
        elif fault.kind == "database":
            await asyncio.to_thread(self._refuse_connections, True)
            await asyncio.sleep(HOLD_SECONDS)
            await asyncio.to_thread(self._refuse_connections, False)
            fault.ended = self.recorder.now()
        await self._until_healthy(fault)
        if fault.target == "treasury":  # its control state is in memory: set it again
            await self.set_callbacks(self.callback_mode)

    def _refuse_connections(self, refuse: bool) -> None:
        """ALTER DATABASE … ALLOW_CONNECTIONS on every database of the suite, and the open
        connections ended (the pools meet dead connections, then refusals)."""
        names = [url.rsplit("/", 1)[1] for url in self.suite.database_urls.values()]
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            for name in names:
                allow = "false" if refuse else "true"
                conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {allow}')
            if refuse:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = ANY(%s)",
                    (names,),
                )

    async def set_callbacks(self, change: dict[str, object]) -> None:
        self.callback_mode = change
        # the sandbox down: set again once it is back
        with contextlib.suppress(httpx.HTTPError):
            await self.http.put(f"{self.suite.treasury}/control", json=change)

    async def callbacks(self, seconds: float) -> list[Fault]:
        """Callbacks twice from 20 % to 45 % of the run, late (3 s) from 50 % to 70 %, and
        none at all from 72 % to 82 % (what finance meets when the treasury gives up calling
        back while finance or the gateway is down: its poll must find those settlements)."""
        twice = Fault("callbacks", "duplicate")
        late = Fault("callbacks", "delay 3 s")
        lost = Fault("callbacks", "drop")
        steps: list[tuple[Fault, dict[str, object], float, float]] = [
            (twice, {"callback_mode": "duplicate"}, 0.2, 0.45),
            (late, {"callback_mode": "delay", "callback_delay_seconds": 3}, 0.5, 0.7),
            (lost, {"callback_mode": "drop"}, 0.72, 0.82),
        ]
        for fault, change, begin, end in steps:
            await asyncio.sleep(max(0.0, begin * seconds - self.recorder.now()))
            fault.start = self.recorder.now()
            await self.set_callbacks(change)
            await asyncio.sleep(max(0.0, end * seconds - self.recorder.now()))
            await self.set_callbacks({"callback_mode": "deliver"})
            fault.ended = fault.recovered = self.recorder.now()
        return [twice, late, lost]

    async def schedule(self, faults: list[Fault], seconds: float, rng: random.Random) -> None:
        """One after another, each at a random moment of its share of 10–85 % of the run."""
        if not faults:
            return
        share = 0.75 * seconds / len(faults)
        for n, fault in enumerate(faults):
            at = 0.1 * seconds + n * share + rng.uniform(0, share / 3)
            await asyncio.sleep(max(0.0, at - self.recorder.now()))
            await self.run(fault)
