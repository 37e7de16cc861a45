"""Alembic environment of the assets service (tables prefixed ``assets_``)."""

import services.assets.main  # noqa: F401  - registers the service's tables
from shared.migrations import run_env

run_env()
