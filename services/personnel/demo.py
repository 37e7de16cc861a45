"""Demo data for ``make run``: the 31 budget units of the four bodies, the bureau's sections
and 41 positions, 1,000+ serving staff and 220+ retirees; generated deterministically."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from services.personnel import demo_appraisal
from services.personnel.appraisal.models import CycleKind
from services.personnel.appraisal_results.service import latest_grades
from services.personnel.organisation.models import LeadingBody, Unit, UnitKind
from services.personnel.positions.models import Position
from services.personnel.retirees.models import RetireeEntitlement
from services.personnel.staff import identity_numbers as ids
from services.personnel.staff.models import Staff, StaffPeriod, StaffStatus
from services.personnel.staff.service import period_on
from shared.scope import RowScope

UNITS = {
    "PC": [
        ("PC-OFFICE", "Party Committee General Office", "市委办公室"),
        ("ORG", "Organisation Department", "市委组织部"),
        ("PROP", "Publicity Department", "市委宣传部"),
        ("UFW", "United Front Work Department", "市委统战部"),
        ("PLA", "Political and Legal Affairs Commission", "市委政法委"),
        ("DISC", "Commission for Discipline Inspection", "市纪委"),
        ("PRO", "Policy Research Office", "市委政策研究室"),
        ("WCO", "Working Committee of Municipal Organs", "市直机关工委"),
    ],
    "NPC": [
        ("NPC-OFFICE", "People's Congress General Office", "市人大常委会办公室"),
        ("NPC-FIN", "Financial and Economic Committee", "市人大财经委"),
        ("NPC-LAW", "Legislative Affairs Committee", "市人大法制委"),
        ("NPC-REP", "Deputies' Affairs Committee", "市人大代表工委"),
    ],
    "GOV": [
        ("GOV-OFFICE", "Government General Office", "市政府办公室"),
        ("DRC", "Development and Reform Commission", "市发改委"),
        ("FINB", "Finance Bureau", "市财政局"),
        ("EDU", "Education Bureau", "市教育局"),
        ("CIVIL", "Civil Affairs Bureau", "市民政局"),
        ("HRSS", "Human Resources and Social Security Bureau", "市人社局"),
        ("NRES", "Natural Resources Bureau", "市自然资源局"),
        ("HOUSE", "Housing and Urban-Rural Development Bureau", "市住建局"),
        ("TRANS", "Transport Bureau", "市交通局"),
        ("AUDIT", "Audit Bureau", "市审计局"),
        ("STAT", "Statistics Bureau", "市统计局"),
        ("HEALTH", "Health Commission", "市卫健委"),
        ("ENV", "Ecology and Environment Bureau", "市生态环境局"),
        ("AAB", "Government Offices Administration", "市机关事务管理局"),
        ("JUST", "Justice Bureau", "市司法局"),
    ],
    "CPPCC": [
        ("CPPCC-OFFICE", "CPPCC General Office", "市政协办公室"),
        ("CPPCC-PROP", "Proposals Committee", "市政协提案委"),
        ("CPPCC-CULT", "Culture and History Committee", "市政协文史委"),
        ("CPPCC-ECON", "Economic Committee", "市政协经济委"),
    ],
}
BUREAU_SECTIONS = [
    ("AAB-OFFICE", "General Office", "办公室", "文秘、档案、会务与值班"),
    ("AAB-FIN", "Finance Section", "财务科", "一本账统一核算、国库集中支付与收支两条线"),
    ("AAB-ASSET", "State Assets Section", "国资科", "国有资产登记、清查、办公用房与经营性资产"),
    ("AAB-SEC", "Security Section", "保卫科", "值班巡逻、电视监控、消防与门禁"),
    ("AAB-SAVE", "Conservation Section", "节能科", "用车用纸用水用电定额管理与节约公开"),
    ("AAB-RET", "Retired Cadres Section", "老干科", "离退休干部用车、医疗、津贴与福利服务"),
    ("AAB-PROP", "Property Section", "物业科", "机关大院住宅、道路、绿化与公共设施维护"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文斌建国志红"
RANK_MIX = [
    ("bureau_chief", 1),
    ("deputy_bureau_chief", 2),
    ("section_chief", 5),
    ("deputy_section_chief", 6),
]  # the rest are clerks
SERVING_STAFF = 1023
RETIREES = 224


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _national_id(rng: random.Random, n: int) -> str:
    born = date(rng.randint(1955, 2000), rng.randint(1, 12), rng.randint(1, 28))
    body = f"421002{born:%Y%m%d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _units(session: Session) -> tuple[list[Unit], Unit]:
    bodies = {b.code: b for b in session.exec(select(LeadingBody))}
    units = [
        Unit(code=code, name=name, name_zh=zh, kind=UnitKind.BUDGET_UNIT, body_id=bodies[body].id)
        for body, rows in UNITS.items()
        for code, name, zh in rows
    ]
    session.add_all(units)
    session.flush()
    return units, next(u for u in units if u.code == "AAB")


def _bureau_positions(session: Session, bureau: Unit) -> list[Position]:
    sections = [
        Unit(
            code=code,
            name=name,
            name_zh=zh,
            kind=UnitKind.SECTION,
            body_id=bureau.body_id,
            parent_id=bureau.id,
        )
        for code, name, zh, _ in BUREAU_SECTIONS
    ]
    session.add_all(sections)
    session.flush()
    positions = [
        Position(
            code="AAB-DIR",
            title="局长 Director",
            unit_id=bureau.id,
            rank_code="bureau_chief",
            responsibilities="主持全局工作，对机关事务管理负总责。",
        ),
        *(
            Position(
                code=f"AAB-DEP{i}",
                title="分管局长 Deputy director",
                unit_id=bureau.id,
                rank_code="deputy_bureau_chief",
                responsibilities=f"分管第{i}组科室，督促一月一检查、一季一评比。",
            )
            for i in (1, 2, 3)
        ),
    ]
    for section, (_, _, zh, duty) in zip(sections, BUREAU_SECTIONS, strict=True):
        code = section.code
        positions += [
            Position(
                code=f"{code}-C",
                title=f"{zh}科长",
                unit_id=section.id,
                rank_code="section_chief",
                responsibilities=f"负责{duty}，对本科工作负责。",
            ),
            Position(
                code=f"{code}-D",
                title=f"{zh}副科长",
                unit_id=section.id,
                rank_code="deputy_section_chief",
                responsibilities=f"协助科长做好{duty}。",
            ),
            *(
                Position(
                    code=f"{code}-S{i}",
                    title=f"{zh}科员",
                    unit_id=section.id,
                    rank_code="clerk",
                    headcount=2,
                    responsibilities=f"承办{duty}的具体事务。",
                )
                for i in (1, 2, 3)
            ),
        ]
    positions += [
        Position(
            code="AAB-OFFICE-A",
            title="档案管理员",
            unit_id=sections[0].id,
            rank_code="clerk",
            responsibilities="管理局机关文书与人事档案。",
        ),
        Position(
            code="AAB-SEC-N",
            title="夜间值班员",
            unit_id=sections[3].id,
            rank_code="clerk",
            headcount=4,
            responsibilities="夜间值班巡逻，处置突发事件并记录。",
        ),
    ]
    session.add_all(positions)
    session.flush()
    return positions


def seed(session: Session, vault: ids.IdVault, grade_subscribers: Sequence[str] = ()) -> bool:
    """Fill an empty personnel database; return False (and change nothing) if it has units.

    The appraisal demo's finalized grades are published to ``grade_subscribers``. The caller
    commits (``shared.db.unit_of_work``), as for any service code.
    """
    if session.exec(select(Unit.id)).first() is not None:
        return False
    rng = random.Random(2006)  # the year of the seed report
    units, bureau = _units(session)
    _bureau_positions(session, bureau)
    people: list[Staff] = []
    rows: list[object] = []
    for n in range(1, SERVING_STAFF + RETIREES + 1):
        number = _national_id(rng, n)
        staff = Staff(
            staff_no=f"S{n:05d}",
            name=_name(rng),
            national_id_cipher=vault.encrypt(number),
            national_id_digest=vault.digest(number),
            national_id_masked=ids.mask(number),
        )
        unit = units[n % len(units)]
        index = (n if n <= SERVING_STAFF else n - SERVING_STAFF) // len(units)
        rank = next((code for code, limit in _cumulative() if index < limit), "clerk")
        hired = date(rng.randint(1985, 2022), rng.randint(1, 12), 1)
        people.append(staff)
        if n <= SERVING_STAFF:
            rows.append(
                StaffPeriod(
                    staff_id=staff.id,
                    valid_from=hired,
                    status=StaffStatus.SERVING,
                    unit_id=unit.id,
                    rank_code=rank,
                    reason="hired",
                )
            )
            continue
        retired = date(rng.randint(2008, 2025), rng.randint(1, 12), 1)
        hired = min(hired, date(retired.year - 20, 1, 1))
        rows += [
            StaffPeriod(
                staff_id=staff.id,
                valid_from=hired,
                valid_to=retired,
                status=StaffStatus.SERVING,
                unit_id=unit.id,
                rank_code=rank,
                reason="hired",
            ),
            StaffPeriod(
                staff_id=staff.id,
                valid_from=retired,
                status=StaffStatus.RETIRED,
                unit_id=unit.id,
                rank_code=rank,
                reason="retired at age",
            ),
        ]
        senior = rank in ("bureau_chief", "deputy_bureau_chief")
        rows.append(
            RetireeEntitlement(
                staff_id=staff.id,
                former_rank_code=rank,
                category="bureau_level" if senior else "general",
                vehicle_level=2 if senior else 0,
                medical_level=2 if senior else 1,
                allowance_level=3 if senior else 1,
                welfare_level=2 if senior else 1,
            )
        )
    session.add_all(people)
    session.flush()  # periods and entitlements refer to the staff rows
    session.add_all(rows)
    session.flush()
    demo_appraisal.seed(session, grade_subscribers)
    return True


def _cumulative() -> list[tuple[str, int]]:
    total = 0
    out = []
    for code, count in RANK_MIX:
        total += count
        out.append((code, total))
    return out


# ---- what the other components' demo data refers to (plain values, read by personnel) ----


def seed_with_secret(
    session: Session, id_secret: str, grade_subscribers: Sequence[str] = ()
) -> bool:
    """``seed`` with national ids sealed under ``id_secret`` (the ``id_secret`` setting)."""
    return seed(session, ids.IdVault(id_secret), grade_subscribers)


def budget_units(session: Session) -> list[tuple[uuid.UUID, str, str]]:
    """The budget units as (id, code, Chinese name), by code: finance opens books for them
    under the same ids."""
    rows = session.exec(
        select(Unit).where(Unit.kind == UnitKind.BUDGET_UNIT).order_by(col(Unit.code))
    )
    return [(u.id, u.code, u.name_zh) for u in rows]


def bureau_member(session: Session) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The bureau's own unit (code ``AAB``) and one serving member of it, as (unit id, staff
    id); None before the demo data exists."""
    unit = session.exec(select(Unit).where(Unit.code == "AAB")).first()
    if unit is None:
        return None
    member = session.exec(
        select(StaffPeriod).where(
            col(StaffPeriod.valid_to).is_(None),
            StaffPeriod.status == StaffStatus.SERVING,
            StaffPeriod.unit_id == unit.id,
        )
    ).first()
    return None if member is None else (unit.id, member.staff_id)


def payroll_people(session: Session, day: date) -> list[dict[str, object]]:
    """Serving staff and retirees as posted on ``day``, each with the latest finalized
    annual grade of a cycle that ended before it (None when ungraded), as plain values for
    finance's demo payroll (what its client reads from ``/staff/bulk`` and ``/grades/bulk``)."""
    grades = {
        g.staff_id: g
        for g in latest_grades(
            session,
            scope=RowScope(everything=True),
            cycle_kind=CycleKind.ANNUAL,
            ended_before=day,
            after=None,
            through=None,
            limit=1_000_000,
        ).items
    }
    rows = session.exec(
        select(Staff, StaffPeriod)
        .join(StaffPeriod, col(StaffPeriod.staff_id) == Staff.id)
        .where(period_on(day), col(StaffPeriod.status) != StaffStatus.LEFT)
        .order_by(col(Staff.staff_no))
    )
    people: list[dict[str, object]] = []
    for staff, period in rows:
        grade = grades.get(staff.id)
        people.append(
            {
                "staff_id": staff.id,
                "staff_no": staff.staff_no,
                "name": staff.name,
                "unit_id": period.unit_id,
                "rank_code": period.rank_code,
                "status": str(period.status),
                "posted_since": period.valid_from,
                "grade": None
                if grade is None
                else {
                    "grade": str(grade.grade),
                    "cycle_id": grade.cycle_id,
                    "year": grade.year,
                    "result_id": grade.result_id,
                    "revision": grade.revision,
                },
            }
        )
    return people
