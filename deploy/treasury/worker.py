"""The sandbox's clock: one asyncio task (started in the app's lifespan) that moves due
instructions on and sends due callbacks.

Everything it acts on is a due time stored in the database, so a restart resumes where the
last process stopped: an instruction still ``received`` or ``accepted`` moves on when its time
comes (at once if it has passed), and a callback not yet delivered is tried again. Between
passes it sleeps until the next due time (at most a second), or until a request wakes it.
Callbacks are sent concurrently, each in its own task; a failed try is due again after the
backoff (``store.callback_failed``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from deploy.treasury.callbacks import CallbackSender
from deploy.treasury.protocol import ControlState
from deploy.treasury.store import CallbackPlan, PendingCallback, Store
from shared.types import utcnow

log = logging.getLogger("treasury.worker")
MAX_IDLE_SECONDS = 1.0
MIN_PAUSE_SECONDS = 0.005


class Worker:
    def __init__(
        self, store: Store, sender: CallbackSender, control: Callable[[], ControlState]
    ) -> None:
        self.store = store
        self.sender = sender
        self.control = control
        settings = store.settings
        # a claimed callback is not taken again before its try (token + POST) has timed out
        self.lease_seconds = 2 * settings.callback_timeout_seconds + 1
        self._wake = asyncio.Event()
        self._sending: dict[str, asyncio.Task[None]] = {}

    def wake(self) -> None:
        """Look at the database now (a request just added or changed something)."""
        self._wake.set()

    async def run_forever(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.run_once()
                pause = await self._pause()
            except Exception:
                log.exception("treasury pass failed")
                pause = MAX_IDLE_SECONDS
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
            # that comes as the wake-up does, and the lifespan would wait for ever
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(pause):
                    await self._wake.wait()

    async def run_once(self) -> None:
        control = self.control()
        plan = CallbackPlan(control.callback_mode, control.callback_delay_seconds)
        while await asyncio.to_thread(self.store.advance_due, utcnow(), plan):
            pass
        due = await asyncio.to_thread(self.store.claim_due_callbacks, utcnow(), self.lease_seconds)
        for callback in due:
            task = asyncio.create_task(self._deliver(callback))
            self._sending[callback.event_id] = task

    async def _pause(self) -> float:
        next_due = await asyncio.to_thread(self.store.next_due)
        if next_due is None:
            return MAX_IDLE_SECONDS
        wait = (next_due - utcnow()).total_seconds()
        return min(max(wait, MIN_PAUSE_SECONDS), MAX_IDLE_SECONDS)

    async def _deliver(self, callback: PendingCallback) -> None:
        try:
            await self._try(callback)
        except Exception:  # a bug, not a refusal: the lease expires and it is tried again
            log.exception("callback %s could not be tried", callback.event_id)
        finally:
            self._sending.pop(callback.event_id, None)

    async def _try(self, callback: PendingCallback) -> None:
        error = await self.sender.send(callback)
        if error is None:
            await asyncio.to_thread(self.store.callback_sent, callback.event_id, utcnow())
        else:
            gave_up = await asyncio.to_thread(
                self.store.callback_failed, callback.event_id, error, utcnow()
            )
            if gave_up:
                log.error(
                    "callback %s given up after %d attempts: %s",
                    callback.event_id,
                    self.store.settings.callback_attempts,
                    error,
                )
            else:
                log.warning("callback %s failed, will retry: %s", callback.event_id, error)
        self.wake()

    async def stop(self) -> None:
        """Cancel the tries in flight and hand their callbacks back (due now), so that the
        next start sends them at once; after a crash their leases expire instead."""
        tasks = dict(self._sending)
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        if tasks:
            await asyncio.to_thread(self.store.release_callbacks, list(tasks), utcnow())
