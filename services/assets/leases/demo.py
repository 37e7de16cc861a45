"""Demo rights and leases for ``make run``, made through the modules' own services (rules and
audit apply), in the demo asset officer's name.

Rights, from 2020-01-01, over every demo building: ownership the city (an outside body,
no unit), management and disposal the bureau; operation the bureau's service centre on
commercial buildings only (the rest is non-operating space); and over every room assigned to
a unit, use by that unit. Leases of commercial frontage: some paid up, some in arrears of
each age, two about to expire, one below the market floor waiting for a director, one not
started yet. Dates follow today, so the reports have something to show; seeding again
creates only what is missing (a lease is known by its code).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from services.assets.leases import decisions, payments, service
from services.assets.leases.models import Lease, LeaseInvoice, LeaseStatus
from services.assets.leases.schedule import add_months
from services.assets.leases.schemas import LeaseCreate, PaymentCreate
from services.assets.realestate.models import Building, BuildingKind, Room, RoomUse
from services.assets.rights import service as rights
from services.assets.rights.models import Right, RightHolding, SubjectKind
from services.assets.rights.schemas import HoldingCreate
from shared.audit import AuditLog
from shared.outbox import Outbox
from shared.tables import platform_tables
from shared.types import FEN, today

SINCE = date(2020, 1, 1)
CITY = "Municipal People's Government (市人民政府)"
BUREAU = "Municipal Government Offices Administration Bureau (市机关事务管理局)"
CENTRE = "Bureau Service Centre (机关事务服务中心)"


@dataclass(frozen=True)
class DemoLease:
    code: str
    tenant: str
    credit_code: str
    rooms: int  # how many frontage rooms it lets
    started_months_ago: int
    months: int  # term length
    rent: str
    market: str
    unpaid: int  # the last invoices due that stay unpaid
    ends_in_days: int | None = None  # instead of ``months``: ends this many days from today


LEASES = (
    DemoLease("DEMO-L01", "Jinling Tea House Co., Ltd.", "91320100MA1XY2W34K", 2, 11, 36,
              "85.00", "90.00", unpaid=1),
    DemoLease("DEMO-L02", "Qinhuai Noodle Bar", "92320104MA20AB1C2D", 1, 8, 24,
              "78.00", "88.00", unpaid=5),
    DemoLease("DEMO-L03", "Zhongshan Pharmacy Chain Co., Ltd.", "91320102MA1PQ3R45T", 1, 22, 0,
              "92.00", "95.00", unpaid=0, ends_in_days=45),
    DemoLease("DEMO-L04", "Xuanwu Print and Copy", "92320102MA1KL6M78N", 1, 11, 0,
              "70.00", "85.00", unpaid=2, ends_in_days=25),
    DemoLease("DEMO-L05", "Community Elder Canteen", "52320100MJ1234567X", 1, -1, 60,
              "40.00", "90.00", unpaid=0),
    DemoLease("DEMO-L06", "Gulou Bank Sub-branch", "91320106MA1EF9G01H", 2, -2, 60,
              "98.00", "96.00", unpaid=0),
)  # fmt: skip


def seed(
    session: Session,
    audit: AuditLog,
    bureau_unit_id: uuid.UUID,
    operator_unit_id: uuid.UUID | None = None,
    unit_names: Mapping[uuid.UUID, str] | None = None,
) -> bool:
    """Create whatever demo rights and leases are missing; True when anything was.
    ``bureau_unit_id``: the bureau's budget unit (personnel's id); ``operator_unit_id``: its
    service centre's, holder of the operation right and so the rent's unit (default the
    bureau). Needs the demo real estate seeded first (``services.assets.demo`` runs it)."""
    made = _rights(
        session, audit, bureau_unit_id, operator_unit_id or bureau_unit_id, unit_names or {}
    )
    outbox = Outbox(platform_tables("assets").outbox, source="assets")
    return _leases(session, audit, outbox) or made


def _rights(
    session: Session,
    audit: AuditLog,
    bureau: uuid.UUID,
    operator: uuid.UUID,
    names: Mapping[uuid.UUID, str],
) -> bool:
    held = {
        (h.subject_id, Right(h.right))
        for h in session.exec(select(RightHolding).where(col(RightHolding.valid_to).is_(None)))
    }
    wanted: list[HoldingCreate] = []

    def want(
        kind: SubjectKind, ident: uuid.UUID, right: Right, name: str, unit: uuid.UUID | None
    ) -> None:
        if (ident, right) not in held:
            wanted.append(
                HoldingCreate(subject_kind=kind, subject_id=ident, right=right, holder_name=name,
                              holder_unit_id=unit, valid_from=SINCE, basis="Demo register")
            )  # fmt: skip

    for b in session.exec(select(Building).order_by(col(Building.code))):
        want(SubjectKind.BUILDING, b.id, Right.OWNERSHIP, CITY, None)
        want(SubjectKind.BUILDING, b.id, Right.MANAGEMENT, BUREAU, bureau)
        want(SubjectKind.BUILDING, b.id, Right.DISPOSAL, BUREAU, bureau)
        if b.kind == BuildingKind.COMMERCIAL:
            want(SubjectKind.BUILDING, b.id, Right.OPERATION, CENTRE, operator)
    assigned = select(Room).where(col(Room.unit_id).is_not(None)).order_by(col(Room.code))
    for r in session.exec(assigned):
        assert r.unit_id is not None
        name = names.get(r.unit_id, f"Budget unit {r.unit_id}")  # personnel's name when told
        want(SubjectKind.ROOM, r.id, Right.USE, name, r.unit_id)
    for data in wanted:
        rights.record(session, audit, data=data)
    return bool(wanted)


def _leases(session: Session, audit: AuditLog, outbox: Outbox) -> bool:
    existing = set(session.exec(select(Lease.code)))
    frontage = list(
        session.exec(
            select(Room)
            .where(Room.use == RoomUse.COMMERCIAL_FRONTAGE, col(Room.active).is_(True))
            .order_by(col(Room.code))
        )
    )
    now = today()
    first_of_month = now.replace(day=1)
    made = False
    taken = 0
    for plan in LEASES:
        rooms = frontage[taken : taken + plan.rooms]
        taken += plan.rooms
        if plan.code in existing or len(rooms) < plan.rooms:
            continue
        starts = add_months(first_of_month, -plan.started_months_ago)
        ends = (
            now + timedelta(days=plan.ends_in_days)
            if plan.ends_in_days is not None
            else add_months(starts, plan.months) - timedelta(days=1)
        )
        data = LeaseCreate(
            code=plan.code,
            tenant_name=plan.tenant,
            tenant_credit_code=plan.credit_code,
            tenant_contact="Front desk, 025-8400 0000",
            room_ids=[r.id for r in rooms],
            starts_on=starts,
            ends_on=ends,
            rent_per_m2=Decimal(plan.rent),
            escalation_pct=Decimal("3.00"),
            deposit=(Decimal(plan.rent) * 3 * sum(Decimal(r.area_m2) for r in rooms)).quantize(FEN),
            market_rent_per_m2=Decimal(plan.market),
        )
        lease = service.create(session, audit, data=data)
        decisions.activate(
            session, audit, lease.id, min_market_share=Decimal("0.8"), expected_version=None
        )
        made = True
        if lease.status != LeaseStatus.ACTIVE:
            continue  # waits for a director
        due = list(
            session.exec(
                select(LeaseInvoice)
                .where(LeaseInvoice.lease_id == lease.id, col(LeaseInvoice.due_on) <= now)
                .order_by(col(LeaseInvoice.seq))
            )
        )
        for invoice in due[: max(0, len(due) - plan.unpaid)]:
            paid_on = min(invoice.due_on + timedelta(days=3), now)
            payment = PaymentCreate(paid_on=paid_on, amount=invoice.amount, reference=None)
            payments.pay(session, audit, outbox, lease.id, invoice.seq, data=payment)
    return made
