"""API shapes of the standards: one body schema per kind, so the OpenAPI states each table.

Rank codes are personnel's (``clerk``, ``section_chief`` …); grades are the appraisal's four
grades plus ``ungraded`` (no finalized grade yet). Money is yuan (``shared.money``), rates are
percentages with two places (``"8.00"`` is 8 %).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, Field, StringConstraints

from services.finance.standards.models import StandardKind, StandardStatus
from shared.money import Money, two_places
from shared.text import Line100, Line140, Prose2000

RankCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
CityName = Annotated[Line100, StringConstraints(max_length=40)]
Percent = Annotated[
    Decimal,
    *two_places(
        r"100(\.0{1,2})?|[1-9]?[0-9](\.[0-9]{1,2})?",
        "a percentage",
        "8.00",
        "per cent, 0 to 100, at most two decimals",
    ),
]
Steps = Annotated[list[Money], Field(min_length=1, max_length=20)]
T = TypeVar("T")
# a table by rank code; the schema says that every key is a rank code
ByRank = Annotated[
    dict[RankCode, T],
    Field(min_length=1, max_length=30, json_schema_extra={"additionalProperties": False}),
]


class PayGrade(StrEnum):
    """The appraisal grade a payslip's grade-linked lines follow."""

    EXCELLENT = "excellent"  # 优秀
    COMPETENT = "competent"  # 称职
    BASICALLY_COMPETENT = "basically_competent"  # 基本称职
    INCOMPETENT = "incompetent"  # 不称职
    UNGRADED = "ungraded"  # 未定等次: no finalized grade yet


class CityClass(StrEnum):
    FIRST_TIER = "first_tier"  # 北京、上海、广州、深圳
    PROVINCIAL_CAPITAL = "provincial_capital"  # 省会及计划单列市
    OTHER = "other"  # 其他地区


class Payee(BaseModel):
    """Who a withholding is paid to (the tax bureau, the social insurance agency …)."""

    name: Line140
    account: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{8,34}$")]
    bank: Line140


# ---- pay --------------------------------------------------------------------------------


class SalaryScale(BaseModel):
    """Monthly base pay (职务职级工资) by rank, one amount per step (档次 1, 2, …)."""

    ranks: ByRank[Steps]


class PositionAllowance(BaseModel):
    """Monthly position allowance (岗位职务津贴) by rank."""

    ranks: ByRank[Money]


class GradeLevel(BaseModel):
    performance: Money  # 绩效奖励, monthly
    welfare: Money  # 福利, monthly


class GradeAllowance(BaseModel):
    """Monthly performance allowance and welfare by appraisal grade: one level for each of
    the five grades (``ungraded`` included)."""

    grades: dict[PayGrade, GradeLevel]


class RetireeAllowance(BaseModel):
    """Monthly retirement pay (离退休费) by former rank."""

    ranks: ByRank[Money]


class Contributions(BaseModel):
    """The employee's shares of social insurance and the housing fund, on a monthly base
    (the month's gross pay) held between ``base_floor`` and ``base_cap``."""

    base_floor: Money
    base_cap: Money
    pension: Percent  # 养老保险
    medical: Percent  # 医疗保险
    unemployment: Percent  # 失业保险
    occupational_annuity: Percent  # 职业年金
    housing_fund: Percent  # 住房公积金
    social_insurance_payee: Payee
    housing_fund_payee: Payee


class TaxBracket(BaseModel):
    """A bracket of the annual table: cumulative taxable income up to ``up_to`` (the last
    bracket has none), its rate and quick deduction (速算扣除数)."""

    up_to: Money | None
    rate: Percent
    quick_deduction: Money


class IncomeTax(BaseModel):
    """Individual income tax by cumulative withholding (累计预扣法): each month, tax on
    (income so far − ``monthly_exemption`` × months − contributions so far) by the annual
    brackets, less what was withheld already this year."""

    monthly_exemption: Money
    brackets: Annotated[list[TaxBracket], Field(min_length=1, max_length=20)]
    payee: Payee


# ---- travel ----------------------------------------------------------------------------


class TravelLodging(BaseModel):
    """Lodging cap per night by rank and the destination's city class; a city not listed
    in ``cities`` is of class ``other``."""

    cities: Annotated[dict[CityName, CityClass], Field(max_length=500)]
    caps: ByRank[dict[CityClass, Money]]


class TravelPerDiem(BaseModel):
    """Meal allowance per day by city class, and the local transport allowance per day."""

    meals: dict[CityClass, Money]
    transport: Money


class TrainSeat(StrEnum):
    BUSINESS = "business"  # 商务座
    FIRST = "first"  # 一等座
    SECOND = "second"  # 二等座


class Cabin(StrEnum):
    FIRST = "first"  # 头等舱
    BUSINESS = "business"  # 公务舱
    ECONOMY = "economy"  # 经济舱


class TravelClassLevel(BaseModel):
    train: TrainSeat
    flight: Cabin


class TravelClass(BaseModel):
    """The highest class of travel each rank may claim."""

    ranks: ByRank[TravelClassLevel]


StandardBody = (
    SalaryScale
    | PositionAllowance
    | GradeAllowance
    | RetireeAllowance
    | Contributions
    | IncomeTax
    | TravelLodging
    | TravelPerDiem
    | TravelClass
)
BODIES: dict[StandardKind, type[StandardBody]] = {
    StandardKind.SALARY_SCALE: SalaryScale,
    StandardKind.POSITION_ALLOWANCE: PositionAllowance,
    StandardKind.GRADE_ALLOWANCE: GradeAllowance,
    StandardKind.RETIREE_ALLOWANCE: RetireeAllowance,
    StandardKind.CONTRIBUTIONS: Contributions,
    StandardKind.INCOME_TAX: IncomeTax,
    StandardKind.TRAVEL_LODGING: TravelLodging,
    StandardKind.TRAVEL_PER_DIEM: TravelPerDiem,
    StandardKind.TRAVEL_CLASS: TravelClass,
}


# ---- drafts: one per kind, told apart by ``kind`` -----------------------------------------


class _Draft(BaseModel):
    effective_from: date
    note: Prose2000 | None = None


class SalaryScaleDraft(_Draft):
    kind: Literal[StandardKind.SALARY_SCALE]
    body: SalaryScale


class PositionAllowanceDraft(_Draft):
    kind: Literal[StandardKind.POSITION_ALLOWANCE]
    body: PositionAllowance


class GradeAllowanceDraft(_Draft):
    kind: Literal[StandardKind.GRADE_ALLOWANCE]
    body: GradeAllowance


class RetireeAllowanceDraft(_Draft):
    kind: Literal[StandardKind.RETIREE_ALLOWANCE]
    body: RetireeAllowance


class ContributionsDraft(_Draft):
    kind: Literal[StandardKind.CONTRIBUTIONS]
    body: Contributions


class IncomeTaxDraft(_Draft):
    kind: Literal[StandardKind.INCOME_TAX]
    body: IncomeTax


class TravelLodgingDraft(_Draft):
    kind: Literal[StandardKind.TRAVEL_LODGING]
    body: TravelLodging


class TravelPerDiemDraft(_Draft):
    kind: Literal[StandardKind.TRAVEL_PER_DIEM]
    body: TravelPerDiem


class TravelClassDraft(_Draft):
    kind: Literal[StandardKind.TRAVEL_CLASS]
    body: TravelClass


StandardDraft = Annotated[
    SalaryScaleDraft
    | PositionAllowanceDraft
    | GradeAllowanceDraft
    | RetireeAllowanceDraft
    | ContributionsDraft
    | IncomeTaxDraft
    | TravelLodgingDraft
    | TravelPerDiemDraft
    | TravelClassDraft,
    Field(discriminator="kind"),
]


class StandardPublic(BaseModel):
    id: uuid.UUID
    kind: StandardKind
    version: int
    status: StandardStatus
    effective_from: date
    body: StandardBody
    note: str | None
    drafted_by: str
    drafted_at: datetime
    approved_by: str | None
    approved_at: datetime | None
