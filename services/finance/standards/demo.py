"""A plausible full set of standards for the demo: every kind approved and in force, and the
salary scale in two versions (a 3 % rise from 1 July 2026), so a run shows which one applied.

Figures are monthly yuan of a mid-sized city in 2026; the tax table is the national annual
table of the cumulative withholding method. Seeding again adds nothing: a kind that has any
version is left alone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import TypeAdapter
from sqlmodel import Session, select

from services.finance.standards import service
from services.finance.standards.models import StandardKind, StandardVersion
from services.finance.standards.schemas import StandardDraft
from shared.audit import AuditLog
from shared.context import Principal

FIRST = date(2025, 1, 1)
RISE = date(2026, 7, 1)
# rank → (monthly base at step 1, position allowance, retirement pay), highest rank first
RANKS = {
    "city_head": (8200, 3800, 9800),
    "deputy_city_head": (7000, 3300, 8600),
    "bureau_chief": (6000, 2800, 7500),
    "deputy_bureau_chief": (5200, 2400, 6600),
    "section_chief": (4300, 1900, 5600),
    "deputy_section_chief": (3800, 1600, 5000),
    "clerk": (3200, 1300, 4200),
}
STEPS = 8
# grade → (performance allowance, welfare)
GRADES = {
    "excellent": (2600, 900),
    "competent": (2000, 900),
    "basically_competent": (1200, 900),
    "incompetent": (0, 600),
    "ungraded": (1800, 900),
}
# the annual table: cumulative taxable income up to, rate %, quick deduction
BRACKETS = (
    (36_000, 3, 0),
    (144_000, 10, 2_520),
    (300_000, 20, 16_920),
    (420_000, 25, 31_920),
    (660_000, 30, 52_920),
    (960_000, 35, 85_920),
    (None, 45, 181_920),
)
FIRST_TIER = ("北京", "上海", "广州", "深圳")
CAPITALS = (
    "天津", "重庆", "石家庄", "太原", "呼和浩特", "沈阳", "长春", "哈尔滨", "南京", "杭州", "合肥",
    "福州", "南昌", "济南", "郑州", "武汉", "长沙", "南宁", "海口", "成都", "贵阳", "昆明", "拉萨",
    "西安", "兰州", "西宁", "银川", "乌鲁木齐", "大连", "青岛", "宁波", "厦门",
)  # fmt: skip
# rank → lodging cap per night (first tier, provincial capital, other)
LODGING = {
    "city_head": (1100, 800, 600),
    "deputy_city_head": (1100, 800, 600),
    "bureau_chief": (650, 480, 400),
    "deputy_bureau_chief": (650, 480, 400),
    "section_chief": (500, 380, 340),
    "deputy_section_chief": (500, 380, 340),
    "clerk": (500, 380, 340),
}
TRAVEL_CLASS = {
    "city_head": ("first", "business"),
    "deputy_city_head": ("first", "economy"),
    "bureau_chief": ("first", "economy"),
}


def _step(base: int, step: int, rise: Decimal) -> str:
    amount = Decimal(base) * (1 + Decimal("0.05") * (step - 1)) * rise
    return str((amount / 10).quantize(Decimal(1)) * 10)  # to the ten yuan


def _payee(name: str, account: str) -> dict[str, str]:
    return {"name": name, "account": account, "bank": "People's Bank, City Treasury Branch"}


def drafts() -> list[dict[str, object]]:
    """The demo set as API drafts (in the order they are drafted)."""
    classes = ("first_tier", "provincial_capital", "other")
    scale = [
        {
            "ranks": {
                r: [_step(v[0], s, rise) for s in range(1, STEPS + 1)] for r, v in RANKS.items()
            }
        }
        for rise in (Decimal(1), Decimal("1.03"))
    ]
    return [
        {"kind": "salary_scale", "effective_from": FIRST, "body": scale[0]},
        {
            "kind": "salary_scale",
            "effective_from": RISE,
            "body": scale[1],
            "note": "3 % rise of base pay from 1 July 2026 (city notice 2026-41)",
        },
        {
            "kind": "position_allowance",
            "effective_from": FIRST,
            "body": {"ranks": {r: str(v[1]) for r, v in RANKS.items()}},
        },
        {
            "kind": "grade_allowance",
            "effective_from": FIRST,
            "body": {
                "grades": {
                    g: {"performance": str(p), "welfare": str(w)} for g, (p, w) in GRADES.items()
                }
            },
        },
        {
            "kind": "retiree_allowance",
            "effective_from": FIRST,
            "body": {"ranks": {r: str(v[2]) for r, v in RANKS.items()}},
        },
        {
            "kind": "contributions",
            "effective_from": FIRST,
            "body": {
                "base_floor": "4500",
                "base_cap": "33000",
                "pension": "8",
                "medical": "2",
                "unemployment": "0.5",
                "occupational_annuity": "4",
                "housing_fund": "12",
                "social_insurance_payee": _payee("市社会保险事业管理中心", "SI0000000000000001"),
                "housing_fund_payee": _payee("市住房公积金管理中心", "HF0000000000000001"),
            },
        },
        {
            "kind": "income_tax",
            "effective_from": FIRST,
            "body": {
                "monthly_exemption": "5000",
                "brackets": [
                    {
                        "up_to": None if up is None else str(up),
                        "rate": str(rate),
                        "quick_deduction": str(qd),
                    }
                    for up, rate, qd in BRACKETS
                ],
                "payee": _payee("国家税务总局本市税务局", "TAX0000000000000001"),
            },
        },
        {
            "kind": "travel_lodging",
            "effective_from": FIRST,
            "body": {
                "cities": {
                    **dict.fromkeys(FIRST_TIER, "first_tier"),
                    **dict.fromkeys(CAPITALS, "provincial_capital"),
                },
                "caps": {
                    r: {c: str(v) for c, v in zip(classes, caps, strict=True)}
                    for r, caps in LODGING.items()
                },
            },
        },
        {
            "kind": "travel_per_diem",
            "effective_from": FIRST,
            "body": {
                "meals": {"first_tier": "120", "provincial_capital": "100", "other": "100"},
                "transport": "80",
            },
        },
        {
            "kind": "travel_class",
            "effective_from": FIRST,
            "body": {
                "ranks": {
                    r: dict(
                        zip(
                            ("train", "flight"),
                            TRAVEL_CLASS.get(r, ("second", "economy")),
                            strict=True,
                        )
                    )
                    for r in RANKS
                }
            },
        },
    ]


def seed(session: Session, audit: AuditLog, drafter: Principal, approver: Principal) -> int:
    """Draft and approve the demo set, kind by kind, where a kind has no version yet; the
    number of versions made (the caller commits)."""
    present = set(session.exec(select(StandardVersion.kind).distinct()).all())
    adapter: TypeAdapter[StandardDraft] = TypeAdapter(StandardDraft)
    made = 0
    for raw in drafts():
        if StandardKind(str(raw["kind"])) in present:
            continue
        row = service.draft(session, audit, drafter, data=adapter.validate_python(raw))
        service.approve(session, audit, approver, standard_id=row.id)
        made += 1
    return made
