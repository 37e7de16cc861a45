"""Where ``make run`` keeps its state: ``var/`` of the checkout, or ``SUITE_VAR_DIR``.

Read these as ``var.VAR`` (not ``from deploy.var import VAR``) so that tests can point them
elsewhere."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from deploy.components import ROOT

VAR = Path(os.environ.get("SUITE_VAR_DIR") or ROOT / "var").resolve()
SECRETS_FILE = VAR / "secrets.json"
LOGS = VAR / "log"


def keep_private() -> None:
    """What ``make run`` writes from now on is the owner's alone (umask 077, inherited by the
    children), and ``var/`` as an earlier run left it is made so: the directory 0700, every
    file in it 0600 (the databases hold password hashes and personal data, with their
    ``-wal``/``-shm`` files; the logs hold requests)."""
    os.umask(0o077)
    VAR.mkdir(parents=True, exist_ok=True)
    for path in [VAR, *VAR.rglob("*")]:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        private = 0o700 if path.is_dir() else mode & 0o700
        if mode != private:
            path.chmod(private)
