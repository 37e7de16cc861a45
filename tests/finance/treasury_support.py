"""Finance and the treasury sandbox, each a real server on its own port, wired to each
other: finance sends instructions to the sandbox, the sandbox calls finance back."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from deploy.treasury.app import create_app as create_sandbox
from deploy.treasury.config import TreasurySettings
from services.finance.config import FinanceSettings
from services.finance.main import create_app as create_finance
from services.finance.treasury.sender import Sender
from shared.webhooks import new_secret
from tests.support.databases import Databases
from tests.support.servers import free_port, serve_in_thread
from tests.support.tokens import make_token, verifier

INSTRUCTION_SECRET = new_secret(b"finance-to-treasury-secret-0001")
CALLBACK_SECRET = new_secret(b"treasury-to-finance-secret-0001")


@dataclass
class Linked:
    finance: FastAPI
    finance_url: str
    treasury_url: str
    http: httpx.Client  # to finance

    @property
    def sender(self) -> Sender:
        sender: Sender = self.finance.state.treasury_sender
        return sender

    def control(self, **change: Any) -> None:
        response = httpx.put(f"{self.treasury_url}/control", json=change, timeout=5)
        assert response.status_code == 200, response.text

    def wait_for(
        self, condition: Callable[[], bool], seconds: float = 10.0, what: str = "condition"
    ) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")


@contextlib.contextmanager
def linked_servers(
    databases: Databases, tmp_path: Any, *, background: bool = False, **sandbox: Any
) -> Iterator[Linked]:
    """Finance (with its treasury worker running when ``background``) and the sandbox."""
    finance_port, treasury_port = free_port(), free_port()
    finance_url = f"http://127.0.0.1:{finance_port}"
    treasury_url = f"http://127.0.0.1:{treasury_port}"
    engine = databases.fresh_engine("finance")
    finance = create_finance(
        FinanceSettings(
            treasury_url=treasury_url,
            treasury_instruction_secret=INSTRUCTION_SECRET,
            treasury_callback_secret=CALLBACK_SECRET,
            treasury_poll_after_seconds=0,
            treasury_poll_seconds=0.2,
        ),
        engine=engine,
        verifier=verifier(),
        run_relay=background,
        access_log=False,
    )
    settings = TreasurySettings(
        database_url=f"sqlite:///{tmp_path / 'treasury.db'}",
        instruction_secret=INSTRUCTION_SECRET,
        callback_secret=CALLBACK_SECRET,
        callback_url=f"{finance_url}/treasury/callbacks",
        static_token=make_token("treasury", sub="service:treasury", ttl=3600),
        **{
            "accept_delay_seconds": 0.02,
            "settle_delay_seconds": 0.05,
            "callback_backoff_seconds": 0.05,
            "callback_delay_seconds": 0.3,
            **sandbox,
        },
    )
    with (
        serve_in_thread(create_sandbox(settings, access_log=False), treasury_port),
        serve_in_thread(finance, finance_port),
        httpx.Client(base_url=finance_url, timeout=30) as http,
    ):
        yield Linked(finance, finance_url, treasury_url, http)
    finance.state.treasury_client.close()
    engine.dispose()
