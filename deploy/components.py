"""The five processes of the suite: where their apps, settings and migrations live, ports."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

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
