"""The traffic of the soak, one module per service (finance's payroll and claims in modules of
their own, beside its payments): each says who its users are (``ACTORS``:
a demo account, how many clients of it, and one step of what such a client does), what it
must learn before the run (``prepare``), when what it started has come to rest (``settle``)
and what must hold of it afterwards (``check``). A new service's traffic is one more module
in ``MODULES``."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from tests.soak.client import Recorder, User


@dataclass
class Finding:
    """One invariant: held or not, with a counterexample; ``source`` says how it was read."""

    name: str
    held: bool
    detail: str = ""
    source: str = "API"


@dataclass
class Soak:
    """What every step sees: the clients' factory, the clock, and each module's state."""

    recorder: Recorder
    stop_at: float
    new_user: Callable[[str], User]
    database_url: Callable[[str], str]
    treasury: str
    state: dict[str, Any] = field(default_factory=dict)

    faults_done: bool = False

    def running(self) -> bool:
        """Until the run's seconds are over and the last fault has come and gone."""
        return time.monotonic() < self.stop_at or not self.faults_done


Step = Callable[[Soak, User], Awaitable[None]]


@dataclass(frozen=True)
class Actor:
    username: str  # a demo account (deploy/demo.py)
    clients: int
    step: Step


class TrafficModule(Protocol):
    ACTORS: tuple[Actor, ...]

    async def prepare(self, soak: Soak) -> None: ...

    async def settle(self, soak: Soak, seconds: float) -> None: ...

    async def check(self, soak: Soak) -> list[Finding]: ...


async def all_pages(
    user: User, kind: str, path: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every item of a listing, 200 at a time (for the checks at the end); a listing that
    takes no ``limit`` is one page."""
    items: list[dict[str, Any]] = []
    paged = True
    while True:
        pages = {"limit": 200, "offset": len(items)} if paged else {}
        outcome = await user.call(kind, "GET", path, params={**(params or {}), **pages})
        if outcome.response is not None and outcome.response.status_code == 422 and paged:
            paged = False
            continue
        if not outcome.acked:
            raise RuntimeError(f"{path}: {outcome.response and outcome.response.text}")
        page = outcome.json()
        items.extend(page["items"])
        if not page["items"] or len(items) >= page["total"]:
            return items
