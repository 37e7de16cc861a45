"""The finance service's audit log, for code that runs outside a request (inbox handlers,
the treasury worker): the same table the app's ``AuditLog`` writes to."""

from __future__ import annotations

from shared.audit import AuditLog
from shared.tables import platform_tables

AUDIT = AuditLog(platform_tables("finance").audit)
