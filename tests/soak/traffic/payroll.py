"""Payroll's traffic (finance): staff read their own payslips and now and then ask for a
colleague's, which must be refused; the unit liaison reads its unit's totals of this month's
and last month's runs (and asks for another unit's now and then); a finance officer
recomputes this month's run every so often and reads its payslips. Afterwards: no payslip
read answered with someone else's slip, every colleague's slip asked for was refused, the
liaison saw no other unit's totals, and this month's run, however often recomputed (kill -9
included), is ``computed`` with one slip a person and totals that are its units' sums.

Paying the run is left out: its 1,340 transfers and twice as many callbacks take some 40 s
to settle on an otherwise idle suite, more than the whole soak's finance traffic."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tests.soak.client import User
from tests.soak.traffic import Actor, Finding, Soak, all_pages

API = "/api/finance"
# seconds between the officer's recomputations of this month's run, the first this soon
# after the start (on SQLite a recomputation holds finance's write lock for seconds)
RECOMPUTE_EVERY = 25.0
FIRST_RECOMPUTE = 5.0
MONEY = ("gross", "contributions", "tax", "net")


@dataclass
class PayrollState:
    me: str = ""  # the staff user's staff id
    unit_id: str = ""  # the bureau's unit: the liaison's and the staff user's
    other_unit: str = ""
    current: dict[str, Any] = field(default_factory=dict)  # this month's run, computed
    last: dict[str, Any] = field(default_factory=dict)  # last month's, paid
    own_slips: list[str] = field(default_factory=list)
    colleagues_slips: list[str] = field(default_factory=list)
    answered: list[tuple[str, str]] = field(default_factory=list)  # (slip id, its staff id)
    colleagues_asked: Counter[str] = field(default_factory=Counter)  # status of each answer
    units_seen: Counter[str] = field(default_factory=Counter)
    recomputes: list[bool] = field(default_factory=list)
    next_recompute: float = 0.0


def state(soak: Soak) -> PayrollState:
    found: PayrollState = soak.state.setdefault("payroll", PayrollState())
    return found


async def prepare(soak: Soak) -> None:
    s = state(soak)
    officer = soak.new_user("finance.officer")
    units = await all_pages(officer, "payroll.prepare", f"{API}/budget-units")
    s.unit_id = next(u["id"] for u in units if u["code"] == "AAB")
    s.other_unit = next(u["id"] for u in units if u["id"] != s.unit_id)
    runs = await all_pages(officer, "payroll.prepare", f"{API}/payroll-runs")
    s.current = next(r for r in runs if r["status"] == "computed")
    s.last = next(r for r in runs if r["status"] == "paid")
    me = await soak.new_user("staff").call("payroll.prepare", "GET", "/api/personnel/staff/me")
    s.me = me.json()["id"]
    path = f"{API}/payroll-runs/{s.last['id']}/payslips"
    own = await officer.call("payroll.prepare", "GET", path, params={"staff_id": s.me})
    s.own_slips = [p["id"] for p in own.json()["items"]]
    unit = await officer.call(
        "payroll.prepare", "GET", path, params={"unit_id": s.unit_id, "limit": 40}
    )
    s.colleagues_slips = [p["id"] for p in unit.json()["items"] if p["staff_id"] != s.me]


def _answered(s: PayrollState, slips: list[dict[str, Any]]) -> None:
    s.answered += [(p["id"], p["staff_id"]) for p in slips]


async def staff(soak: Soak, user: User) -> None:
    s = state(soak)
    roll = user.rng.random()
    if roll < 0.45:
        outcome = await user.call(
            "payroll.payslips.mine", "GET", f"{API}/payslips/mine", params={"limit": 12}
        )
        if outcome.acked:
            _answered(s, outcome.json()["items"])
    elif roll < 0.8 and s.own_slips:
        path = f"{API}/payslips/{user.rng.choice(s.own_slips)}"
        outcome = await user.call("payroll.payslips.own", "GET", path)
        if outcome.acked:
            _answered(s, [outcome.json()])
    elif s.colleagues_slips:
        path = f"{API}/payslips/{user.rng.choice(s.colleagues_slips)}"
        outcome = await user.call("payroll.payslips.colleague", "GET", path)
        status = outcome.response.status_code if outcome.response is not None else "none"
        s.colleagues_asked[str(status)] += 1
        if outcome.acked:
            _answered(s, [outcome.json()])


async def liaison(soak: Soak, user: User) -> None:
    s = state(soak)
    run = s.current if user.rng.random() < 0.6 else s.last
    roll = user.rng.random()
    if roll < 0.2:
        await user.call("payroll.runs.read", "GET", f"{API}/payroll-runs/{run['id']}")
        return
    # now and then the liaison names another unit: refused, or answered with its own only
    params = {"unit_id": s.other_unit} if roll > 0.9 else None
    outcome = await user.call(
        "payroll.unit_totals", "GET", f"{API}/payroll-runs/{run['id']}/unit-totals", params=params
    )
    if outcome.acked:
        s.units_seen.update(t["unit_id"] for t in outcome.json()["items"])


async def officer(soak: Soak, user: User) -> None:
    s = state(soak)
    path = f"{API}/payroll-runs/{s.current['id']}"
    if not s.next_recompute:
        s.next_recompute = time.monotonic() + FIRST_RECOMPUTE
    if time.monotonic() >= s.next_recompute:
        s.next_recompute = time.monotonic() + RECOMPUTE_EVERY
        outcome = await user.call("payroll.runs.recompute", "POST", f"{path}/compute")
        s.recomputes.append(outcome.acked)
    elif user.rng.random() < 0.5:
        params = {"limit": 20, "offset": user.rng.randrange(0, 1200, 20)}
        await user.call("payroll.payslips.list", "GET", f"{path}/payslips", params=params)
    else:
        await user.call("payroll.unit_totals", "GET", f"{path}/unit-totals")


ACTORS = (
    Actor("staff", 1, staff),
    Actor("unit.liaison", 1, liaison),
    Actor("finance.officer", 1, officer),
)


async def settle(soak: Soak, seconds: float) -> None:
    return None


def _money(value: Any) -> Decimal:
    return Decimal(str(value))


async def check(soak: Soak) -> list[Finding]:
    s = state(soak)
    foreign = [(slip, staff_id) for slip, staff_id in s.answered if staff_id != s.me]
    refused = sum(n for status, n in s.colleagues_asked.items() if not status.startswith("2"))
    asked = sum(s.colleagues_asked.values())
    other_units = [unit for unit in s.units_seen if unit != s.unit_id]
    findings = [
        Finding(
            f"payslip reads never answered with someone else's slip ({len(s.answered)} slips "
            f"answered; a colleague's asked {asked} times, refused {refused}: "
            f"{dict(s.colleagues_asked)})",
            not foreign and refused == asked,
            f"(slip, its staff) answered: {foreign[:5]}; answers to colleagues' slips: "
            f"{dict(s.colleagues_asked)}",
        ),
        Finding(
            f"payroll unit totals: the liaison saw its own unit's only "
            f"({sum(s.units_seen.values())} totals read)",
            not other_units,
            f"other units seen: {other_units[:5]}",
        ),
    ]
    officer = soak.new_user("finance.officer")
    findings.append(await _run_whole(officer, s.current, f"recomputed {sum(s.recomputes)} times"))
    findings.append(await _run_whole(officer, s.last, "paid, untouched"))
    return findings


async def _run_whole(officer: User, before: dict[str, Any], what: str) -> Finding:
    """The run as it was (status, slips) with totals equal to its units' sums."""
    path = f"{API}/payroll-runs/{before['id']}"
    run = (await officer.call("payroll.check", "GET", path)).json()
    totals = (await officer.call("payroll.check", "GET", f"{path}/unit-totals")).json()["items"]
    sums = {k: sum((_money(t[k]) for t in totals), Decimal(0)) for k in MONEY}
    slips = sum(t["slips"] for t in totals)
    wrong = [k for k in MONEY if _money(run[k]) != sums[k]]
    held = (
        run["status"] == before["status"]
        and run["slips"] == slips == before["slips"]
        and not wrong
        and (before["status"] != "paid" or all(run[k] == before[k] for k in MONEY))
    )
    return Finding(
        f"payroll run {run['year']}-{run['month']:02d} ({what}): {before['status']}, "
        f"{before['slips']} slips, totals its units' sums",
        held,
        f"status {run['status']}, slips {run['slips']} (units' {slips}, before "
        f"{before['slips']}), totals off: {[(k, run[k], str(sums[k])) for k in wrong]}",
    )
