"""Years of books for the volume benchmark, made up the way the posting rules would post them.

For every budget unit, every year and every month:
- the month's quota (用款额度) granted on its first working day: Dr 1011 / Cr 4001 (GEN),
  source ``quota``, with its ``finance_quota`` row (what authorized payments of the month
  paid, and a margin left over);
- the payroll, one settled direct payment per wage class on the 15th (or the working day
  before): Dr 5001 (class, GEN) / Cr 4001 (GEN), source ``payment``;
- goods and services, settled payments on random working days: Dr the class's expense account
  (or 1601 for equipment) / Cr 1011 when authorized, Cr 4001 when direct;
- two revenue receipts (Dr 100201 / Cr 2103, source ``revenue``), each remitted a few days
  later (Dr 2103 / Cr 100201, source ``remittance``).

Every entry has two lines for one unit and balances (debit = credit, per unit). Each budget
line (year × unit × class, GEN) gets ``paid`` = the sum of its payments and an amount a little
above it, so budget execution has every year's figures. Every month of the books is closed.
Payment and receipt rows themselves are not written: the entries' ``source_ref`` name them.

Rows come out month by month as plain tuples (money in fen, as the ``Money`` columns store
it), ordered by entry number; ``bench/volume_load.py`` writes them in bulk.
"""

from __future__ import annotations

import calendar
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from shared.types import SHANGHAI

SEED_VERSION = 1  # bump when what is generated changes: cached databases are keyed by it
QUOTA_ACCOUNT, APPROPRIATION_REVENUE = "1011", "4001"
COLLECTION, OWED = "100201", "2103"
FUND = "GEN"
POSTED_BY = "bench:volume"
# wage classes paid monthly by direct payment: (class, yearly amount per unit in yuan)
PAYROLL = (
    ("30101", 2_400_000),
    ("30102", 1_200_000),
    ("30103", 300_000),
    ("30107", 600_000),
    ("30108", 380_000),
    ("30113", 290_000),
)
# goods, services and equipment: (class, account, smallest and largest payment in yuan, weight)
PURCHASES = (
    ("30201", "5101", 80, 6_000, 20),
    ("30205", "5101", 500, 9_000, 4),
    ("30206", "5101", 800, 15_000, 4),
    ("30207", "5101", 100, 3_000, 6),
    ("30209", "5101", 2_000, 40_000, 3),
    ("30211", "5001", 150, 8_000, 18),
    ("30213", "5001", 300, 60_000, 6),
    ("30215", "5001", 500, 20_000, 4),
    ("30216", "5001", 800, 30_000, 4),
    ("30226", "5001", 300, 10_000, 8),
    ("30227", "5001", 5_000, 150_000, 3),
    ("30231", "5001", 100, 5_000, 12),
    ("31002", "1601", 1_000, 50_000, 2),
)
PAYROLL_LINES_A_MONTH = 2 * len(PAYROLL)
FIXED_LINES_A_MONTH = PAYROLL_LINES_A_MONTH + 2 + 2 * 4  # payroll, quota, two receipts remitted

ENTRY_COLUMNS = (
    "id",
    "number",
    "entry_date",
    "memo",
    "source",
    "source_ref",
    "posted_by",
    "posted_at",
)
LINE_COLUMNS = (
    "id",
    "entry_id",
    "line_no",
    "entry_date",
    "account_code",
    "unit_id",
    "debit",
    "credit",
    "economic_class",
    "fund_source",
    "memo",
)
QUOTA_COLUMNS = (
    "id",
    "unit_id",
    "fiscal_year",
    "month",
    "amount",
    "committed",
    "paid",
    "version",
    "updated_at",
)
APPROPRIATION_COLUMNS = (
    "id",
    "fiscal_year",
    "unit_id",
    "economic_class",
    "fund_source",
    "amount",
    "committed",
    "paid",
    "version",
    "updated_at",
    "created_by",
    "created_at",
)
PERIOD_COLUMNS = ("year", "month", "status", "changed_by", "changed_at", "reason", "version")


@dataclass(frozen=True)
class Plan:
    """How much to make: ``years`` years ending with ``last_year``, about ``lines`` lines."""

    units: tuple[tuple[uuid.UUID, str], ...]
    last_year: int
    years: int
    lines: int

    @property
    def first_year(self) -> int:
        return self.last_year - self.years + 1

    @property
    def purchases_a_month(self) -> int:
        """Goods-and-services payments per unit and month, to reach ``lines`` in all."""
        months = len(self.units) * self.years * 12
        left = self.lines - months * FIXED_LINES_A_MONTH
        return max(1, -(-left // (2 * months)))


@dataclass
class Month:
    """One month of all units' books, ready to write."""

    year: int
    month: int
    entries: list[tuple[object, ...]] = field(default_factory=list)
    lines: list[tuple[object, ...]] = field(default_factory=list)
    quotas: list[tuple[object, ...]] = field(default_factory=list)


@dataclass
class _Entry:
    day: date
    memo: str
    source: str
    source_ref: str
    account_dr: str
    account_cr: str
    unit_id: uuid.UUID
    fen: int
    economic_class: str | None = None
    fund_dr: str | None = None
    fund_cr: str | None = None


def working_days(year: int, month: int) -> list[date]:
    last = calendar.monthrange(year, month)[1]
    days = [date(year, month, d) for d in range(1, last + 1)]
    return [d for d in days if d.weekday() < 5]


def _posted_at(rng: random.Random, day: date) -> datetime:
    local = datetime.combine(day, time(9), tzinfo=SHANGHAI) + timedelta(
        seconds=rng.randrange(8 * 3600)
    )
    return local.astimezone(UTC)


class Books:
    """The generator: deterministic for a plan (one random stream seeded by the version)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rng = random.Random(f"volume-books-{SEED_VERSION}")
        self.scale = {unit_id: self.rng.randint(60, 140) for unit_id, _ in plan.units}
        self.number = 0
        # (year, unit, class) -> fen paid
        self.paid: dict[tuple[int, uuid.UUID, str], int] = {}
        self.weights = [p[4] for p in PURCHASES]

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def months(self) -> Iterator[Month]:
        for year in range(self.plan.first_year, self.plan.last_year + 1):
            for month in range(1, 13):
                yield self._month(year, month)

    def _month(self, year: int, month: int) -> Month:
        rng = self.rng
        days = working_days(year, month)
        payday = max(d for d in days if d.day <= 15)
        growth = 1.03 ** (year - self.plan.first_year)
        out = Month(year, month)
        made: list[_Entry] = []
        for unit_id, code in self.plan.units:
            scale = self.scale[unit_id] / 100 * growth
            for cls, yearly in PAYROLL:
                fen = int(yearly * scale / 12 * rng.uniform(0.98, 1.02) * 100)
                made.append(self._payment(unit_id, payday, "5001", cls, fen, authorized=False))
            authorized = 0
            for _ in range(self.plan.purchases_a_month):
                cls, account, low, high, _w = rng.choices(PURCHASES, self.weights)[0]
                fen = rng.randint(low * 100, high * 100)
                by_quota = rng.random() < 0.8
                authorized += fen if by_quota else 0
                made.append(self._payment(unit_id, rng.choice(days), account, cls, fen, by_quota))
            quota_id = self.new_id()
            granted = (authorized // 1_000_000 + 5) * 1_000_000  # up to 10,000 yuan, + 40,000
            made.append(
                _Entry(
                    days[0],
                    f"Quota {year}-{month:02d} for {code}: monthly quota granted",
                    "quota",
                    f"{quota_id}:1",
                    QUOTA_ACCOUNT,
                    APPROPRIATION_REVENUE,
                    unit_id,
                    granted,
                    fund_cr=FUND,
                )
            )
            out.quotas.append(
                (
                    quota_id,
                    unit_id,
                    year,
                    month,
                    granted,
                    0,
                    authorized,
                    1,
                    _posted_at(rng, days[0]),
                )
            )
            for n in range(2):
                received = rng.choice(days[:-1])
                remitted = min(d for d in days if d > received)
                receipt = self.new_id()
                fen = rng.randint(2_000_00, 90_000_00)
                kind = "rent" if n == 0 else "disposal"
                made.append(
                    _Entry(
                        received,
                        f"Revenue receipt R{receipt.hex[:8]} ({kind})",
                        "revenue",
                        str(receipt),
                        COLLECTION,
                        OWED,
                        unit_id,
                        fen,
                    )
                )
                made.append(
                    _Entry(
                        remitted,
                        f"Revenue receipt R{receipt.hex[:8]} remitted to the treasury",
                        "remittance",
                        self.new_id().hex,
                        OWED,
                        COLLECTION,
                        unit_id,
                        fen,
                    )
                )
        made.sort(key=lambda e: e.day)  # numbers follow the days, as posting would give them
        for e in made:
            self._write(out, e)
        return out

    def _payment(
        self,
        unit_id: uuid.UUID,
        day: date,
        account: str,
        cls: str,
        fen: int,
        authorized: bool,
    ) -> _Entry:
        key = (day.year, unit_id, cls)
        self.paid[key] = self.paid.get(key, 0) + fen
        ref = self.new_id()
        return _Entry(
            day,
            f"Payment P{ref.hex[:8]} ({cls})",
            "payment",
            str(ref),
            account,
            QUOTA_ACCOUNT if authorized else APPROPRIATION_REVENUE,
            unit_id,
            fen,
            economic_class=cls,
            fund_dr=FUND,
            fund_cr=FUND,
        )

    def _write(self, out: Month, e: _Entry) -> None:
        self.number += 1
        entry_id = self.new_id()
        out.entries.append(
            (
                entry_id,
                self.number,
                e.day,
                e.memo,
                e.source,
                e.source_ref,
                POSTED_BY,
                _posted_at(self.rng, e.day),
            )
        )
        out.lines.append(
            (
                self.new_id(),
                entry_id,
                1,
                e.day,
                e.account_dr,
                e.unit_id,
                e.fen,
                0,
                e.economic_class,
                e.fund_dr,
                None,
            )
        )
        out.lines.append(
            (
                self.new_id(),
                entry_id,
                2,
                e.day,
                e.account_cr,
                e.unit_id,
                0,
                e.fen,
                None,
                e.fund_cr,
                None,
            )
        )

    def appropriations(self) -> list[tuple[object, ...]]:
        """Every budget line: paid as generated, the amount 1-12% above it (in whole
        thousands of yuan), nothing committed (the years are over)."""
        rows: list[tuple[object, ...]] = []
        made = datetime(self.plan.first_year, 1, 1, tzinfo=UTC)
        for (year, unit_id, cls), paid in sorted(self.paid.items(), key=str):
            amount = -(-int(paid * self.rng.uniform(1.01, 1.12)) // 100_000) * 100_000
            at = made.replace(year=year)
            rows.append(
                (self.new_id(), year, unit_id, cls, FUND, amount, 0, paid, 1, at, POSTED_BY, at)
            )
        return rows

    def periods(self) -> list[tuple[object, ...]]:
        """Every month of the books, closed."""
        rows: list[tuple[object, ...]] = []
        for year in range(self.plan.first_year, self.plan.last_year + 1):
            for month in range(1, 13):
                closed = datetime(year, month, 1, tzinfo=UTC) + timedelta(days=40)
                rows.append((year, month, "closed", POSTED_BY, closed, None, 1))
        return rows
