"""The finance service's app: the shared platform plus its own business routers.

Everything is wired here, explicitly: the routers in the order they are matched, the peer
clients (personnel), the inbox handlers, the treasury status handlers of payments (and the
claims they pay) and remittances, the sender and its background worker, what keeps a budget
unit from being closed, and what follows a month's closing or reopening (its frozen balances).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlmodel import Session

import services.finance
from services.finance.budget import routes as budget_routes
from services.finance.claims import payment as claim_payment
from services.finance.claims import routes as claim_routes
from services.finance.claims import service as claim_service
from services.finance.clients.personnel import PersonnelClient
from services.finance.config import FinanceSettings
from services.finance.ledger import events as ledger_events
from services.finance.ledger import month_balances
from services.finance.ledger import routes as ledger_routes
from services.finance.payments import routes as payment_routes
from services.finance.payments import service as payment_service
from services.finance.payments import settlement
from services.finance.payments.decisions import PaymentSubjects
from services.finance.payroll import events as payroll_events
from services.finance.payroll import routes as payroll_routes
from services.finance.payroll import settlement as payroll_settlement
from services.finance.periods import routes as period_routes
from services.finance.periods.service import MonthFollowers
from services.finance.revenue import events as revenue_events
from services.finance.revenue import routes as revenue_routes
from services.finance.revenue import service as revenue_service
from services.finance.standards import routes as standard_routes
from services.finance.treasury import routes as treasury_routes
from services.finance.treasury import worker
from services.finance.treasury.client import TreasuryClient
from services.finance.treasury.models import InstructionKind
from services.finance.treasury.sender import Sender
from services.finance.treasury.status import Change, StatusHandlers
from services.finance.units import routes as unit_routes
from services.finance.units.service import WorkInFlight
from shared.app import Platform, ServiceSpec, create_service_app


def subscribe(platform: Platform) -> None:
    """The events finance takes from peers: revenue (assets, facilities), postings (assets'
    monthly depreciation) and grades (personnel's, for payroll's arrears)."""
    revenue_events.subscribe(platform)
    ledger_events.subscribe(platform)
    payroll_events.subscribe(platform)


SPEC = ServiceSpec(
    name="finance",
    title="Finance service",
    description=(services.finance.__doc__ or "").replace("\n", " ").strip(),
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(
        unit_routes.router,
        ledger_routes.router,
        period_routes.router,
        budget_routes.router,
        payment_routes.router,
        revenue_routes.router,
        treasury_routes.router,
        standard_routes.router,
        payroll_routes.router,
        claim_routes.router,
    ),
    subscribe=subscribe,
    peer_clients={"personnel": PersonnelClient},
)


# a unit is closed only once none of its payments is under way, all its revenue is remitted,
# no payroll run approved for it waits to be paid, every payroll transfer to its payees is
# settled and none of its claims is left unfinished
WORK_IN_FLIGHT = WorkInFlight(
    (
        ("payments are under way", payment_service.in_flight),
        ("receipts are not remitted", revenue_service.unremitted),
        ("payroll runs are approved and not paid", payroll_settlement.approved_unpaid),
        ("payroll transfers are not settled", payroll_settlement.in_flight),
        ("claims are not finished", claim_service.in_flight),
    )
)


# a month's balances are frozen as it closes and dropped as it reopens
PERIOD_FOLLOWERS = MonthFollowers(month_balances.follow)

# nobody party to a claim decides its payment; a claim follows its payment's ending
PAYMENT_SUBJECTS = PaymentSubjects(
    deciders=(claim_payment.decider_not_a_party,), ended=(claim_payment.payment_ended,)
)


def status_handlers(platform: Platform) -> StatusHandlers:
    """What each kind of treasury instruction does to the books when its state changes."""
    handlers = StatusHandlers(platform.audit)
    paid_claims = claim_payment.Follower(platform.audit)

    def payment_followers(session: Session, change: Change) -> None:
        settlement.follow(session, change)
        paid_claims(session, change)  # a claim whose payment settled is paid

    handlers.register(InstructionKind.PAYMENT, payment_followers)
    handlers.register(InstructionKind.REMITTANCE, revenue_service.follow)
    handlers.register(InstructionKind.PAYROLL, payroll_settlement.Follower(platform.audit))
    return handlers


@dataclass
class _Treasury:
    """The treasury side of one app, made once the platform exists (``subscribe``)."""

    settings: FinanceSettings
    client: TreasuryClient
    sender: Sender | None = None

    def subscribe(self, platform: Platform) -> None:
        subscribe(platform)
        self.sender = Sender(
            platform.write_engine,
            platform.engine,
            self.client,
            status_handlers(platform),
            poll_after_seconds=self.settings.treasury_poll_after_seconds,
            file_poll_after_seconds=self.settings.treasury_file_poll_after_seconds,
        )

    async def work(self, _app: FastAPI) -> None:
        assert self.sender is not None
        await worker.run(self.sender, self.settings.treasury_poll_seconds)


def create_app(settings: FinanceSettings | None = None, **overrides: Any) -> FastAPI:
    settings = settings or FinanceSettings()
    treasury = _Treasury(
        settings,
        TreasuryClient(
            settings.treasury_url,
            settings.treasury_instruction_secret,
            timeout=settings.treasury_timeout_seconds,
        ),
    )
    spec = dataclasses.replace(SPEC, subscribe=treasury.subscribe, background=(treasury.work,))
    app = create_service_app(spec, settings, **overrides)
    assert treasury.sender is not None
    app.state.treasury_client = treasury.client
    app.state.treasury_sender = treasury.sender
    app.state.treasury_statuses = treasury.sender.statuses
    app.state.unit_work_in_flight = WORK_IN_FLIGHT
    app.state.period_followers = PERIOD_FOLLOWERS
    app.state.payment_subjects = PAYMENT_SUBJECTS
    return app
