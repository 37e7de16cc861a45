"""The processes of ``make run``: start each one with its log under ``var/log``, wait until
every one answers ``/healthz``, watch them, and stop them all on SIGINT/SIGTERM or when one
exits."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from types import FrameType

from deploy import var
from deploy.components import ROOT, SERVED, Component, Sandbox, port

# the processes ``make run`` starts: the five components and the treasury sandbox
PROCESSES: tuple[Component | Sandbox, ...] = tuple(SERVED.values())
Children = dict[str, subprocess.Popen[bytes]]


class Stop:
    """Set by SIGINT/SIGTERM; every wait below looks at it."""

    requested = False

    @classmethod
    def install(cls) -> None:
        def on_signal(_signum: int, _frame: FrameType | None) -> None:
            cls.requested = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)


def _wait_healthy(url: str, children: Children, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not Stop.requested:
        if any(p.poll() is not None for p in children.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our own URL
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


def _start(host: str) -> Children:
    var.LOGS.mkdir(parents=True, exist_ok=True)
    children = {}
    for component in PROCESSES:
        command = [sys.executable, "-m", "deploy.cli", "serve", component.name]
        command += ["--host", host, "--port", str(port(component))]
        with (var.LOGS / f"{component.name}.log").open("ab") as log:
            children[component.name] = subprocess.Popen(  # noqa: S603 - our interpreter
                command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
    return children


def _stop(children: Children) -> None:
    for process in children.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 10
    for process in children.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def _all_healthy(host: str, children: Children) -> int | None:
    """None once every process answers; else the exit status (0 when asked to stop)."""
    for component in PROCESSES:
        url = f"http://{host}:{port(component)}/healthz"
        if not _wait_healthy(url, children, 60):
            if Stop.requested:
                return 0
            log = var.LOGS / f"{component.name}.log"
            print(f"{component.name} did not become healthy at {url}; see {log}", file=sys.stderr)
            return 1
    return None


def _watch(children: Children) -> int:
    """Until asked to stop (0), or until a process exits (1)."""
    while not Stop.requested:
        for name, process in children.items():
            if process.poll() is not None:
                print(
                    f"{name} exited with {process.returncode}; stopping the suite (see "
                    f"{var.LOGS / (name + '.log')})",
                    file=sys.stderr,
                )
                return 1
        time.sleep(0.2)
    return 0


def supervise(host: str, banner: str) -> int:
    """Start every process, print ``banner`` once all are healthy, and stop them all in the
    end; the exit status of ``make run``."""
    children: Children = {}
    try:
        children = _start(host)
        failed = _all_healthy(host, children)
        if failed is not None:
            return failed
        print(banner, flush=True)
        return _watch(children)
    finally:
        _stop(children)
        print("Stopped.", file=sys.stderr)
