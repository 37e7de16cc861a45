"""Demo depreciation and disposals for ``make run``: last month's depreciation run (posted to
finance through the outbox), and three disposals of demo cards kept in rooms: a scrapped
printer and a computer sold to a recycler (both approved by the bureau's director, the
disposal right's holder; the sale's proceeds go to finance as revenue), and a projector
offered as a donation, awaiting a decision. Seeding again adds nothing.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from services.assets.depreciation import service as depreciation
from services.assets.depreciation.charges import period_of
from services.assets.depreciation.models import DepreciationRun
from services.assets.disposals import service
from services.assets.disposals.models import Disposal, DisposalKind
from services.assets.disposals.schemas import DisposalCreate
from services.assets.register.models import Asset, AssetStatus
from shared.audit import AuditLog
from shared.context import Principal
from shared.outbox import Outbox
from shared.tables import platform_tables
from shared.types import today

DIRECTOR = Principal(sub="demo:director", roles=frozenset({"director"}))
# (what, kind, reason, proceeds, counterparty, decided)
PLANS = (
    ("Laser printer", DisposalKind.SCRAPPING, "drum and board beyond repair", None, None, True),
    (
        "Desktop computer",
        DisposalKind.SALE,
        "replaced; sold to a licensed recycler",
        Decimal("300.00"),
        "市再生资源回收有限公司",
        True,
    ),
    (
        "Projector",
        DisposalKind.DONATION,
        "surplus after the meeting-room refit",
        None,
        "青年路社区服务中心",
        False,
    ),
)


def _last_month() -> str:
    first = today().replace(day=1)
    return period_of(date.fromordinal(first.toordinal() - 1))


def seed(
    session: Session,
    audit: AuditLog,
    bureau_unit_id: uuid.UUID,
    *,
    users: dict[str, str] | None = None,
) -> bool:
    """Run last month's depreciation unless a run exists, and make the demo disposals that
    are missing; True when anything was made."""
    outbox = Outbox(platform_tables("assets").outbox, source="assets")
    made = False
    if session.exec(select(DepreciationRun.id)).first() is None:
        depreciation.run_month(session, audit, outbox, period=_last_month())
        made = True
    if session.exec(select(Disposal.id)).first() is not None:
        return made
    director = dataclasses.replace(DIRECTOR.as_user(users), unit_id=str(bureau_unit_id))
    for name, kind, reason, proceeds, counterparty, decided in PLANS:
        asset = session.exec(
            select(Asset)
            .where(
                Asset.name == name,
                Asset.unit_id == bureau_unit_id,
                Asset.status == AssetStatus.IN_USE,
                col(Asset.room_id).is_not(None),
            )
            .order_by(col(Asset.number))
        ).first()
        if asset is None:
            continue
        data = DisposalCreate(
            asset_id=asset.id,
            kind=kind,
            reason=reason,
            disposal_date=today(),
            proceeds=proceeds,
            counterparty=counterparty,
        )
        disposal = service.create(session, audit, data=data)
        if decided:
            service.approve(session, audit, outbox, director, disposal.id, expected_version=None)
        made = True
    return made
