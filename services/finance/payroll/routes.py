"""Routes of payroll: runs (create, compute, approve, pay, pain.001), payslips (finance's
readers, a person's own), unit totals (liaisons too), transfers and their exceptions
(re-pay), salary accounts, pending adjustments, and files."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Response, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from services.finance.clients.personnel import PersonnelDep
from services.finance.config import FinanceSettings, FinanceSettingsDep
from services.finance.payroll import (
    accounts,
    decisions,
    exports,
    payment,
    runs,
    service,
    treasury_file,
)
from services.finance.payroll.models import RunStatus, TransferStatus
from services.finance.payroll.payment import PayChannel, Treasury
from services.finance.payroll.schemas import (
    AccountsSet,
    AdjustmentPublic,
    PayslipPublic,
    Repayment,
    RunCreate,
    RunPublic,
    SalaryAccountIn,
    SalaryAccountPublic,
    SalaryAccountsIn,
    TransferPublic,
    UnitTotal,
)
from services.finance.roles import (
    APPROVER,
    OFFICER,
    READERS,
    SUBMITTERS,
    UNIT_READERS,
    ScopeDep,
)
from services.finance.treasury.sender import SenderDep
from shared import tabular
from shared.audit import AuditDep
from shared.auth import CurrentPrincipal, require_roles
from shared.concurrency import etag
from shared.context import Principal
from shared.db import ReadEngineDep, SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router
from shared.scope import claim_uuid

router = Router(tags=["payroll"])
STAFF = "staff"
Officer = Annotated[Principal, Depends(require_roles(OFFICER))]
Approver = Annotated[Principal, Depends(require_roles(APPROVER))]
Submitter = Annotated[Principal, Depends(require_roles(*SUBMITTERS))]
readers = [Depends(require_roles(*READERS))]
unit_readers = [Depends(require_roles(*UNIT_READERS))]
slip_readers = [Depends(require_roles(*READERS, STAFF))]
submitters = [Depends(require_roles(*SUBMITTERS))]


class PayRequest(BaseModel):
    channel: PayChannel = PayChannel.API


def _treasury(settings: FinanceSettings) -> Treasury:
    return Treasury(settings.treasury_account_name, settings.treasury_account)


def _run(response: Response, run: object) -> RunPublic:
    view = service.run_public(run)  # type: ignore[arg-type]
    response.headers["ETag"] = etag(view.version)
    return view


@router.post("/payroll-runs", status_code=status.HTTP_201_CREATED)
def create_run(
    session: SessionDep,
    audit: AuditDep,
    principal: Officer,
    body: RunCreate,
    response: Response,
) -> RunPublic:
    """A draft run of a month, for some budget units or all of them."""
    run = service.create_run(session, audit, principal, data=body)
    response.headers["Location"] = f"/payroll-runs/{run.id}"
    return _run(response, run)


@router.get("/payroll-runs", dependencies=readers)
def list_runs(
    session: SessionDep,
    params: PageDep,
    status: RunStatus | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Page[RunPublic]:
    return service.list_runs(session, params, status=status, year=year)


@router.get("/payroll-runs/{run_id}", dependencies=unit_readers)
def get_run(session: SessionDep, run_id: uuid.UUID, response: Response) -> RunPublic:
    return _run(response, service.get_run(session, run_id))


@router.post("/payroll-runs/{run_id}/compute")
def compute_run(
    session: SessionDep,
    audit: AuditDep,
    principal: Officer,
    personnel: PersonnelDep,
    run_id: uuid.UUID,
    response: Response,
) -> RunPublic:
    """(Re)compute every payslip from personnel's staff, retirees and grades, all or nothing
    (503 when personnel cannot be reached: the run is unchanged; compute again)."""
    run = runs.compute_run(
        session,
        audit,
        principal,
        run_id=run_id,
        people=lambda day, status, units, graded: personnel().slices(
            day=day, status=status, unit_ids=units, graded=graded
        ),
    )
    return _run(response, run)


@router.post("/payroll-runs/{run_id}/approve")
def approve_run(
    session: SessionDep, audit: AuditDep, principal: Approver, run_id: uuid.UUID, response: Response
) -> RunPublic:
    """Approve a computed run (never its preparer), reserving each unit's pay on its 301
    budget line; the run is frozen from then on."""
    return _run(response, decisions.approve(session, audit, principal, run_id=run_id))


@router.post("/payroll-runs/{run_id}/pay")
def pay_run(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    sender: SenderDep,
    principal: Submitter,
    run_id: uuid.UUID,
    body: PayRequest,
    response: Response,
) -> RunPublic:
    """Pay an approved run: every payee's transfer to the treasury (over the API, or by one
    pain.001 file), and the pay owed posted under 301."""
    run = payment.pay(
        session,
        audit,
        principal,
        sender,
        run_id=run_id,
        treasury=_treasury(settings),
        channel=body.channel,
    )
    return _run(response, run)


@router.get(
    "/payroll-runs/{run_id}/pain001",
    dependencies=submitters,
    response_class=Response,
    responses={200: {"content": {"application/xml": {"schema": {"type": "string"}}}}},
)
def export_pain001(
    session: SessionDep, engine: ReadEngineDep, settings: FinanceSettingsDep, run_id: uuid.UUID
) -> Response:
    """The run's transfers paid by file, as one pain.001.001.09 document, checked in full
    and then streamed as it is written: memory stays flat however many transfers."""
    export = treasury_file.pain001(session, engine, run_id=run_id, treasury=_treasury(settings))
    return StreamingResponse(
        export.pieces,
        media_type="application/xml",
        headers={
            "Content-Disposition": f'attachment; filename="{export.name}"',
            "Content-Length": str(export.size),
        },
    )


@router.get("/payroll-runs/{run_id}/payslips", dependencies=readers)
def list_payslips(
    session: SessionDep,
    params: PageDep,
    run_id: uuid.UUID,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
) -> Page[PayslipPublic]:
    """A run's payslips with their traced lines, by staff number."""
    return service.list_slips(session, params, run_id=run_id, unit_id=unit_id, staff_id=staff_id)


@router.get("/payroll-runs/{run_id}/unit-totals", dependencies=unit_readers)
def unit_totals(
    session: SessionDep, scope: ScopeDep, run_id: uuid.UUID, unit_id: uuid.UUID | None = None
) -> Page[UnitTotal]:
    """Each unit's totals (a liaison: its own unit's; never individual payslips)."""
    return service.unit_totals(session, run_id=run_id, unit_id=scope.unit_filter(unit_id))


@router.get(
    "/payroll-runs/{run_id}/units/{unit_id}/bank-file",
    dependencies=submitters,
    response_class=Response,
    responses=tabular.file_responses("The unit's net pay per account"),
)
def bank_file(session: SessionDep, run_id: uuid.UUID, unit_id: uuid.UUID) -> Response:
    """A unit's bank file (CSV): each person's net pay and salary account."""
    content = exports.bank_file(session, run_id=run_id, unit_id=unit_id)
    return Response(
        content,
        media_type=tabular.TabularFormat.CSV.media_type,
        headers={"Content-Disposition": f'attachment; filename="bank-{unit_id}.csv"'},
    )


@router.get(
    "/payroll-runs/{run_id}/units/{unit_id}/summary",
    dependencies=readers,
    response_class=Response,
    responses=tabular.file_responses("The unit's payslip totals"),
)
def unit_summary(
    session: SessionDep,
    run_id: uuid.UUID,
    unit_id: uuid.UUID,
    fmt: tabular.TabularFormat = Query(tabular.TabularFormat.CSV, alias="format"),
) -> Response:
    """A unit's summary: each payslip's totals, as CSV or XLSX."""
    content = exports.summary(session, fmt, run_id=run_id, unit_id=unit_id)
    return Response(
        content,
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="payroll-{unit_id}.{fmt.value}"'},
    )


@router.get("/payslips/mine", dependencies=[Depends(require_roles(STAFF))])
def my_payslips(
    session: SessionDep,
    params: PageDep,
    principal: CurrentPrincipal,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Page[PayslipPublic]:
    """The caller's own payslips of approved runs, newest first."""
    return service.own_slips(session, params, staff_id=claim_uuid(principal.staff_id), year=year)


def _reader_staff(principal: Principal) -> uuid.UUID | None:
    """The staff id a caller is limited to (None: a finance reader sees every payslip)."""
    if principal.has_any(*READERS):
        return None
    return claim_uuid(principal.staff_id) or uuid.UUID(int=0)


@router.get("/payslips/{slip_id}", dependencies=slip_readers)
def get_payslip(
    session: SessionDep, principal: CurrentPrincipal, slip_id: uuid.UUID
) -> PayslipPublic:
    """One payslip (a member of staff: only their own)."""
    return service.get_slip(session, slip_id, staff_id=_reader_staff(principal))


@router.get(
    "/payslips/{slip_id}/export",
    dependencies=slip_readers,
    response_class=Response,
    responses={
        200: {
            "description": "One payslip (``Content-Disposition: attachment``)",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                **tabular.file_responses("")[200]["content"],
            },
        }
    },
)
def export_payslip(
    session: SessionDep,
    principal: CurrentPrincipal,
    slip_id: uuid.UUID,
    fmt: exports.PayslipFormat = Query(exports.PayslipFormat.PDF, alias="format"),
) -> Response:
    """One payslip as PDF (Chinese set in the reader's STSong-Light), XLSX or CSV, with
    each line's trace."""
    slip = service.get_slip(session, slip_id, staff_id=_reader_staff(principal))
    return Response(
        exports.payslip_file(slip, fmt),
        media_type=fmt.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="payslip-{slip.staff_no}-'
            f'{slip.year}{slip.month:02d}.{fmt.value}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/payroll-transfers", dependencies=readers)
def list_transfers(
    session: SessionDep,
    params: PageDep,
    run_id: uuid.UUID | None = None,
    status: TransferStatus | None = None,
    exceptions: Annotated[
        bool, Query(description="Only failed, returned or account-less transfers")
    ] = False,
) -> Page[TransferPublic]:
    """Transfers of payroll runs; ``exceptions=true``: those waiting to be re-paid."""
    return payment.list_transfers(
        session, params, run_id=run_id, exceptions_only=exceptions, status=status
    )


@router.post("/payroll-transfers/{transfer_id}/repay", status_code=status.HTTP_201_CREATED)
def repay_transfer(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    sender: SenderDep,
    principal: Submitter,
    transfer_id: uuid.UUID,
    body: Repayment,
) -> TransferPublic:
    """Pay an exception again as a new attempt (to a corrected account, kept on file)."""
    row = payment.repay(
        session,
        audit,
        principal,
        sender,
        transfer_id=transfer_id,
        data=body,
        treasury=_treasury(settings),
    )
    return payment.transfer_public(row)


@router.post("/salary-accounts/bulk")
def put_salary_accounts(
    session: SessionDep, audit: AuditDep, principal: Officer, body: SalaryAccountsIn
) -> AccountsSet:
    """Set up to 2,000 salary accounts at once."""
    return AccountsSet(set=accounts.put_many(session, audit, principal, items=body.accounts))


@router.get("/salary-accounts/{staff_id}", dependencies=readers)
def get_salary_account(
    session: SessionDep, staff_id: uuid.UUID, response: Response
) -> SalaryAccountPublic:
    row = accounts.get(session, staff_id)
    response.headers["ETag"] = etag(row.version)
    return accounts.public(row)


@router.put("/salary-accounts/{staff_id}")
def put_salary_account(
    session: SessionDep,
    audit: AuditDep,
    principal: Officer,
    staff_id: uuid.UUID,
    body: SalaryAccountIn,
) -> SalaryAccountPublic:
    """Set the account a person's net pay goes to."""
    return accounts.public(accounts.put(session, audit, principal, staff_id=staff_id, data=body))


@router.get("/pay-adjustments", dependencies=readers)
def list_adjustments(
    session: SessionDep,
    params: PageDep,
    staff_id: uuid.UUID | None = None,
    pending: bool | None = None,
) -> Page[AdjustmentPublic]:
    """Arrears and recoveries owed from revised or late grades (``pending``: not yet paid)."""
    return service.list_adjustments(session, params, staff_id=staff_id, pending=pending)
