"""One soak: the suite started by its launcher, the users' traffic and the fault schedule at
once for the given seconds, then settling, the invariants and the report."""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.soak import invariants
from tests.soak.client import CLIENT_TIMEOUT, Recorder, User
from tests.soak.faults import RECOVERED_WITHIN, Injector, plan
from tests.soak.launch import launch
from tests.soak.report import render
from tests.soak.traffic import (
    Finding,
    Soak,
    TrafficModule,
    assets,
    claims,
    facilities,
    finance,
    payroll,
    personnel,
)

MODULES: tuple[TrafficModule, ...] = (personnel, finance, payroll, claims, assets, facilities)  # type: ignore[assignment]
SETTLE_SECONDS = 60.0


@dataclass
class Result:
    report: str
    findings: list[Finding]
    requests: int
    per_second: float

    @property
    def ok(self) -> bool:
        return all(f.held for f in self.findings)


SIGNING_IN_AT_ONCE = 4


async def _drive(soak: Soak, step: object, user: User, gate: asyncio.Semaphore) -> None:
    """Sign in, then step until the run is over. The users sign in a few at a time, as a
    working day begins: the gateway verifies each password (a deliberately slow hash) inside
    its writing transaction, so thirty at once on two busy cores would queue past its 15 s
    busy timeout."""
    async with gate:
        for _ in range(5):
            if await user.sign_in():
                break
            await asyncio.sleep(1)
    while soak.running():
        await step(soak, user)  # type: ignore[operator]


@dataclass(frozen=True)
class Options:
    seconds: float = 60
    db: str = "sqlite"
    faults: str = "all"
    seed: int = 0
    recovered_within: float = RECOVERED_WITHIN


async def _soak(var: Path, options: Options) -> Result:
    seconds, db, faults_scope, seed = options.seconds, options.db, options.faults, options.seed
    rng = random.Random(seed)
    load_start = os.getloadavg()[0]
    suite = launch(var, db)
    try:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(
            base_url=suite.gateway, timeout=CLIENT_TIMEOUT, limits=limits
        ) as http:
            recorder = Recorder()
            soak = Soak(
                recorder=recorder,
                stop_at=time.monotonic() + seconds,
                new_user=lambda name: User(http, recorder, name, suite.demo_password),
                database_url=suite.database_url,
                treasury=suite.treasury,
            )
            for module in MODULES:
                await module.prepare(soak)
            recorder.t0 = time.monotonic()
            soak.stop_at = recorder.t0 + seconds
            injector = Injector(suite, recorder, db)
            faults = plan(db, faults_scope, rng)
            users = [
                (actor.step, soak.new_user(actor.username))
                for module in MODULES
                for actor in module.ACTORS
                for _ in range(actor.clients)
            ]
            gate = asyncio.Semaphore(SIGNING_IN_AT_ONCE)
            knobs = asyncio.create_task(injector.callbacks(seconds))

            async def faults_then_a_calm() -> None:
                # traffic goes on until the last fault has been recovered from, and 5 s more
                await injector.schedule(faults, seconds, rng)
                soak.stop_at = max(soak.stop_at, time.monotonic() + 5)
                soak.faults_done = True

            await asyncio.gather(
                faults_then_a_calm(), *(_drive(soak, step, user, gate) for step, user in users)
            )
            ran = recorder.now()
            faults += await knobs
            await injector.close()
            served = sum(1 for r in recorder.records if r.start <= ran)
            for module in MODULES:
                await module.settle(soak, SETTLE_SECONDS)
            await asyncio.sleep(2)  # the outboxes' last passes
            findings: list[Finding] = []
            for module in MODULES:
                findings += await module.check(soak)
            findings.append(await invariants.audit_chains(soak.new_user("auditor")))
            urls = {name: suite.database_url(name) for name in suite.ports}
            findings.append(invariants.outboxes(urls))
            findings += invariants.errors(recorder.records, faults)
            findings.append(invariants.recovery(faults, options.recovered_within))
            report = render(
                recorder.records,
                faults,
                findings,
                seconds=ran,
                db=db,
                load=(load_start, os.getloadavg()[0]),
            )
            restarts = {
                name: p["restarts"] for name, p in suite.supervisor_status()["processes"].items()
            }
            report += f"\nSupervisor restarts: {restarts}\nFault schedule seed: {seed}"
            if db == "sqlite" and faults_scope == "all":
                report += "\nThe database refusal is a PostgreSQL fault: not run on SQLite."
            return Result(report, findings, served, served / ran)
    finally:
        suite.stop()


def run(
    seconds: float = 60,
    db: str = "sqlite",
    faults: str = "all",
    seed: int | None = None,
    var: Path | None = None,
    recovered_within: float = RECOVERED_WITHIN,
) -> Result:
    seed = seed if seed is not None else random.randrange(10**6)
    options = Options(seconds, db, faults, seed, recovered_within)
    if var is not None:
        var.mkdir(parents=True, exist_ok=True)
        return asyncio.run(_soak(var, options))
    with tempfile.TemporaryDirectory(prefix="soak-") as scratch:
        return asyncio.run(_soak(Path(scratch), options))
