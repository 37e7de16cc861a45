"""The background task that keeps instructions moving: sends what is unsent (with backoff)
and polls what the treasury has been quiet about, every ``treasury_poll_seconds``."""

from __future__ import annotations

import asyncio
import logging

from services.finance.treasury.sender import Sender

log = logging.getLogger("finance.treasury")


async def run(sender: Sender, seconds: float) -> None:
    while True:
        try:
            await asyncio.to_thread(sender.run_once)
        except Exception:
            log.exception("treasury worker pass failed")
        await asyncio.sleep(seconds)
