"""Claims' traffic (finance, 报账): staff and the unit liaison raise travel claims (a trip,
its train ticket and meals, sometimes a night's lodging; every receipt numbered anew) and
submit them, or withdraw a draft now and then; now and then one names a receipt of an
approved claim, which must be refused, or one freed by a withdrawal or rejection, which must
be taken. A finance approver approves submitted claims (an authorized payment from the
unit's travel line) or rejects one; a finance officer pays approved claims, which the
treasury sandbox settles by callback. Every write carries an Idempotency-Key and is retried.

Afterwards: each acknowledged claim exists exactly once, no receipt is in two live claims,
each reuse was judged as it must be, each acknowledged withdrawal, rejection, approval and
payment took effect, and a claim is ``paid`` exactly when its payment settled, by one
change. (That payment's one journal entry, budget line and quota are the payments' own
checks, claims' included.)"""

from __future__ import annotations

import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from shared.types import today
from tests.soak.client import User
from tests.soak.traffic import Actor, Finding, Soak, all_pages
from tests.soak.traffic.finance import _once, _reached

API = "/api/finance"
CITIES = ("绵阳", "成都", "杭州", "武汉")
ENDED = {"withdrawn", "rejected"}


@dataclass
class Reuse:
    number: str
    live: bool  # of an approved claim (must be refused), or freed (must be taken)
    acked: bool
    status: int | str


@dataclass
class ClaimsState:
    unit_id: str = ""
    travel_line: str = ""
    colleagues: list[str] = field(default_factory=list)  # staff of the liaison's unit
    raised: dict[str, bool] = field(default_factory=dict)  # purpose tag -> acknowledged
    receipts: dict[str, list[str]] = field(default_factory=dict)  # claim id -> its numbers
    to_approve: deque[str] = field(default_factory=deque)
    to_pay: deque[str] = field(default_factory=deque)
    approved: set[str] = field(default_factory=set)
    ended: set[str] = field(default_factory=set)  # withdrawn or rejected (acknowledged)
    paid_asked: set[str] = field(default_factory=set)
    live_numbers: list[str] = field(default_factory=list)  # receipts of approved claims
    freed_numbers: list[str] = field(default_factory=list)
    reuses: list[Reuse] = field(default_factory=list)


def state(soak: Soak) -> ClaimsState:
    found: ClaimsState = soak.state.setdefault("claims", ClaimsState())
    return found


async def prepare(soak: Soak) -> None:
    s = state(soak)
    officer = soak.new_user("finance.officer")
    units = await all_pages(officer, "claims.prepare", f"{API}/budget-units")
    s.unit_id = next(u["id"] for u in units if u["code"] == "AAB")
    lines = await all_pages(
        officer, "claims.prepare", f"{API}/appropriations", {"unit_id": s.unit_id}
    )
    s.travel_line = next(line["id"] for line in lines if line["economic_class"] == "30211")
    runs = await all_pages(officer, "claims.prepare", f"{API}/payroll-runs", {"status": "paid"})
    slips = await officer.call(
        "claims.prepare",
        "GET",
        f"{API}/payroll-runs/{runs[0]['id']}/payslips",
        params={"unit_id": s.unit_id, "limit": 40},
    )
    s.colleagues = [p["staff_id"] for p in slips.json()["items"] if p["kind"] == "serving"]


def _receipt(number: str, amount: str, day: str) -> dict[str, str]:
    return {"number": number, "issued_on": day, "issuer": "Soak issuer", "amount": amount}


def _body(user: User, tag: str, reused: str | None) -> dict[str, Any]:
    """A trip of a day or two a few weeks back: its ticket, meals, and a night's lodging if
    it had one; the ticket's receipt is ``reused`` when given."""
    rng = user.rng
    back = today() - timedelta(days=rng.randint(1, 25))
    nights = rng.choice((0, 0, 1))
    depart = back - timedelta(days=nights)
    day = back.isoformat()
    ticket = f"{rng.randint(40, 150)}.00"
    meals = f"{rng.randint(40, 100) * (nights + 1)}.00"
    number = f"SOAK-{tag[:16].upper()}"
    lines: list[dict[str, Any]] = [
        {
            "kind": "transport",
            "trip": 0,
            "description": "Train, return",
            "amount": ticket,
            "receipts": [_receipt(reused or f"{number}-T", ticket, day)],
        },
        {"kind": "meals", "trip": 0, "description": "Meals", "amount": meals},
    ]
    if nights:
        lodging = f"{rng.randint(150, 320)}.00"
        lines.append(
            {
                "kind": "lodging",
                "trip": 0,
                "description": "Hotel, one night",
                "amount": lodging,
                "receipts": [_receipt(f"{number}-H", lodging, day)],
            }
        )
    return {
        "purpose": f"soak {tag}",
        "payee_account": f"6222{rng.randint(10**11, 10**12 - 1)}",
        "payee_bank": "ICBC City Branch",
        "trips": [
            {
                "city": rng.choice(CITIES),
                "depart_on": depart.isoformat(),
                "return_on": back.isoformat(),
                "train_seat": "second",
            }
        ],
        "lines": lines,
    }


def _numbers(body: dict[str, Any]) -> list[str]:
    return [r["number"] for line in body["lines"] for r in line.get("receipts", [])]


async def _status_is_not(user: User, path: str, *statuses: str) -> bool:
    outcome = await user.call("claims.confirm", "GET", path)
    return outcome.acked and outcome.json()["status"] not in statuses


async def claimant(soak: Soak, user: User) -> None:
    """Staff claim for themselves, the liaison for a colleague of its unit; a draft is
    submitted at once (``If-Match``), or now and then withdrawn."""
    s = state(soak)
    roll = user.rng.random()
    if roll < 0.3:
        await user.call("claims.list", "GET", f"{API}/claims", params={"limit": 20})
        return
    tag = uuid.uuid4().hex
    reused: Reuse | None = None
    if roll < 0.36 and s.live_numbers:
        reused = Reuse(user.rng.choice(s.live_numbers), True, False, "")
    elif roll < 0.4 and s.freed_numbers:
        reused = Reuse(s.freed_numbers.pop(), False, False, "")
    body = _body(user, tag, reused.number if reused else None)
    if user.username == "unit.liaison":
        body["staff_id"] = user.rng.choice(s.colleagues)
    outcome = await user.call("claims.raise", "POST", f"{API}/claims", json=body)
    s.raised[tag] = outcome.acked
    if reused is not None:
        reused.acked = outcome.acked
        reused.status = outcome.response.status_code if outcome.response is not None else "none"
        s.reuses.append(reused)
    if not outcome.acked or outcome.response is None:
        return
    claim = outcome.json()
    s.receipts[claim["id"]] = _numbers(body)
    path = f"{API}/claims/{claim['id']}"
    if_match = {"If-Match": outcome.response.headers["etag"]}
    if user.rng.random() < 0.1:
        done = await user.call(
            "claims.withdraw",
            "POST",
            f"{path}/withdraw",
            json={"reason": "soak: the trip was cancelled"},
            headers=if_match,
            confirm=lambda: _status_is_not(user, path, "draft"),
        )
        if done.acked:
            s.ended.add(claim["id"])
            s.freed_numbers += _numbers(body)
        return
    done = await user.call(
        "claims.submit",
        "POST",
        f"{path}/submit",
        headers=if_match,
        confirm=lambda: _status_is_not(user, path, "draft"),
    )
    if done.acked:
        s.to_approve.append(claim["id"])


async def approver(soak: Soak, user: User) -> None:
    s = state(soak)
    if not s.to_approve or user.rng.random() < 0.25:
        params = {"status": "submitted", "limit": 20}
        await user.call("claims.list", "GET", f"{API}/claims", params=params)
        return
    claim_id = s.to_approve.popleft()
    path = f"{API}/claims/{claim_id}"
    if user.rng.random() < 0.1:
        outcome = await user.call(
            "claims.reject",
            "POST",
            f"{path}/reject",
            json={"reason": "soak: no travel order on file"},
            confirm=lambda: _status_is_not(user, path, "submitted"),
        )
        if outcome.acked:
            s.ended.add(claim_id)
            s.freed_numbers += s.receipts.get(claim_id, [])
        return
    outcome = await user.call(
        "claims.approve",
        "POST",
        f"{path}/approve",
        json={"appropriation_id": s.travel_line},
        confirm=lambda: _status_is_not(user, path, "submitted"),
    )
    if outcome.acked:
        s.approved.add(claim_id)
        s.to_pay.append(claim_id)
        s.live_numbers += s.receipts.get(claim_id, [])


async def _payment_sent(user: User, path: str) -> bool:
    """Whether the claim's payment left ``approved`` (a pay that got no answer took effect)."""
    claim = await user.call("claims.confirm", "GET", path)
    if not claim.acked or claim.json()["payment_id"] is None:
        return False
    if claim.json()["status"] == "paid":
        return True
    payment = await user.call(
        "claims.confirm", "GET", f"{API}/payments/{claim.json()['payment_id']}"
    )
    return payment.acked and payment.json()["status"] != "approved"


async def payer(soak: Soak, user: User) -> None:
    s = state(soak)
    roll = user.rng.random()
    if s.to_pay and roll < 0.6:
        claim_id = s.to_pay.popleft()
        path = f"{API}/claims/{claim_id}"
        outcome = await user.call(
            "claims.pay", "POST", f"{path}/pay", confirm=lambda: _payment_sent(user, path)
        )
        if outcome.acked:
            s.paid_asked.add(claim_id)
    elif roll < 0.8:
        params = {"year": today().year}
        await user.call("claims.reports", "GET", f"{API}/claims/reports/by-unit", params=params)
    else:
        await user.call("claims.reports", "GET", f"{API}/claims/reports/top-claimants")


ACTORS = (
    Actor("staff", 1, claimant),
    Actor("unit.liaison", 1, claimant),
    Actor("finance.approver", 1, approver),
    Actor("finance.officer", 1, payer),
)


async def settle(soak: Soak, seconds: float) -> None:
    """Nothing of its own: a claim is paid in the transaction that settles its payment,
    which the payments' settling waits for."""
    return None


async def check(soak: Soak) -> list[Finding]:
    s = state(soak)
    officer = soak.new_user("finance.officer")
    claims = await all_pages(officer, "claims.check", f"{API}/claims")
    details = []
    for claim in claims:  # the list shows neither receipts nor payment
        outcome = await officer.call("claims.check", "GET", f"{API}/claims/{claim['id']}")
        details.append(outcome.json())
    payments = {p["id"]: p for p in await all_pages(officer, "claims.check", f"{API}/payments")}
    auditor = soak.new_user("auditor")
    changes = await all_pages(
        auditor, "claims.check", f"{API}/audit", {"action": "claim.paid", "resource_type": "claim"}
    )
    return [
        *_once(s.raised, claims, "purpose", "soak ", "claims raised"),
        _receipts_once(details, s),
        _reached(claims, s.ended, ENDED, "claim withdrawals and rejections"),
        _reached(claims, s.approved, {"approved", "paid"}, "claim approvals"),
        _reached(claims, s.paid_asked, {"paid"}, "claim payments paid"),
        _paid_once(details, payments, changes),
    ]


def _receipts_once(claims: list[dict[str, Any]], s: ClaimsState) -> Finding:
    live = [c for c in claims if c["status"] not in ENDED]
    numbers = Counter(r["number"] for c in live for line in c["lines"] for r in line["receipts"])
    twice = [n for n, k in numbers.items() if k > 1]
    # an approved claim's receipt taken, or a freed one refused (a try that met only faults
    # is not judged)
    wrong = [r for r in s.reuses if (r.live and r.acked) or (not r.live and r.status == 409)]
    live_tries = sum(r.live for r in s.reuses)
    return Finding(
        f"claims' receipts: none in two live claims ({sum(numbers.values())} receipts in "
        f"{len(live)} live claims); an approved claim's refused ({live_tries} tries), a freed "
        f"one taken again ({len(s.reuses) - live_tries})",
        not twice and not wrong,
        f"in two live claims: {twice[:5]}; misjudged reuses: {wrong[:5]}",
    )


def _paid_once(
    claims: list[dict[str, Any]],
    payments: dict[str, dict[str, Any]],
    changes: list[dict[str, Any]],
) -> Finding:
    """A claim is ``paid`` exactly when its payment settled, and became so by one change."""
    paid_changes = Counter(str(c["resource_id"]) for c in changes)
    wrong = []
    for claim in claims:
        payment = payments.get(claim["payment_id"] or "")
        settled = payment is not None and payment["status"] == "settled"
        if (claim["status"] == "paid") != settled or paid_changes[claim["id"]] != int(settled):
            wrong.append((claim["id"], claim["status"], payment and payment["status"]))
    paid = sum(1 for c in claims if c["status"] == "paid")
    return Finding(
        f"a claim is paid exactly when its payment settled, by one change ({paid} paid of "
        f"{len(claims)})",
        not wrong,
        f"(claim, status, its payment's): {wrong[:5]}",
    )
