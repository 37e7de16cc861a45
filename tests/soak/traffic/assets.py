"""Assets' traffic: asset officers and directors read the register; afterwards nothing to
check beyond the suite's own invariants."""

from __future__ import annotations

from tests.soak.client import User
from tests.soak.traffic import Actor, Finding, Soak

API = "/api/assets"


async def prepare(soak: Soak) -> None:
    return None


async def asset_officer(soak: Soak, user: User) -> None:
    roll = user.rng.random()
    if roll < 0.5:
        await user.call("assets.register.list", "GET", f"{API}/assets", params={"limit": 20})
    elif roll < 0.8:
        await user.call("assets.summary", "GET", f"{API}/asset-summary")
    else:
        await user.call("assets.leases.list", "GET", f"{API}/leases", params={"limit": 20})


ACTORS = (Actor("asset.officer", 2, asset_officer),)


async def settle(soak: Soak, seconds: float) -> None:
    return None


async def check(soak: Soak) -> list[Finding]:
    return []
