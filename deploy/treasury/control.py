"""``/control``: what a test or a developer does to the sandbox that a real treasury would do
by itself. Unsigned (it is a sandbox), and absent (404) when ``control_enabled`` is false.

- ``GET /control``, ``PUT /control``: the callback mode and delay, and ``available`` (false:
  ``/instructions`` and ``/statements`` answer 503 ``TREASURY_UNAVAILABLE``). Kept in
  memory: a restart goes back to the settings.
- ``POST /control/instructions/{id}/return``: a settled payment comes back (``returned``,
  credited today); anything else is 409 ``INSTRUCTION_NOT_RETURNABLE``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request
from fastapi.concurrency import run_in_threadpool

from deploy.treasury.protocol import ControlChange, ControlState, InstructionStatus, ReturnRequest
from deploy.treasury.store import CallbackPlan, Store
from shared.types import utcnow

router = APIRouter(prefix="/control", tags=["control"])


@router.get("")
async def read_control(request: Request) -> ControlState:
    state: ControlState = request.app.state.control
    return state


@router.put("")
async def change_control(change: ControlChange, request: Request) -> ControlState:
    """Change what is given; the rest stays. A new callback mode applies to the callbacks of
    state changes from now on."""
    current: ControlState = request.app.state.control
    state = current.model_copy(update=change.model_dump(exclude_none=True))
    request.app.state.control = state
    return state


@router.post(
    "/instructions/{instruction_id}/return",
    responses={
        404: {"description": "INSTRUCTION_NOT_FOUND"},
        409: {"description": "not a settled payment (INSTRUCTION_NOT_RETURNABLE)"},
    },
)
async def return_payment(
    instruction_id: str,
    request: Request,
    body: Annotated[ReturnRequest | None, Body()] = None,
) -> InstructionStatus:
    """Turn a settled payment into ``returned`` with the given ISO reason code (default
    ``AC04``), book the credit and send its callback."""
    given = body or ReturnRequest()
    state: ControlState = request.app.state.control
    store: Store = request.app.state.store
    status = await run_in_threadpool(
        store.return_payment,
        instruction_id,
        given.reason_code,
        given.reason,
        utcnow(),
        CallbackPlan(state.callback_mode, state.callback_delay_seconds),
    )
    worker = getattr(request.app.state, "worker", None)
    if worker is not None:
        worker.wake()
    return status
