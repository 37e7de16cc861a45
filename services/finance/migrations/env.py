"""Alembic environment of the finance service (tables prefixed ``finance_``)."""

import services.finance.main  # noqa: F401  - registers the service's tables
from shared.migrations import run_env

run_env()
