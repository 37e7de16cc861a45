"""The escalation worker: the escalation run (``escalation.run``) every
``escalation_interval_seconds``, in a unit of work of its own, for the app's life. The run is
idempotent, so the worker and ``POST /hazards/escalate`` may both run it at will."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from services.facilities.config import FacilitiesSettings
from services.facilities.hazards import escalation
from shared.app import Platform
from shared.db import unit_of_work

log = logging.getLogger(__name__)


def escalate_once(platform: Platform) -> None:
    with unit_of_work(platform.write_engine) as session:
        done = escalation.run(session, platform.audit)
    if done.to_unit or done.to_director:
        log.info("escalated %s to units, %s to the director", done.to_unit, done.to_director)


async def escalate_every(app: FastAPI) -> None:
    platform: Platform = app.state.platform
    settings: FacilitiesSettings = app.state.settings
    while True:
        await asyncio.sleep(settings.escalation_interval_seconds)
        try:
            await run_in_threadpool(escalate_once, platform)
        except Exception:  # a failed run is retried at the next interval
            log.exception("the escalation run failed")
