"""Where ``make run`` keeps its state: ``var/`` of the checkout, or ``SUITE_VAR_DIR``.

Read these as ``var.VAR`` (not ``from deploy.var import VAR``) so that tests can point them
elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

from deploy.components import ROOT

VAR = Path(os.environ.get("SUITE_VAR_DIR") or ROOT / "var").resolve()
SECRETS_FILE = VAR / "secrets.json"
LOGS = VAR / "log"
