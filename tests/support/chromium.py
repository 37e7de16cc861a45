"""Debian's chromium for browser tests: found, or installed the way the project installs it, and
driven over the DevTools protocol.

Rules:

- the browser is ``/usr/bin/chromium`` (Debian's package ``chromium``; ``CHROMIUM`` in the
  environment names another binary);
- when it is missing and this process can install it (root, ``apt-get`` present), it is
  installed with ``apt-get install -y --no-install-recommends chromium`` (after ``apt-get
  update`` when the package lists do not know it), one installer at a time across test workers;
- when it is missing and cannot be installed, the test FAILS and says what to install: a browser
  test that is skipped would prove nothing;
- it runs headless, without sandbox, GPU, QUIC, sync or component updates, in a new profile
  directory, and every host name but ``127.0.0.1`` resolves to nothing, so nothing it is asked
  to load can leave the machine;
- ``Browser.render`` records every request the page makes (DevTools ``Network`` events: a
  request that fails is recorded too, and one the browser refused before sending it is marked
  with the reason) and every error it logs (a CSP violation, an uncaught exception). The
  browser's own housekeeping requests (update checks, account lookups) belong to no page and
  are not recorded; the resolver rule above keeps them in the machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.support.servers import stop

DEFAULT = Path("/usr/bin/chromium")
PACKAGE = "chromium"
LOCK = Path(tempfile.gettempdir()) / "agency-suite-chromium-install.lock"
APT_LOCK_WAIT = "DPkg::Lock::Timeout=300"  # another installer (a worker, a person) finishes first
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)


def _binary() -> Path:
    return Path(os.environ.get("CHROMIUM", DEFAULT))


def _apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "-o", APT_LOCK_WAIT, "-q", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)


def _install() -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.fail(
            f"{_binary()} is missing and this user cannot install it: install Debian's chromium "
            f"(as root: apt-get install -y --no-install-recommends {PACKAGE}), or set CHROMIUM "
            "to a chromium binary",
            pytrace=False,
        )
    install = ("install", "-y", "--no-install-recommends", PACKAGE)
    result = _apt_get(*install)
    if result.returncode != 0:  # a fresh machine's package lists may not know it yet
        _apt_get("update")
        result = _apt_get(*install)
    if result.returncode != 0 or not _binary().exists():
        pytest.fail(
            f"apt-get could not install {PACKAGE} (needed by the browser tests):\n"
            f"{result.stdout[-2000:]}{result.stderr[-2000:]}",
            pytrace=False,
        )


def chromium() -> Path:
    """The chromium binary, installed first when missing (see the module's rules)."""
    binary = _binary()
    if binary.exists():
        return binary
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other worker may be installing it right now
        if not binary.exists():
            _install()
    return binary


LOCAL_SCHEMES = ("data:", "blob:", "about:")


@dataclass
class Rendered:
    """A page once ready: its DOM, the URLs it asked for (each with the reason the browser
    refused it, ``"csp"`` for the page's own Content-Security-Policy, or ``None``) and the
    errors it logged."""

    dom: str
    requests: dict[str, str | None] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def left_the_machine(self, origin: str) -> list[str]:
        """The requests that went out: not to ``origin``, not local data, not refused
        before they were sent (a refused one never reaches the network)."""
        return [
            url
            for url, refused in self.requests.items()
            if refused is None and not url.startswith((origin + "/", *LOCAL_SCHEMES))
        ]


class Browser:
    """One headless chromium and a DevTools connection to its one page."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, timeout: float = 10, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result; events meanwhile are kept."""
        ident = next(self.ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=timeout))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message["result"]
                return result
            self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def render(self, url: str, ready: str, seconds: float = 10) -> Rendered:
        """Open ``url`` and wait until the JavaScript expression ``ready`` is true."""
        self.events.clear()
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + seconds
        while self.evaluate(ready) is not True:
            if time.monotonic() > deadline:
                seen = self._rendered("")
                raise AssertionError(
                    f"{url} not ready ({ready}) after {seconds} s; "
                    f"requests {seen.requests}, errors {seen.errors}"
                )
            time.sleep(0.1)
        return self._rendered(self.evaluate("document.documentElement.outerHTML"))

    def _rendered(self, dom: str) -> Rendered:
        rendered = Rendered(dom)
        urls: dict[str, str] = {}
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                urls[params["requestId"]] = params["request"]["url"]
                rendered.requests[params["request"]["url"]] = None
            elif method == "Network.loadingFailed" and params.get("blockedReason"):
                rendered.requests[urls[params["requestId"]]] = params["blockedReason"]
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                rendered.errors.append(params["entry"]["text"])
            elif method == "Runtime.exceptionThrown":
                rendered.errors.append(json.dumps(params["exceptionDetails"])[:500])
        return rendered


def _devtools_port(profile: Path, process: subprocess.Popen[bytes], seconds: float = 15) -> int:
    """The port chromium chose (it writes it to ``DevToolsActivePort`` in its profile)."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with {process.returncode}")
        with contextlib.suppress(FileNotFoundError, ValueError, IndexError):
            return int(marker.read_text().split()[0])
        time.sleep(0.05)
    raise RuntimeError("chromium did not open its DevTools port")


@contextlib.contextmanager
def browser() -> Iterator[Browser]:
    """A new headless chromium (see the module's rules), closed when the block ends."""
    binary = chromium()
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        process = subprocess.Popen(
            [
                str(binary),
                *FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its helpers (renderer, crash handler) share its group
        )
        try:
            port = _devtools_port(Path(profile), process)
            pages = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
            page = next(p for p in pages if p["type"] == "page")
            with connect(page["webSocketDebuggerUrl"], max_size=None, proxy=None) as socket:
                driven = Browser(socket)
                for domain in ("Page", "Network", "Log", "Runtime"):
                    driven.call(f"{domain}.enable")
                yield driven
        finally:
            _stop_group(process)
    finally:
        _remove_profile(Path(profile))


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop chromium and every helper it started: a helper outliving it keeps writing to the
    profile (a teardown once met ``Directory not empty: 'Default'``)."""
    stop(process)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _remove_profile(profile: Path, seconds: float = 5) -> None:
    """Remove the profile, again while a dying helper still writes its last file."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            shutil.rmtree(profile)
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
