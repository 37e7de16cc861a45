"""Personnel's traffic: HR officers read staff, correct their contact details (``If-Match``)
and score the open appraisal cycle; staff read their own record; auditors read every
service's audit log. Afterwards: each corrected phone number and each score is the last one
acknowledged (or, when the last write got no answer, that one or the one before)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tests.soak.client import User
from tests.soak.traffic import Actor, Finding, Soak, all_pages

API = "/api/personnel"
DIMENSIONS = ("morality", "ability", "diligence", "performance", "innovation")
AUDITED = ("finance", "assets", "facilities", "personnel", "admin")


@dataclass
class PersonnelState:
    staff: list[str] = field(default_factory=list)
    cycle_id: str | None = None
    scored_staff: list[str] = field(default_factory=list)
    # each HR client owns its own people: one writer per record, as at a desk
    owners: dict[int, int] = field(default_factory=dict)
    phones: dict[str, list[tuple[str, bool]]] = field(default_factory=lambda: defaultdict(list))
    scores: dict[str, list[tuple[dict[str, str], bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )


def state(soak: Soak) -> PersonnelState:
    found: PersonnelState = soak.state.setdefault("personnel", PersonnelState())
    return found


async def prepare(soak: Soak) -> None:
    s = state(soak)
    hr = soak.new_user("hr.officer")
    staff = await all_pages(hr, "personnel.prepare", f"{API}/staff")
    s.staff = [row["id"] for row in staff]
    cycles = await all_pages(hr, "personnel.prepare", f"{API}/appraisal-cycles")
    open_cycles = [c for c in cycles if c["status"] == "open"]
    if open_cycles:
        s.cycle_id = open_cycles[0]["id"]
        scores = await all_pages(
            hr, "personnel.prepare", f"{API}/appraisal-cycles/{s.cycle_id}/scores"
        )
        s.scored_staff = [row["staff_id"] for row in scores] or s.staff


def _mine(soak: Soak, user: User, people: list[str]) -> list[str]:
    s = state(soak)
    me = s.owners.setdefault(id(user), len(s.owners))
    writers = sum(a.clients for a in ACTORS if a.step is hr_officer)
    return [p for n, p in enumerate(people) if n % writers == me]


async def _phone_is(user: User, path: str, phone: str) -> bool:
    outcome = await user.call("personnel.confirm", "GET", path)
    return outcome.acked and outcome.json()["phone"] == phone


async def hr_officer(soak: Soak, user: User) -> None:
    s = state(soak)
    roll = user.rng.random()
    if roll < 0.35:
        offset = user.rng.randrange(max(1, len(s.staff) - 20))
        params = {"limit": 20, "offset": offset}
        await user.call("personnel.staff.list", "GET", f"{API}/staff", params=params)
    elif roll < 0.55:
        path = f"{API}/staff/{user.rng.choice(s.staff)}"
        await user.call("personnel.staff.read", "GET", path)
    elif roll < 0.8:
        staff_id = user.rng.choice(_mine(soak, user, s.staff))
        path = f"{API}/staff/{staff_id}"
        read = await user.call("personnel.staff.read", "GET", path)
        if not read.acked or read.response is None:
            return
        phone = f"139{user.rng.randint(10**7, 10**8 - 1)}"
        outcome = await user.call(
            "personnel.staff.update",
            "PATCH",
            path,
            json={"phone": phone},
            headers={"If-Match": read.response.headers["etag"]},
            confirm=lambda: _phone_is(user, path, phone),
        )
        s.phones[staff_id].append((phone, outcome.acked))
    elif s.cycle_id:
        staff_id = user.rng.choice(_mine(soak, user, s.scored_staff))
        values = {d: str(user.rng.randint(70, 95)) for d in DIMENSIONS}
        values["integrity"] = str(user.rng.randint(86, 98))
        outcome = await user.call(
            "personnel.appraisal.score",
            "PUT",
            f"{API}/appraisal-cycles/{s.cycle_id}/scores/{staff_id}",
            json=values,
        )
        s.scores[staff_id].append((values, outcome.acked))


async def staff(soak: Soak, user: User) -> None:
    if user.rng.random() < 0.6:
        await user.call("personnel.staff.me", "GET", f"{API}/staff/me")
    else:
        await user.call("personnel.units.list", "GET", f"{API}/units", params={"limit": 50})


async def auditor(soak: Soak, user: User) -> None:
    service = user.rng.choice(AUDITED)
    await user.call("audit.read", "GET", f"/api/{service}/audit", params={"limit": 20})


ACTORS = (
    Actor("hr.officer", 3, hr_officer),
    Actor("staff", 2, staff),
    Actor("auditor", 2, auditor),
)


async def settle(soak: Soak, seconds: float) -> None:
    return None


def expected(writes: list[tuple[Any, bool]]) -> list[Any] | None:
    """What may be there now: the last acknowledged write, or any write after it (one that
    got no answer may have been applied); None when none was acknowledged (the value before
    the run is not known here)."""
    acked = [n for n, (_, ok) in enumerate(writes) if ok]
    if not acked:
        return None
    return [value for value, _ in writes[acked[-1] :]]


async def check(soak: Soak) -> list[Finding]:
    s = state(soak)
    hr = soak.new_user("hr.officer")
    wrong_phones: list[Any] = []
    for staff_id, writes in s.phones.items():
        outcome = await hr.call("personnel.check", "GET", f"{API}/staff/{staff_id}")
        phone = outcome.json()["phone"] if outcome.acked else "unreadable"
        allowed = expected(writes)
        if allowed is not None and phone not in allowed:
            wrong_phones.append((staff_id, phone, allowed))
    wrong_scores: list[Any] = []
    for staff_id, scores in s.scores.items():
        path = f"{API}/appraisal-cycles/{s.cycle_id}/scores/{staff_id}"
        outcome = await hr.call("personnel.check", "GET", path)
        now = (
            {d: str(int(float(outcome.json()[d]))) for d in (*DIMENSIONS, "integrity")}
            if outcome.acked
            else None
        )
        allowed = expected(scores)
        if allowed is not None and now not in allowed:
            wrong_scores.append((staff_id, now, allowed))
    acked_phones = sum(ok for w in s.phones.values() for _, ok in w)
    acked_scores = sum(ok for w in s.scores.values() for _, ok in w)
    return [
        Finding(
            f"staff contact corrections: the last acknowledged one stands ({acked_phones} "
            f"acknowledged over {len(s.phones)} people)",
            not wrong_phones,
            f"(staff, now, expected): {wrong_phones[:3]}",
        ),
        Finding(
            f"appraisal scores: the last acknowledged one stands ({acked_scores} acknowledged "
            f"over {len(s.scores)} people)",
            not wrong_scores,
            f"(staff, now, expected): {wrong_scores[:3]}",
        ),
    ]
