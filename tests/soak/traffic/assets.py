"""Assets' traffic: asset officers read the register, move cards to other rooms
(``If-Match``) and take the rent of leases (each payment reaches finance as revenue through
the outbox); directors read the summaries. Afterwards: each moved card is in the room last
acknowledged, each acknowledged rent payment is paid and recorded by finance exactly once."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from shared.types import today
from tests.soak.client import User
from tests.soak.traffic import Actor, Finding, Soak, all_pages
from tests.soak.traffic.personnel import expected

API = "/api/assets"
IN_SERVICE = ("in_use", "idle")


@dataclass
class AssetsState:
    assets: list[str] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    owners: dict[int, int] = field(default_factory=dict)
    moves: dict[str, list[tuple[str, bool]]] = field(default_factory=lambda: defaultdict(list))
    invoices: deque[tuple[str, str, int, str]] = field(default_factory=deque)
    paid: dict[tuple[str, int], tuple[str, bool]] = field(default_factory=dict)


def state(soak: Soak) -> AssetsState:
    found: AssetsState = soak.state.setdefault("assets", AssetsState())
    return found


async def prepare(soak: Soak) -> None:
    s = state(soak)
    officer = soak.new_user("asset.officer")
    cards = await all_pages(officer, "assets.prepare", f"{API}/assets", {"status": "in_use"})
    s.assets = [c["id"] for c in cards[:400]]
    rooms = await all_pages(officer, "assets.prepare", f"{API}/rooms")
    s.rooms = [r["id"] for r in rooms]
    for lease in await all_pages(officer, "assets.prepare", f"{API}/leases"):
        if lease["status"] != "active":
            continue
        path = f"{API}/leases/{lease['id']}/invoices"
        for invoice in await all_pages(officer, "assets.prepare", path):
            if invoice["status"] == "due" and invoice["period_start"] <= today().isoformat():
                s.invoices.append((lease["id"], lease["code"], invoice["seq"], invoice["amount"]))


def _mine(soak: Soak, user: User) -> list[str]:
    s = state(soak)
    me = s.owners.setdefault(id(user), len(s.owners))
    movers = sum(a.clients for a in ACTORS if a.step is asset_officer)
    return [a for n, a in enumerate(s.assets) if n % movers == me]


async def _room_is(user: User, path: str, room: str) -> bool:
    outcome = await user.call("assets.confirm", "GET", path)
    return outcome.acked and outcome.json()["room_id"] == room


async def _invoice_paid(user: User, lease_id: str, seq: int) -> bool:
    path = f"{API}/leases/{lease_id}/invoices"
    outcome = await user.call("assets.confirm", "GET", path, params={"limit": 200})
    return outcome.acked and any(
        i["seq"] == seq and i["status"] == "paid" for i in outcome.json()["items"]
    )


async def _move(soak: Soak, user: User) -> None:
    s = state(soak)
    asset_id = user.rng.choice(_mine(soak, user))
    path = f"{API}/assets/{asset_id}"
    read = await user.call("assets.register.read", "GET", path)
    if not read.acked or read.response is None:
        return
    room = user.rng.choice([r for r in s.rooms if r != read.json()["room_id"]])
    outcome = await user.call(
        "assets.register.move",
        "POST",
        f"{path}/moves",
        json={"room_id": room, "reason": "soak: moved to another office"},
        headers={"If-Match": read.response.headers["etag"]},
        confirm=lambda: _room_is(user, path, room),
    )
    s.moves[asset_id].append((room, outcome.acked))


async def _pay_rent(soak: Soak, user: User) -> None:
    s = state(soak)
    lease_id, code, seq, amount = s.invoices.popleft()
    outcome = await user.call(
        "assets.leases.pay",
        "POST",
        f"{API}/leases/{lease_id}/invoices/{seq}/payments",
        json={"paid_on": today().isoformat(), "amount": amount, "reference": f"soak {seq}"},
        confirm=lambda: _invoice_paid(user, lease_id, seq),
    )
    s.paid[(lease_id, seq)] = (code, outcome.acked)


async def asset_officer(soak: Soak, user: User) -> None:
    s = state(soak)
    roll = user.rng.random()
    if roll < 0.1 and s.invoices:
        await _pay_rent(soak, user)
    elif roll < 0.35 and s.assets and len(s.rooms) > 1:
        await _move(soak, user)
    elif roll < 0.7:
        offset = user.rng.randrange(max(1, len(s.assets) - 20))
        params = {"limit": 20, "offset": offset}
        await user.call("assets.register.list", "GET", f"{API}/assets", params=params)
    elif roll < 0.85:
        await user.call("assets.summary", "GET", f"{API}/asset-summary")
    else:
        await user.call("assets.leases.list", "GET", f"{API}/leases", params={"limit": 20})


async def director(soak: Soak, user: User) -> None:
    await user.call("assets.summary", "GET", f"{API}/asset-summary")


ACTORS = (Actor("asset.officer", 2, asset_officer), Actor("director", 1, director))


async def settle(soak: Soak, seconds: float) -> None:
    return None  # the revenue events are finance's outbox check's and the receipts' below


async def check(soak: Soak) -> list[Finding]:
    s = state(soak)
    officer = soak.new_user("asset.officer")
    wrong_rooms: list[Any] = []
    for asset_id, moves in s.moves.items():
        outcome = await officer.call("assets.check", "GET", f"{API}/assets/{asset_id}")
        room = outcome.json()["room_id"] if outcome.acked else "unreadable"
        allowed = expected(moves)
        if allowed is not None and room not in allowed:
            wrong_rooms.append((asset_id, room, allowed))
    receipts = await all_pages(
        soak.new_user("finance.officer"), "assets.check", "/api/finance/revenue-receipts"
    )
    references = Counter(r["reference"] for r in receipts)
    wrong_rent: list[Any] = []
    for (lease_id, seq), (code, acked) in s.paid.items():
        recorded = references[f"lease {code} month {seq}"]
        if (acked and recorded != 1) or recorded > 1:
            wrong_rent.append((code, seq, acked, recorded))
        if acked and not await _invoice_paid(officer, lease_id, seq):
            wrong_rent.append((code, seq, "acknowledged but not paid"))
    acked_moves = sum(ok for m in s.moves.values() for _, ok in m)
    acked_rent = sum(ok for _, ok in s.paid.values())
    return [
        Finding(
            f"asset moves: each card is in the room last acknowledged ({acked_moves} "
            f"acknowledged over {len(s.moves)} cards)",
            not wrong_rooms,
            f"(card, room, expected): {wrong_rooms[:3]}",
        ),
        Finding(
            f"lease rent: each acknowledged payment paid and recorded by finance exactly once "
            f"({acked_rent} acknowledged)",
            not wrong_rent,
            f"(lease, month, acknowledged, receipts): {wrong_rent[:3]}",
        ),
    ]
