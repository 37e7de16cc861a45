"""``python -m deploy.cli serve treasury``: the sandbox as its own process, configured by
``TREASURY_*`` variables."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx

from shared.webhooks import sign
from tests.support.servers import free_port, start_component, stop, wait_healthy
from tests.treasury.conftest import INSTRUCTION_SECRET, instruction


def test_the_cli_serves_the_sandbox(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "TREASURY_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "TREASURY_INSTRUCTION_SECRET": INSTRUCTION_SECRET,
        "TREASURY_CALLBACK_MODE": "drop",
    }
    process = start_component("treasury", port, env, tmp_path / "treasury.log")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(f"{url}/healthz", process)
        raw = json.dumps(instruction()).encode()
        headers = sign(INSTRUCTION_SECRET, uuid.uuid4().hex, raw)
        response = httpx.post(f"{url}/instructions", content=raw, headers=headers)
        assert response.status_code == 202, response.text
        assert httpx.get(f"{url}/control").json()["callback_mode"] == "drop"
    finally:
        stop(process)
    assert (tmp_path / "served.db").exists()
