"""Ledger use cases behind the routes: hand-made entries, reversals, reads, the chart of
accounts and the classifications lines name."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import exists
from sqlmodel import Session, col, select

from services.finance.ledger import posting
from services.finance.ledger.models import (
    Account,
    EconomicClass,
    EntrySource,
    FundSource,
    JournalEntry,
    JournalLine,
)
from services.finance.ledger.schemas import (
    AccountCreate,
    AccountPublic,
    EconomicClassPublic,
    EntryCreate,
    EntryPublic,
    FundSourcePublic,
    LinePublic,
    ReversalCreate,
)
from services.finance.roles import own_unit
from shared.audit import AuditLog
from shared.context import Principal
from shared.pagination import Page, PageParams, fetch_page
from shared.problems import Conflict, Invalid, NotFound
from shared.scope import RowScope
from shared.types import today

# hand-made entries may be reversed by hand; the others follow what posted them (a quota
# change posts its own correction, a returned payment reverses its entry by itself)
_REVERSIBLE_BY_HAND = frozenset({EntrySource.MANUAL})


def public_many(
    session: Session, entries: Sequence[JournalEntry], only_unit: uuid.UUID | None = None
) -> list[EntryPublic]:
    """Entries with their lines (only ``only_unit``'s, for a liaison) and the entries that
    reversed them, in two queries whatever their number."""
    ids = [entry.id for entry in entries]
    lines: dict[uuid.UUID, list[JournalLine]] = defaultdict(list)
    query = (
        select(JournalLine)
        .where(col(JournalLine.entry_id).in_(ids))
        .order_by(col(JournalLine.entry_id), col(JournalLine.line_no))
    )
    if only_unit is not None:
        query = query.where(JournalLine.unit_id == only_unit)
    for line in session.exec(query):
        lines[line.entry_id].append(line)
    reversals = dict(
        session.exec(
            select(JournalEntry.reverses_id, JournalEntry.id).where(
                col(JournalEntry.reverses_id).in_(ids)
            )
        ).all()
    )
    return [
        EntryPublic(
            **entry.model_dump(),
            reversed_by_id=reversals.get(entry.id),
            total=sum((line.debit for line in lines[entry.id]), Decimal("0.00")),
            lines=[LinePublic.model_validate(x, from_attributes=True) for x in lines[entry.id]],
        )
        for entry in entries
    ]


def public(
    session: Session, entry: JournalEntry, only_unit: uuid.UUID | None = None
) -> EntryPublic:
    """The entry with its lines (only ``only_unit``'s, for a liaison)."""
    return public_many(session, [entry], only_unit)[0]


def get_entry(session: Session, entry_id: uuid.UUID, scope: RowScope) -> EntryPublic:
    """One entry with its lines (a liaison: an entry touching its unit, with its lines)."""
    entry = session.get(JournalEntry, entry_id)
    if entry is None:
        raise NotFound("journal_entry", entry_id)
    if not scope.everything:
        units = {line.unit_id for line in posting.lines_of(session, entry_id)}
        if scope.unit_id not in units:
            raise NotFound("journal_entry", entry_id)
    return public(session, entry, own_unit(scope))


def create_entry(
    session: Session, audit: AuditLog, principal: Principal, data: EntryCreate
) -> JournalEntry:
    lines = [
        posting.LineSpec(
            account=line.account,
            unit_id=line.unit_id,
            debit=line.debit,
            credit=line.credit,
            economic_class=line.economic_class,
            fund_source=line.fund_source,
            memo=line.memo,
        )
        for line in data.lines
    ]
    entry = posting.post(
        session,
        entry_date=data.entry_date,
        memo=data.memo,
        lines=lines,
        source=EntrySource.MANUAL,
        posted_by=principal.sub,
    )
    audit.record(
        session,
        action="journal_entry.posted",
        resource_type="journal_entry",
        resource_id=entry.id,
        after=data.model_dump(mode="json"),
        principal=principal,
    )
    return entry


def reverse_entry(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    entry_id: uuid.UUID,
    data: ReversalCreate,
) -> JournalEntry:
    entry = session.get(JournalEntry, entry_id, with_for_update=True)
    if entry is None:
        raise NotFound("journal_entry", entry_id)
    day = data.entry_date or today()
    if day < entry.entry_date:
        raise Invalid(
            "REVERSAL_BEFORE_ENTRY", "a reversal cannot be dated before the entry it undoes"
        )
    if entry.source not in _REVERSIBLE_BY_HAND:
        raise Conflict(
            "SYSTEM_ENTRY",
            f"entry {entry.number} was posted by a {entry.source} and follows it; "
            "it cannot be reversed by hand",
        )
    reversal = posting.reverse(
        session,
        entry,
        entry_date=day,
        memo=f"Reversal of entry {entry.number}: {data.reason}",
        posted_by=principal.sub,
    )
    audit.record(
        session,
        action="journal_entry.reversed",
        resource_type="journal_entry",
        resource_id=entry.id,
        after={"reversal_id": str(reversal.id), "reason": data.reason},
        principal=principal,
    )
    return reversal


def list_entries(
    session: Session,
    params: PageParams,
    scope: RowScope,
    *,
    unit_id: uuid.UUID | None,
    account: str | None,
    source: EntrySource | None,
    date_from: date | None,
    date_to: date | None,
) -> Page[EntryPublic]:
    """Entries newest first (a liaison's: those touching its unit, with its lines only)."""
    unit_id = scope.unit_filter(unit_id)
    query = select(JournalEntry)
    if unit_id is not None or account is not None:
        line = select(JournalLine.id).where(JournalLine.entry_id == JournalEntry.id)
        if unit_id is not None:
            line = line.where(JournalLine.unit_id == unit_id)
        if account is not None:
            line = line.where(JournalLine.account_code == account)
        query = query.where(exists(line))
    if source is not None:
        query = query.where(JournalEntry.source == source)
    if date_from is not None:
        query = query.where(col(JournalEntry.entry_date) >= date_from)
    if date_to is not None:
        query = query.where(col(JournalEntry.entry_date) <= date_to)
    rows, total = fetch_page(session, query, params, col(JournalEntry.number).desc())
    return Page.of(public_many(session, rows, own_unit(scope)), total, params)


def create_account(
    session: Session, audit: AuditLog, principal: Principal, data: AccountCreate
) -> Account:
    if session.get(Account, data.code) is not None:
        raise Conflict("ACCOUNT_EXISTS", f"account {data.code} already exists")
    account = Account(**data.model_dump())
    session.add(account)
    audit.record(
        session,
        action="account.created",
        resource_type="account",
        resource_id=data.code,
        after=data.model_dump(mode="json"),
        principal=principal,
    )
    return account


def list_accounts(session: Session, *, include_inactive: bool) -> Page[AccountPublic]:
    """The chart of accounts, by code (reference data: one page)."""
    query = select(Account).order_by(col(Account.code))
    if not include_inactive:
        query = query.where(col(Account.active))
    return Page.whole(
        [AccountPublic.model_validate(a, from_attributes=True) for a in session.exec(query)]
    )


def list_economic_classes(session: Session) -> Page[EconomicClassPublic]:
    rows = session.exec(select(EconomicClass).order_by(col(EconomicClass.code)))
    return Page.whole([EconomicClassPublic.model_validate(r, from_attributes=True) for r in rows])


def list_fund_sources(session: Session) -> Page[FundSourcePublic]:
    rows = session.exec(select(FundSource).order_by(col(FundSource.code)))
    return Page.whole([FundSourcePublic.model_validate(r, from_attributes=True) for r in rows])
