"""`make run`'s command: the whole suite from nothing, a banner to sign in by, a clean stop."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.servers import ROOT, free_port

pytestmark = pytest.mark.e2e
NAMES = ("GATEWAY", "FINANCE", "ASSETS", "FACILITIES", "PERSONNEL", "TREASURY")


def _start(var: Path, ports: dict[str, int]) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "SUITE_VAR_DIR": str(var),
        **{f"{n}_PORT": str(p) for n, p in ports.items()},
    }
    env.pop("GATEWAY_ADMIN_PASSWORD", None)
    return subprocess.Popen(
        [sys.executable, "-m", "deploy.cli", "run"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def _banner(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Stop with Ctrl-C"):
            return "".join(lines)
    raise AssertionError(f"no banner; got {''.join(lines)!r}")


def _stop_and_check(process: subprocess.Popen[str], ports: dict[str, int]) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    for port in ports.values():
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)


def _killed_child_comes_back(var: Path, gateway: str, auditor: dict[str, str]) -> None:
    """kill -9 of finance: the supervisor starts it again, and says so in its status file,
    which the gateway's /healthz includes."""
    status = json.loads((var / "supervisor.json").read_text())
    first = status["processes"]["finance"]["pid"]
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        health = httpx.get(f"{gateway}/healthz").json()
        finance = health["supervisor"]["processes"]["finance"]
        if health["status"] == "ok" and finance["restarts"] == 1:
            break
        time.sleep(0.2)
    assert finance["state"] == "running" and finance["pid"] != first, health
    assert finance["last_exit"] == -signal.SIGKILL
    assert httpx.get(f"{gateway}/api/finance/audit", headers=auditor).status_code == 200
    assert "finance exited with -9; restarting" in (var / "log" / "supervisor.log").read_text()


def _idle_connection_stays_open(port: int, idle: float = 6.0) -> None:
    """A keep-alive connection left idle longer than a client keeps one (httpx: 5 s) is still
    open: the client closes first, so no request meets a connection closed under it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        opened = None
        for pause in (idle, 0.0):
            conn.request("GET", "/healthz")  # a closed connection: RemoteDisconnected here
            response = conn.getresponse()
            response.read()
            assert response.status == 200
            opened = opened or conn.sock
            assert conn.sock is opened, "the same connection both times"
            time.sleep(pause)
    finally:
        conn.close()


def test_run_starts_everything_prints_how_to_sign_in_and_stops_every_child(tmp_path: Path) -> None:
    ports = {name: free_port() for name in NAMES}
    process = _start(tmp_path, ports)
    try:
        banner = _banner(process)
        gateway = f"http://127.0.0.1:{ports['GATEWAY']}"
        assert gateway in banner
        password = re.search(r"user admin, password (\S+)", banner)
        assert password is not None
        token = httpx.post(
            f"{gateway}/auth/token",
            data={"grant_type": "password", "username": "admin", "password": password.group(1)},
        )
        assert token.status_code == 200
        health = httpx.get(f"{gateway}/healthz").json()
        assert health["status"] == "ok"
        treasury = f"http://127.0.0.1:{ports['TREASURY']}"
        assert treasury in banner, "the treasury sandbox runs alongside"
        assert httpx.get(f"{treasury}/healthz").json() == {"status": "ok"}
        demo = re.search(r"password (\S+)\): ", banner)
        assert demo is not None
        auditor = httpx.post(
            f"{gateway}/auth/token",
            data={"grant_type": "password", "username": "auditor", "password": demo.group(1)},
        )
        headers = {"Authorization": f"Bearer {auditor.json()['access_token']}"}
        assert httpx.get(f"{gateway}/api/personnel/audit", headers=headers).status_code == 200
        _killed_child_comes_back(tmp_path, gateway, headers)
        _idle_connection_stays_open(ports["GATEWAY"])
    finally:
        _stop_and_check(process, ports)
    assert (tmp_path / "secrets.json").stat().st_mode & 0o077 == 0, "secrets are private"

    # a second start reuses the databases and secrets, and says where the password is
    again = _start(tmp_path, ports)
    try:
        started = time.monotonic()
        second = _banner(again)
        assert time.monotonic() - started < 60
        assert password.group(1) not in second
        assert "as set on its first run" in second
    finally:
        _stop_and_check(again, ports)
