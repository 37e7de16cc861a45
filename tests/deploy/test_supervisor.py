"""``make run``'s supervisor (deploy/supervisor.py): a child killed is started again after
its pause; one that keeps crashing is given up on and reported; the status file says so."""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from deploy.supervisor import Child, RestartPolicy, Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
CRASHER = [sys.executable, "-c", "raise SystemExit(3)"]
FAST = RestartPolicy(first_delay=0.05, max_delay=0.2, window=60, max_restarts=5)


@pytest.fixture
def make_supervisor(tmp_path: Path) -> Iterator[Callable[..., Supervisor]]:
    made: list[Supervisor] = []

    def build(*children: tuple[str, list[str]], policy: RestartPolicy = FAST) -> Supervisor:
        supervisor = Supervisor(
            [Child(name, command, tmp_path / "log" / f"{name}.log") for name, command in children],
            status_file=tmp_path / "supervisor.json",
            log_file=tmp_path / "log" / "supervisor.log",
            policy=policy,
            out=io.StringIO(),
        )
        made.append(supervisor)
        return supervisor

    yield build
    for supervisor in made:
        supervisor.stop()


def _until(supervisor: Supervisor, done: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, supervisor.status()
        supervisor.tick()
        time.sleep(0.02)


def _status(supervisor: Supervisor) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(supervisor.status_file.read_text())
    return data


def test_a_child_killed_with_sigkill_comes_back(
    make_supervisor: Callable[..., Supervisor],
) -> None:
    supervisor = make_supervisor(("worker", SLEEPER), ("other", SLEEPER))
    supervisor.start()
    worker, other = supervisor.children["worker"], supervisor.children["other"]
    first, other_pid = worker.pid, other.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    _until(supervisor, lambda: worker.restarts == 1 and worker.state == "running")
    assert worker.pid != first and worker.process is not None
    assert worker.process.poll() is None, "the new process runs"
    assert other.pid == other_pid and other.restarts == 0, "the others are left alone"
    status = _status(supervisor)
    assert status["processes"]["worker"] == {
        "state": "running",
        "pid": worker.pid,
        "restarts": 1,
        "last_exit": -signal.SIGKILL,
    }
    assert status["given_up"] == []
    out = supervisor.out.getvalue()  # type: ignore[attr-defined]
    assert f"worker exited with {-signal.SIGKILL}; restarting in 0.05 s" in out
    assert f"worker restarted (pid {worker.pid})" in out
    logged = [json.loads(line) for line in supervisor.log_file.read_text().splitlines()]
    assert [entry["level"] for entry in logged] == ["WARNING", "INFO"]
    assert all(entry["name"] == "worker" for entry in logged)


def test_the_pause_doubles_up_to_the_longest() -> None:
    policy = RestartPolicy()
    assert [policy.delay(n) for n in range(7)] == [0.5, 1, 2, 4, 8, 10, 10]


def test_a_child_that_always_crashes_is_given_up_on_and_reported(
    make_supervisor: Callable[..., Supervisor],
) -> None:
    supervisor = make_supervisor(("broken", CRASHER), ("fine", SLEEPER))
    supervisor.start()
    broken = supervisor.children["broken"]
    _until(supervisor, lambda: broken.state == "given_up")
    assert broken.restarts == FAST.max_restarts
    assert broken.last_exit == 3
    time.sleep(0.5)
    supervisor.tick()
    assert broken.restarts == FAST.max_restarts, "not restarted any more"
    assert broken.process is not None and broken.process.poll() == 3
    status = _status(supervisor)
    assert status["given_up"] == ["broken"]
    assert status["processes"]["broken"]["state"] == "given_up"
    assert status["processes"]["broken"]["pid"] is None
    assert status["processes"]["fine"]["state"] == "running"
    out = supervisor.out.getvalue()  # type: ignore[attr-defined]
    assert "broken exited with 3; crash-looping (5 restarts within 60 s): given up" in out
    last = json.loads(supervisor.log_file.read_text().splitlines()[-1])
    assert last["level"] == "ERROR" and last["name"] == "broken"


def test_restarts_older_than_the_window_are_forgiven(
    make_supervisor: Callable[..., Supervisor],
) -> None:
    policy = RestartPolicy(first_delay=0.01, max_delay=0.01, window=0.3, max_restarts=2)
    supervisor = make_supervisor(("slow", [sys.executable, "-c", "import time; time.sleep(0.4)"]))
    supervisor.start()
    supervisor.policy = policy
    slow = supervisor.children["slow"]
    _until(supervisor, lambda: slow.restarts == 4, seconds=15)
    assert slow.state != "given_up", "each exit came more than a window after the restarts"


def test_stopping_ends_every_child_and_removes_the_status_file(
    make_supervisor: Callable[..., Supervisor],
) -> None:
    supervisor = make_supervisor(("a", SLEEPER), ("b", SLEEPER))
    supervisor.start()
    assert supervisor.status_file.exists()
    processes = [c.process for c in supervisor.children.values()]
    supervisor.stop()
    assert all(p is not None and p.poll() is not None for p in processes)
    assert not supervisor.status_file.exists()


def test_waiting_for_health_ends_when_the_child_is_given_up_on(
    make_supervisor: Callable[..., Supervisor],
) -> None:
    supervisor = make_supervisor(("broken", CRASHER))
    supervisor.start()
    started = time.monotonic()
    assert not supervisor.wait_healthy("broken", "http://127.0.0.1:9/healthz", 30)
    assert time.monotonic() - started < 10, "not the whole 30 s"
    assert supervisor.given_up() == ["broken"]
