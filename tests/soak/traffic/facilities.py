"""Facilities' traffic: the facilities officer posts inspection answers in batches to this
month's rounds in progress (and posts some batches again, as an offline phone does) and reads
the hazards dashboard; the security officer posts fire-equipment checks in batches by client
check id (again too); staff and the unit liaison raise maintenance requests, which the officer
triages (``If-Match``). Afterwards: each acknowledged request exists exactly once, each
acknowledged answer and check is recorded once, a batch posted again changed nothing, each
defect answered raised one hazard and the last acknowledged triage stands."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from shared.types import utcnow
from tests.soak.client import User
from tests.soak.traffic import Actor, Finding, Soak, all_pages
from tests.soak.traffic.finance import _once
from tests.soak.traffic.personnel import expected

API = "/api/facilities"
PRIORITIES = ("urgent", "high", "normal", "low")


@dataclass
class Batch:
    path: str
    body: dict[str, Any]
    acked: bool
    reposts: list[int] = field(default_factory=list)  # ``new`` of each acknowledged re-post


@dataclass
class FacilitiesState:
    pending: deque[tuple[str, str, str]] = field(default_factory=deque)  # round, item, inspector
    answers: list[Batch] = field(default_factory=list)
    equipment: list[str] = field(default_factory=list)
    checks: list[Batch] = field(default_factory=list)
    requests: dict[str, bool] = field(default_factory=dict)  # title tag -> acknowledged
    to_triage: deque[str] = field(default_factory=deque)
    triages: dict[str, list[tuple[str, bool]]] = field(default_factory=lambda: defaultdict(list))


def state(soak: Soak) -> FacilitiesState:
    found: FacilitiesState = soak.state.setdefault("facilities", FacilitiesState())
    return found


async def prepare(soak: Soak) -> None:
    s = state(soak)
    officer = soak.new_user("facilities.officer")
    rounds = await all_pages(
        officer, "facilities.prepare", f"{API}/inspection-rounds", {"status": "in_progress"}
    )
    items: dict[str, list[str]] = {}
    for round_ in rounds:
        path = f"{API}/inspection-rounds/{round_['id']}"
        answered = {
            a["item_id"] for a in await all_pages(officer, "facilities.prepare", f"{path}/answers")
        }
        for checklist in round_["checklist_ids"]:
            if checklist not in items:
                got = await officer.call(
                    "facilities.prepare", "GET", f"{API}/checklists/{checklist}"
                )
                items[checklist] = [i["id"] for i in got.json()["items"]]
            for item in items[checklist]:
                if item not in answered:
                    s.pending.append((round_["id"], item, round_["inspectors"][0]))
    security = soak.new_user("security.officer")
    kit = await all_pages(security, "facilities.prepare", f"{API}/fire-equipment", {"active": True})
    s.equipment = [e["id"] for e in kit[:30]]


async def _repost(user: User, kind: str, batch: Batch) -> None:
    outcome = await user.call(kind, "POST", batch.path, json=batch.body)
    if outcome.acked:
        batch.reposts.append(outcome.json()["new"])


async def facilities_officer(soak: Soak, user: User) -> None:
    s = state(soak)
    roll = user.rng.random()
    if roll < 0.3 and s.pending:
        round_id = s.pending[0][0]
        answers = []
        while s.pending and s.pending[0][0] == round_id and len(answers) < 5:
            _, item, inspector = s.pending.popleft()
            defect = user.rng.random() < 0.1
            answers.append(
                {
                    "item_id": item,
                    "outcome": "defect" if defect else "ok",
                    "inspector_id": inspector,
                    "answered_at": utcnow().isoformat(),
                    "note": "soak: not met" if defect else None,
                }
            )
        path = f"{API}/inspection-rounds/{round_id}/answers"
        body = {"answers": answers}
        outcome = await user.call("facilities.answers.post", "POST", path, json=body)
        s.answers.append(Batch(path, body, outcome.acked))
    elif roll < 0.4 and any(b.acked for b in s.answers):
        batch = user.rng.choice([b for b in s.answers if b.acked])
        await _repost(user, "facilities.answers.repost", batch)
    elif roll < 0.55:
        await user.call("facilities.hazards.dashboard", "GET", f"{API}/hazards/dashboard")
    elif roll < 0.85 and s.to_triage:
        await _triage(soak, user, s.to_triage.popleft())
    else:
        params = {"limit": 20}
        await user.call("facilities.workorders.list", "GET", f"{API}/work-orders", params=params)


async def _priority_is(user: User, path: str, priority: str) -> bool:
    outcome = await user.call("facilities.confirm", "GET", path)
    return outcome.acked and outcome.json()["priority"] == priority


async def _triage(soak: Soak, user: User, order_id: str) -> None:
    s = state(soak)
    path = f"{API}/work-orders/{order_id}"
    read = await user.call("facilities.workorders.read", "GET", path)
    if not read.acked or read.response is None:
        return
    priority = user.rng.choice(PRIORITIES)
    outcome = await user.call(
        "facilities.workorders.triage",
        "POST",
        f"{path}/triage",
        json={"priority": priority, "note": "soak triage"},
        headers={"If-Match": read.response.headers["etag"]},
        confirm=lambda: _priority_is(user, path, priority),
    )
    s.triages[order_id].append((priority, outcome.acked))
    if user.rng.random() < 0.3:
        s.to_triage.append(order_id)


async def security_officer(soak: Soak, user: User) -> None:
    s = state(soak)
    roll = user.rng.random()
    if roll < 0.4 and s.equipment:
        checks = [
            {
                "check_id": str(uuid.uuid4()),
                "equipment_id": user.rng.choice(s.equipment),
                "checked_at": utcnow().isoformat(),
                "result": user.rng.choice(("ok", "ok", "na")),
                "checked_by": "soak inspector",
            }
            for _ in range(user.rng.randint(1, 5))
        ]
        path = f"{API}/fire-equipment/checks"
        body = {"checks": checks}
        outcome = await user.call("facilities.checks.post", "POST", path, json=body)
        s.checks.append(Batch(path, body, outcome.acked))
    elif roll < 0.55 and any(b.acked for b in s.checks):
        batch = user.rng.choice([b for b in s.checks if b.acked])
        await _repost(user, "facilities.checks.repost", batch)
    else:
        await user.call("facilities.equipment.due", "GET", f"{API}/fire-equipment/due")


async def requester(soak: Soak, user: User) -> None:
    s = state(soak)
    if user.rng.random() < 0.5:
        params = {"limit": 20}
        await user.call("facilities.workorders.list", "GET", f"{API}/work-orders", params=params)
        return
    tag = uuid.uuid4().hex
    body = {"title": f"soak {tag}", "description": "soak: the tap in the kitchen drips"}
    outcome = await user.call(
        "facilities.workorders.raise", "POST", f"{API}/work-orders", json=body
    )
    s.requests[tag] = outcome.acked
    if outcome.acked:
        s.to_triage.append(outcome.json()["id"])


ACTORS = (
    Actor("facilities.officer", 1, facilities_officer),
    Actor("security.officer", 1, security_officer),
    Actor("staff", 1, requester),
    Actor("unit.liaison", 1, requester),
)


async def settle(soak: Soak, seconds: float) -> None:
    return None


def _reposted(batches: list[Batch], what: str) -> Finding:
    changed = [b.reposts for b in batches if any(b.reposts)]
    count = sum(len(b.reposts) for b in batches)
    return Finding(
        f"{what}: an acknowledged batch posted again changed nothing ({count} re-posts)",
        not changed,
        f"new counts of re-posts: {changed[:3]}",
    )


async def check(soak: Soak) -> list[Finding]:
    s = state(soak)
    officer = soak.new_user("facilities.officer")
    orders = await all_pages(officer, "facilities.check", f"{API}/work-orders")
    findings = _once(s.requests, orders, "title", "soak ", "work-order requests")
    by_id = {o["id"]: o["priority"] for o in orders}
    wrong_triage = [
        (order, by_id.get(order), expected(t))
        for order, t in s.triages.items()
        if expected(t) is not None and by_id.get(order) not in (expected(t) or [])
    ]
    findings.append(
        Finding(
            f"work-order triage: the last acknowledged priority stands ({len(s.triages)} orders)",
            not wrong_triage,
            f"(order, now, expected): {wrong_triage[:3]}",
        )
    )
    findings += await _answers_found(soak, officer)
    findings.append(_reposted(s.answers, "inspection answers"))
    findings.append(await _checks_found(soak, officer))
    findings.append(_reposted(s.checks, "fire-equipment checks"))
    return findings


async def _answers_found(soak: Soak, officer: User) -> list[Finding]:
    s = state(soak)
    wanted: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for batch in s.answers:
        if batch.acked:
            round_id = batch.path.split("/")[-2]
            for a in batch.body["answers"]:
                wanted[round_id][a["item_id"]] = a
    wrong: list[Any] = []
    no_hazard: list[Any] = []
    for round_id, answers in wanted.items():
        path = f"{API}/inspection-rounds/{round_id}"
        recorded = Counter(
            (a["item_id"], a["outcome"])
            for a in await all_pages(officer, "facilities.check", f"{path}/answers")
        )
        wrong += [i for i, a in answers.items() if recorded[(i, a["outcome"])] != 1]
        detail = await officer.call("facilities.check", "GET", path)
        hazards = await all_pages(
            officer,
            "facilities.check",
            f"{API}/hazards",
            {"compound_id": detail.json()["compound_id"]},
        )
        raised = Counter(h["item_id"] for h in hazards if h["round_id"] == round_id)
        no_hazard += [i for i, a in answers.items() if a["outcome"] == "defect" and raised[i] != 1]
    acked = sum(len(a) for a in wanted.values())
    return [
        Finding(
            f"inspection answers: each acknowledged one recorded once as sent ({acked})",
            not wrong,
            f"items: {wrong[:5]}",
        ),
        Finding(
            "each acknowledged defect raised exactly one hazard",
            not no_hazard,
            f"items: {no_hazard[:5]}",
        ),
    ]


async def _checks_found(soak: Soak, officer: User) -> Finding:
    s = state(soak)
    sent = [c for b in s.checks if b.acked for c in b.body["checks"]]
    wrong: list[Any] = []
    for equipment_id in {c["equipment_id"] for c in sent}:
        path = f"{API}/fire-equipment/{equipment_id}/checks"
        counts = Counter(c["check_id"] for c in await all_pages(officer, "facilities.check", path))
        wrong += [
            c["check_id"]
            for c in sent
            if c["equipment_id"] == equipment_id and counts[c["check_id"]] != 1
        ]
    return Finding(
        f"fire-equipment checks: each acknowledged one recorded exactly once ({len(sent)})",
        not wrong,
        f"check ids: {wrong[:5]}",
    )
