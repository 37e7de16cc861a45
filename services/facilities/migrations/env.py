"""Alembic environment of the facilities service (tables prefixed ``facilities_``)."""

import services.facilities.main  # noqa: F401  - registers the service's tables
from shared.migrations import run_env

run_env()
