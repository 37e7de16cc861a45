"""The five processes of the suite: where their apps, settings and migrations live, ports;
and the sandboxes that stand in for systems outside it."""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent


def load_object(path: str) -> object:
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


@dataclass(frozen=True)
class Component:
    name: str
    app_factory: str  # "module:function", called by uvicorn with --factory
    settings_class: str  # "module:Class"
    migrations_dir: Path
    default_port: int

    @property
    def env_prefix(self) -> str:
        return self.name.upper() + "_"

    def database_url(self) -> str:
        settings = load_object(self.settings_class)()  # type: ignore[operator]
        return str(settings.resolved_database_url)


GATEWAY = Component(
    "gateway",
    "gateway.main:create_app",
    "gateway.config:GatewaySettings",
    ROOT / "gateway/migrations",
    8000,
)
SERVICES = tuple(
    Component(
        name,
        f"services.{name}.main:create_app",
        f"services.{name}.config:{name.title()}Settings",
        ROOT / f"services/{name}/migrations",
        port,
    )
    for name, port in (
        ("finance", 8001),
        ("assets", 8002),
        ("facilities", 8003),
        ("personnel", 8004),
    )
)
ALL = (GATEWAY, *SERVICES)
BY_NAME = {c.name: c for c in ALL}


@dataclass(frozen=True)
class Sandbox:
    """A stand-in for a system outside the suite (development, tests, compose): served like
    a component, but not behind the gateway and without migrations (it creates its tables at
    start)."""

    name: str
    app_factory: str
    settings_class: str
    default_port: int

    @property
    def env_prefix(self) -> str:
        return self.name.upper() + "_"


TREASURY = Sandbox(
    "treasury",
    "deploy.treasury.app:create_app",
    "deploy.treasury.config:TreasurySettings",
    8009,
)
SANDBOXES = (TREASURY,)
# what ``python -m deploy.cli serve <name>`` can serve
SERVED: dict[str, Component | Sandbox] = {**BY_NAME, **{s.name: s for s in SANDBOXES}}


def port(component: Component | Sandbox) -> int:
    """The port ``make run`` serves ``component`` on: ``<NAME>_PORT``, else its default."""
    return int(os.environ.get(f"{component.env_prefix}PORT", component.default_port))


@contextlib.contextmanager
def unit_of_work(component: Component) -> Iterator[Session]:
    """One transaction on ``component``'s database, for the deployment's own steps (bootstrap,
    demo seeding): committed when the block succeeds, rolled back when it raises; the engine
    is disposed afterwards."""
    from shared.db import make_engine
    from shared.db import unit_of_work as work

    engine = make_engine(component.database_url())
    try:
        with work(engine) as session:
            yield session
    finally:
        engine.dispose()
