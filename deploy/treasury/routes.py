"""What finance calls: ``/instructions`` and ``/statements`` (signed, see signing.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from deploy.treasury.camt053 import to_camt053
from deploy.treasury.protocol import Instruction, InstructionStatus
from deploy.treasury.signing import require_available, require_signature
from deploy.treasury.statements import statement_id, to_csv
from deploy.treasury.store import Store
from shared.types import utcnow

router = APIRouter(dependencies=[Depends(require_available), Depends(require_signature)])
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing, forged or stale signature"},
    503: {"description": "the treasury is down (TREASURY_UNAVAILABLE)"},
}


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _wake(request: Request) -> None:
    worker = getattr(request.app.state, "worker", None)
    if worker is not None:
        worker.wake()


@router.post(
    "/instructions",
    status_code=202,
    response_model=InstructionStatus,
    responses={
        200: {"description": "the same instruction again: its current status"},
        409: {"description": "the id was used for other content (INSTRUCTION_ID_REUSED)"},
        422: {"description": "not a valid instruction"},
        **_PROBLEMS,
    },
)
async def submit_instruction(request: Request) -> JSONResponse:
    """Receive a payment or remittance instruction (body: see README.md).

    A new id answers 202 with state ``received``; the same id with the same content answers
    200 with the current status and changes nothing; the same id with other content is 409.
    The body is parsed here, after the signature over its raw bytes has been checked."""
    raw = await request.body()
    try:
        instruction = Instruction.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from None
    status, created = await run_in_threadpool(_store(request).submit, instruction, utcnow())
    if created:
        _wake(request)
    return JSONResponse(status.model_dump(mode="json"), status_code=202 if created else 200)


@router.get(
    "/instructions/{instruction_id}",
    responses={404: {"description": "INSTRUCTION_NOT_FOUND"}, **_PROBLEMS},
)
async def get_instruction(instruction_id: str, request: Request) -> InstructionStatus:
    """The current status of one instruction."""
    return await run_in_threadpool(_store(request).get, instruction_id)


@router.get(
    "/statements",
    response_class=Response,
    responses={
        200: {
            "content": {"application/xml": {}, "text/csv": {}},
            "description": "camt.053.001.08 XML or CSV",
        },
        **_PROBLEMS,
    },
)
async def get_statement(
    request: Request,
    day: Annotated[date, Query(alias="date")],
    output: Annotated[Literal["camt053", "csv"], Query(alias="format")] = "camt053",
    account: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9-]{1,34}$")] = None,
) -> Response:
    """One day's bookings on the treasury single account (statements.py), optionally only
    those of instructions naming ``account`` as debtor or creditor account."""
    settings = request.app.state.settings
    entries = await run_in_threadpool(_store(request).entries_on, day, account)
    ident = statement_id(day, account)
    if output == "csv":
        return Response(
            to_csv(ident, settings.tsa_account, entries),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{ident}.csv"'},
        )
    opening = await run_in_threadpool(_store(request).balance_before, day, account)
    document = to_camt053(ident, settings.tsa_account, utcnow(), entries, day=day, opening=opening)
    return Response(document, media_type="application/xml")
