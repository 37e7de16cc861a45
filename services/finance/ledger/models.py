"""Ledger tables: chart of accounts, economic classification, fund sources, entries.

Posted entries are never changed or deleted; a mistake is undone by a reversal, an entry of
its own that points at the one it reverses (at most one reversal each). Every line names
the budget unit it belongs to, so one ledger serves all units.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.types import Money, UTCDateTime, utcnow


class Category(StrEnum):
    """The five elements of government accounting (政府会计要素, budgetary side aside)."""

    ASSET = "asset"  # 资产
    LIABILITY = "liability"  # 负债
    NET_ASSETS = "net_assets"  # 净资产
    REVENUE = "revenue"  # 收入
    EXPENSE = "expense"  # 费用

    @property
    def debit_normal(self) -> bool:
        """Assets and expenses grow on the debit side; the rest on the credit side."""
        return self in (Category.ASSET, Category.EXPENSE)


class Account(SQLModel, table=True):
    """One account of the chart. ``restricted`` accounts hold revenue owed to the treasury
    (收支两条线): only revenue receipts and their remittances may post to them."""

    __tablename__ = "finance_account"

    code: str = Field(primary_key=True, max_length=20)
    name: str = Field(max_length=200)
    name_zh: str = Field(max_length=200)
    category: str = Field(max_length=20)
    restricted: bool = False
    active: bool = True


class EconomicClass(SQLModel, table=True):
    """Government expenditure economic classification (支出经济分类), e.g. 301, 30101."""

    __tablename__ = "finance_economic_class"

    code: str = Field(primary_key=True, max_length=10)
    name: str = Field(max_length=200)
    name_zh: str = Field(max_length=200)
    parent_code: str | None = Field(default=None, max_length=10)


class FundSource(SQLModel, table=True):
    """Where money comes from (资金来源): general budget, government funds, …"""

    __tablename__ = "finance_fund_source"

    code: str = Field(primary_key=True, max_length=20)
    name: str = Field(max_length=200)
    name_zh: str = Field(max_length=200)


class EntrySource(StrEnum):
    MANUAL = "manual"
    REVERSAL = "reversal"
    QUOTA = "quota"  # 额度下达: quota granted to a unit's zero-balance account
    PAYMENT = "payment"  # a settled payment
    PAYMENT_RETURN = "payment_return"  # the treasury returned a settled payment
    REVENUE = "revenue"  # revenue received, owed to the treasury
    REMITTANCE = "remittance"  # revenue remitted to the treasury
    DEPRECIATION = "depreciation"  # a unit's monthly depreciation, reported by assets
    ASSET_DISPOSAL = "asset_disposal"  # a disposed fixed asset written off, reported by assets
    PAYROLL = "payroll"  # a payroll run's pay owed (Dr 5001 under 301 / Cr 2201), when paid
    PAYROLL_PAYMENT = "payroll_payment"  # a payroll transfer settled (Dr 2201 / Cr 4001)
    PAYROLL_RETURN = "payroll_return"  # the treasury returned a settled payroll transfer


class JournalEntry(SQLModel, table=True):
    """A posted entry. (``source``, ``source_ref``) is unique: an event posts at most once."""

    __tablename__ = "finance_journal_entry"
    __table_args__ = (UniqueConstraint("source", "source_ref"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    number: int = Field(unique=True)
    entry_date: date = Field(index=True)
    memo: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(max_length=20)
    source_ref: str | None = Field(default=None, max_length=100)
    reverses_id: uuid.UUID | None = Field(
        default=None, foreign_key="finance_journal_entry.id", unique=True
    )
    posted_by: str = Field(max_length=200)
    posted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class JournalLine(SQLModel, table=True):
    """One side of an entry: a debit or a credit (never both) on one account for one unit.

    Two indexes cover balances as of a day without reading the table: by account then day
    (consolidated: the lines of each account up to the day, already grouped by account), and
    by unit, account, day (one unit's). They also serve as the foreign keys' indexes."""

    __tablename__ = "finance_journal_line"
    __table_args__ = (
        CheckConstraint(
            "debit >= 0 AND credit >= 0 AND (debit = 0) <> (credit = 0)",
            name="ck_finance_journal_line_one_side",
        ),
        Index(
            "ix_finance_journal_line_account_day", "account_code", "entry_date", "debit", "credit"
        ),
        Index(
            "ix_finance_journal_line_unit_account_day",
            "unit_id",
            "account_code",
            "entry_date",
            "debit",
            "credit",
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    entry_id: uuid.UUID = Field(foreign_key="finance_journal_entry.id", index=True)
    line_no: int
    entry_date: date = Field(index=True)  # the entry's, kept here for balances as of a day
    account_code: str = Field(foreign_key="finance_account.code", max_length=20)
    unit_id: uuid.UUID = Field(foreign_key="finance_budget_unit.id")
    debit: Decimal = Field(default=Decimal(0), sa_type=Money())
    credit: Decimal = Field(default=Decimal(0), sa_type=Money())
    economic_class: str | None = Field(
        default=None, foreign_key="finance_economic_class.code", max_length=10
    )
    fund_source: str | None = Field(
        default=None, foreign_key="finance_fund_source.code", max_length=20
    )
    memo: str | None = Field(default=None, max_length=500)


class MonthBalance(SQLModel, table=True):
    """A closed month's debits and credits per unit and account: the sums of its lines,
    written in the transaction that closes the month and deleted when it reopens (nothing
    posts into a closed month, so they stay exact). Balances as of a day add them up for the
    closed months before it, then the lines after them; the lines remain the books."""

    __tablename__ = "finance_month_balance"

    month: date = Field(primary_key=True)  # the month's first day
    unit_id: uuid.UUID = Field(primary_key=True, foreign_key="finance_budget_unit.id")
    account_code: str = Field(primary_key=True, foreign_key="finance_account.code", max_length=20)
    debit: Decimal = Field(sa_type=Money())
    credit: Decimal = Field(sa_type=Money())
