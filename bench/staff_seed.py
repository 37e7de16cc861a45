"""Staff in bulk for benchmarks: 31 budget units and N serving staff, written through
personnel's own tables (ORM rows, one transaction). Used by bench/personnel_bulk.py and
bench/volume.py, which share the units with finance (same ids and codes)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, select

from services.personnel.organisation.models import LeadingBody, Unit, UnitKind
from services.personnel.staff import identity_numbers as ids
from services.personnel.staff.models import Staff, StaffPeriod, StaffStatus
from shared.db import make_engine

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
UNITS = 31


def national_id(n: int) -> str:
    """A well-formed resident ID number (valid check digit), distinct for each ``n``."""
    body = f"42100219{n:09d}"[:17]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def unit_specs(namespace: uuid.UUID | None = None) -> list[tuple[uuid.UUID, str, str]]:
    """The 31 budget units as (id, code, name), codes U01…U31 like finance's demo; with a
    ``namespace`` the ids are derived from it and the code (the same in every run)."""
    codes = [f"U{n:02d}" for n in range(1, UNITS + 1)]
    return [
        (uuid.uuid5(namespace, code) if namespace else uuid.uuid4(), code, f"Budget unit {code}")
        for code in codes
    ]


def seed(
    url: str,
    people: int,
    vault: ids.IdVault,
    units: Sequence[tuple[uuid.UUID, str, str]] | None = None,
) -> list[tuple[uuid.UUID, str, str]]:
    """Write the units and ``people`` serving staff spread over them; return the units."""
    specs = list(units) if units is not None else unit_specs()
    engine = make_engine(url)
    with Session(engine) as session:
        body = session.exec(select(LeadingBody)).first()
        assert body is not None
        rows = [
            Unit(
                id=unit_id,
                code=code,
                name=name,
                name_zh=f"单位{code[1:]}",
                kind=UnitKind.BUDGET_UNIT,
                body_id=body.id,
            )
            for unit_id, code, name in specs
        ]
        session.add_all(rows)
        session.flush()
        staff = []
        for n in range(people):
            number = national_id(n)
            staff.append(
                Staff(
                    staff_no=f"S{n:06d}",
                    name=f"职员{n}",
                    national_id_cipher=vault.encrypt(number),
                    national_id_digest=vault.digest(number),
                    national_id_masked=ids.mask(number),
                )
            )
        session.add_all(staff)
        session.flush()
        session.add_all(
            [
                StaffPeriod(
                    staff_id=s.id,
                    valid_from=date(2020, 1, 1),
                    status=StaffStatus.SERVING,
                    unit_id=rows[i % len(rows)].id,
                    rank_code="clerk",
                    reason="hired",
                )
                for i, s in enumerate(staff)
            ]
        )
        session.commit()
    engine.dispose()
    return specs
