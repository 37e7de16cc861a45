"""Alembic environment of the personnel service (tables prefixed ``personnel_``)."""

import services.personnel.main  # noqa: F401  - registers the service's tables
from shared.migrations import run_env

run_env()
