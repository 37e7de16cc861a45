"""The finance service's app: the shared platform plus its own business routers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

import services.finance
from services.finance.config import FinanceSettings
from shared.app import ServiceSpec, create_service_app

SPEC = ServiceSpec(
    name="finance",
    title="Finance service",
    description=(services.finance.__doc__ or "").replace("\n", " ").strip(),
    migrations_dir=Path(__file__).parent / "migrations",
)


def create_app(settings: FinanceSettings | None = None, **overrides: Any) -> FastAPI:
    return create_service_app(SPEC, settings or FinanceSettings(), **overrides)
