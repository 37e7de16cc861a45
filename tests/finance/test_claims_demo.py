"""The claims demo: claims in each state for the staff given, made once."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from sqlmodel import select

from shared.db import unit_of_work


def test_demo_claims_in_each_state_and_a_second_seeding_adds_nothing(app: Any) -> None:
    from services.finance import demo as books
    from services.finance.claims import demo
    from services.finance.claims.models import Claim
    from services.finance.payments.models import Payment
    from services.finance.units.models import BudgetUnit

    engine = app.state.engine
    with unit_of_work(engine) as session:
        assert books.seed(session)
        units = session.exec(select(BudgetUnit.id).order_by(BudgetUnit.code)).all()[:2]
    staff = [
        demo.DemoClaimant(uuid.uuid4(), name, units[n % 2], rank)
        for n, (name, rank) in enumerate(
            (("王芳", "clerk"), ("李强", "section_chief"), ("张伟", "bureau_chief"))
        )
    ]
    with unit_of_work(engine) as session:
        assert demo.seed(session, staff) == 14
    with unit_of_work(engine) as session:
        assert demo.seed(session, staff) == 0
        claims = session.exec(select(Claim)).all()
        states = Counter(c.status for c in claims)
        assert states == {"draft": 2, "submitted": 4, "approved": 4, "rejected": 2, "withdrawn": 2}
        excepted = [c for c in claims if c.status == "submitted" and c.payable == c.claimed]
        flagged = [c for c in claims if c.status == "submitted" and c.payable < c.claimed]
        assert len(excepted) == 2 and len(flagged) == 2
        payments = Counter(p.status for p in session.exec(select(Payment)).all())
        # the finance demo's own payments, plus the claims': two approved, two being sent
        assert payments["submitting"] == 2
        assert sum(1 for c in claims if c.payment_id is not None) == 4
