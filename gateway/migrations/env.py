"""Alembic environment of the gateway (tables prefixed ``gateway_``)."""

import gateway.main  # noqa: F401  - registers the gateway's tables
from shared.migrations import run_env

run_env()
