"""The background task that keeps instructions moving: sends what is unsent (with backoff)
and polls what the treasury has been quiet about, every ``treasury_poll_seconds``."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from services.finance.treasury.sender import Sender

log = logging.getLogger("finance.treasury")


async def run(app: FastAPI) -> None:
    sender: Sender = app.state.treasury_sender
    seconds = app.state.settings.treasury_poll_seconds
    while True:
        try:
            await asyncio.to_thread(sender.run_once)
        except Exception:
            log.exception("treasury worker pass failed")
        await asyncio.sleep(seconds)
