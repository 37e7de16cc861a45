"""The suite under soak: ``python -m deploy.cli run`` (the launcher and supervisor of
``make run``) on free ports and a fresh var directory, on SQLite or on fresh PostgreSQL
databases; what it printed, and the pids its supervisor reports."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploy.components import ALL, SERVED
from tests.support.databases import Databases
from tests.support.servers import ROOT, free_port

# what the soak changes in the suite's settings, and why
SOAK_ENV = {
    # one minute: the users refresh at half-life, so twice a minute; not shorter, as the
    # services and the sandbox take a new token when theirs has under 30 s left
    # (shared.peers.ServiceTokenProvider), which would then be at every call
    "GATEWAY_ACCESS_TOKEN_SECONDS": "60",
    # every simulated user signs in from 127.0.0.1: the per-address sign-in throttle would
    # otherwise take the re-sign-ins after faults for an attack
    "GATEWAY_LOGIN_ATTEMPTS_PER_ADDRESS": "10000",
    # settlement soon after submission, so that most payments settle within the run
    "TREASURY_ACCEPT_DELAY_SECONDS": "0.05",
    "TREASURY_SETTLE_DELAY_SECONDS": "0.2",
    # the sandbox gives up a callback after five tries over some 8 s, less than a killed
    # gateway or finance may take to come back: finance's poll must recover it within the
    # settling (by default it asks after 60 s of silence, every 30 s)
    "FINANCE_TREASURY_POLL_SECONDS": "2",
    "FINANCE_TREASURY_POLL_AFTER_SECONDS": "10",
    # the access log (INFO) would be most of the work on this machine
    **{f"{name.upper()}_LOG_LEVEL": "WARNING" for name in SERVED},
}


@dataclass
class LaunchedSuite:
    var: Path
    ports: dict[str, int]
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    demo_password: str = ""
    databases: Databases | None = None
    database_urls: dict[str, str] = field(default_factory=dict)

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    @property
    def treasury(self) -> str:
        return f"http://127.0.0.1:{self.ports['treasury']}"

    def supervisor_status(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.var / "supervisor.json").read_text())
        return data

    def pid(self, name: str) -> int | None:
        pid: int | None = self.supervisor_status()["processes"][name]["pid"]
        return pid

    def database_url(self, name: str) -> str:
        return self.database_urls.get(name) or f"sqlite:///{self.var}/{name}.db"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.databases is not None:
            self.databases.close()


def launch(
    var: Path, db: str, started_within: float = 240, settings: Mapping[str, str] = SOAK_ENV
) -> LaunchedSuite:
    """Start the suite and wait for its banner; ``settings`` are what it changes in the
    suite's environment (the soak's by default)."""
    ports = {name: free_port() for name in SERVED}
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.pop("GATEWAY_ADMIN_PASSWORD", None)
    env.update(settings)
    env["SUITE_VAR_DIR"] = str(var)
    env.update({f"{name.upper()}_PORT": str(p) for name, p in ports.items()})
    databases = None
    urls: dict[str, str] = {}
    if db == "postgres":
        databases = Databases("postgresql", var)
        for component in ALL:
            urls[component.name] = env[f"{component.env_prefix}DATABASE_URL"] = (
                databases.empty_url()
            )
    process = subprocess.Popen(
        [sys.executable, "-m", "deploy.cli", "run"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=(var / "run.stderr").open("w"),
    )
    suite = LaunchedSuite(var, ports, process, databases=databases, database_urls=urls)
    banner = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            suite.output.append(line.rstrip("\n"))
            if line.startswith("Stop with Ctrl-C"):
                banner.set()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + started_within
    while not banner.wait(0.2):
        if process.poll() is not None or time.monotonic() > deadline:
            suite.stop()
            raise RuntimeError(f"the suite did not start: see {var}/run.stderr")
    match = re.search(r"password (\S+)\): ", "\n".join(suite.output))
    if match is None:
        suite.stop()
        raise RuntimeError("no demo password on the banner")
    suite.demo_password = match.group(1)
    return suite
