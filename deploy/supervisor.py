"""The processes of ``make run``: start each one with its log under ``var/log``, wait until
every one answers ``/healthz``, restart one that dies, and stop them all on SIGINT/SIGTERM.

A child that exits is started again after a pause: 0.5 s, doubling with each restart within
the last minute, at most 10 s. One that would need a sixth restart within a minute is
crash-looping: it is given up on (left stopped) and reported. Every start, exit, restart and
giving up is said on stdout and in ``var/log/supervisor.log`` (JSON lines); the state of every
child is kept in ``var/supervisor.json``, which the gateway's ``/healthz`` includes
(``GATEWAY_SUPERVISOR_STATUS_FILE``) and which is removed when the suite stops.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from deploy import var
from deploy.components import ROOT, SERVED, Component, Sandbox, port

# the processes ``make run`` starts: the five components and the treasury sandbox
PROCESSES: tuple[Component | Sandbox, ...] = tuple(SERVED.values())
STATUS_FILE_NAME = "supervisor.json"


class Stop:
    """Set by SIGINT/SIGTERM; every wait below looks at it."""

    requested = False

    @classmethod
    def install(cls) -> None:
        def on_signal(_signum: int, _frame: FrameType | None) -> None:
            cls.requested = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)


@dataclass(frozen=True)
class RestartPolicy:
    first_delay: float = 0.5  # seconds before the first restart
    max_delay: float = 10.0  # the pause doubles with each recent restart, up to this
    window: float = 60.0  # restarts counted over this many seconds
    max_restarts: int = 5  # more restarts than this within the window: given up

    def delay(self, recent: int) -> float:
        return float(min(self.max_delay, self.first_delay * 2**recent))


@dataclass
class Child:
    """One supervised process: how to start it, and what became of it."""

    name: str
    command: list[str]
    log: Path
    env: dict[str, str] | None = None
    process: subprocess.Popen[bytes] | None = None
    state: str = "starting"  # starting, running, waiting (to restart), given_up, stopped
    restarts: int = 0
    recent: deque[float] = field(default_factory=deque)  # monotonic times of restarts
    restart_at: float = 0.0
    last_exit: int | None = None

    def spawn(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our commands
                self.command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        self.state = "running"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def status(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "pid": self.pid if self.state == "running" else None,
            "restarts": self.restarts,
            "last_exit": self.last_exit,
        }


class Supervisor:
    """Starts, watches, restarts and stops ``children``; ``tick`` does one round of
    watching and is called by every wait of the caller."""

    def __init__(
        self,
        children: list[Child],
        *,
        status_file: Path,
        log_file: Path,
        policy: RestartPolicy | None = None,
        out: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.children = {c.name: c for c in children}
        self.status_file = status_file
        self.log_file = log_file
        self.policy = policy or RestartPolicy()
        self.out = out or sys.stdout
        self.clock = clock

    def say(self, message: str, level: str = "INFO", **fields: Any) -> None:
        """To stdout and, as one JSON line, to the supervisor's log."""
        print(f"supervisor: {message}", file=self.out, flush=True)
        line = {"time": datetime.now(UTC).isoformat(), "level": level, "message": message}
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("a") as log:
            log.write(json.dumps({**line, **fields}) + "\n")

    def start(self) -> None:
        for child in self.children.values():
            child.spawn()
        self.write_status()

    def tick(self) -> bool:
        """Notice exits, restart what is due; whether anything changed."""
        now = self.clock()
        changed = False
        for child in self.children.values():
            if child.state == "running" and child.process is not None:
                code = child.process.poll()
                if code is not None:
                    self._exited(child, code, now)
                    changed = True
            elif child.state == "waiting" and now >= child.restart_at:
                child.restarts += 1
                child.recent.append(now)
                child.spawn()
                self.say(f"{child.name} restarted (pid {child.pid})", name=child.name)
                changed = True
        if changed:
            self.write_status()
        return changed

    def _exited(self, child: Child, code: int, now: float) -> None:
        child.last_exit = code
        while child.recent and now - child.recent[0] > self.policy.window:
            child.recent.popleft()
        if len(child.recent) >= self.policy.max_restarts:
            child.state = "given_up"
            self.say(
                f"{child.name} exited with {code}; crash-looping ({len(child.recent)} restarts "
                f"within {self.policy.window:g} s): given up, not restarted (see {child.log})",
                level="ERROR",
                name=child.name,
                exit=code,
            )
            return
        pause = self.policy.delay(len(child.recent))
        child.state = "waiting"
        child.restart_at = now + pause
        self.say(
            f"{child.name} exited with {code}; restarting in {pause:g} s (see {child.log})",
            level="WARNING",
            name=child.name,
            exit=code,
        )

    def given_up(self) -> list[str]:
        return [c.name for c in self.children.values() if c.state == "given_up"]

    def status(self) -> dict[str, Any]:
        return {
            "supervisor_pid": os.getpid(),
            "updated": datetime.now(UTC).isoformat(),
            "given_up": self.given_up(),
            "processes": {name: c.status() for name, c in self.children.items()},
        }

    def write_status(self) -> None:
        self.status_file.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.status_file.with_suffix(".tmp")
        scratch.write_text(json.dumps(self.status(), indent=1))
        os.replace(scratch, self.status_file)

    def stop(self) -> None:
        running = [c.process for c in self.children.values() if c.process is not None]
        for process in running:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 10
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for child in self.children.values():
            child.state = "stopped"
        self.status_file.unlink(missing_ok=True)

    def wait_healthy(self, name: str, url: str, seconds: float) -> bool:
        """Until ``name`` answers 200 at ``url`` (True); False when it was given up on, the
        time ran out or a stop was asked for. Restarts what dies meanwhile."""
        deadline = time.monotonic() + seconds
        child = self.children[name]
        while time.monotonic() < deadline and not Stop.requested:
            self.tick()
            if child.state == "given_up":
                return False
            if child.state == "running":
                try:
                    with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310
                        if response.status == 200:
                            return True
                except (urllib.error.URLError, OSError):
                    pass
            time.sleep(0.2)
        return False

    def watch(self) -> int:
        """Until asked to stop: restart what dies (0)."""
        while not Stop.requested:
            before = set(self.given_up())
            self.tick()
            for name in sorted(set(self.given_up()) - before):
                self.say(f"NOT RUNNING: {name} (crash-looping, given up)", level="ERROR")
            time.sleep(0.1)
        return 0


def suite_children(host: str) -> list[Child]:
    """The children of ``make run``: ``python -m deploy.cli serve <name>`` each."""
    children = []
    for component in PROCESSES:
        command = [sys.executable, "-m", "deploy.cli", "serve", component.name]
        command += ["--host", host, "--port", str(port(component))]
        children.append(Child(component.name, command, var.LOGS / f"{component.name}.log"))
    return children


def status_file() -> Path:
    return var.VAR / STATUS_FILE_NAME


def supervise(host: str, banner: Callable[[list[str]], str]) -> int:
    """Start every process, print ``banner(given_up)`` once all are healthy or given up on,
    keep them running, and stop them all in the end; the exit status of ``make run``."""
    supervisor = Supervisor(
        suite_children(host), status_file=status_file(), log_file=var.LOGS / "supervisor.log"
    )
    try:
        supervisor.start()
        for component in PROCESSES:
            url = f"http://{host}:{port(component)}/healthz"
            if supervisor.wait_healthy(component.name, url, 60):
                continue
            if Stop.requested:
                return 0
            if component.name not in supervisor.given_up():
                log = var.LOGS / f"{component.name}.log"
                print(
                    f"{component.name} did not become healthy at {url}; see {log}",
                    file=sys.stderr,
                )
                return 1
        print(banner(supervisor.given_up()), flush=True)
        return supervisor.watch()
    finally:
        supervisor.stop()
        print("Stopped.", file=sys.stderr)
