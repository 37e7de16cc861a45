"""The development secrets of this checkout (``var/secrets.json``, mode 0600): generated on
the first ``make run``, then reused."""

from __future__ import annotations

import json
import os
import secrets

from deploy import var
from deploy.components import SERVICES
from shared.webhooks import new_secret


def _treasury_secrets() -> dict[str, str]:
    """The secrets of the treasury sandbox: finance signs instructions with the first, the
    sandbox signs callbacks with the second and signs in at the gateway with the third."""
    return {
        "treasury_instruction_secret": new_secret(secrets.token_bytes(32)),
        "treasury_callback_secret": new_secret(secrets.token_bytes(32)),
        "client_secret_treasury": secrets.token_urlsafe(32),
    }


def _write_secrets(data: dict[str, str], *, replace: bool) -> None:
    """Write the file readable by its owner only; a rewrite replaces it in one step."""
    target = var.SECRETS_FILE.with_suffix(".tmp") if replace else var.SECRETS_FILE
    if replace:
        target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=2)
    if replace:
        os.replace(target, var.SECRETS_FILE)


def load_or_create_secrets() -> dict[str, str]:
    """The development secrets of this checkout; generated once, then reused.

    A file written before the treasury sandbox existed gets its secrets added; every secret
    already in the file is kept as it is."""
    if var.SECRETS_FILE.exists():
        data: dict[str, str] = json.loads(var.SECRETS_FILE.read_text())
        missing = {k: v for k, v in _treasury_secrets().items() if k not in data}
        if missing:
            data.update(missing)
            _write_secrets(data, replace=True)
        return data
    var.VAR.mkdir(parents=True, exist_ok=True)
    data = {
        "admin_password": secrets.token_urlsafe(12),
        "demo_password": secrets.token_urlsafe(12),
    }
    data.update({f"client_secret_{c.name}": secrets.token_urlsafe(32) for c in SERVICES})
    data["personnel_id_secret"] = secrets.token_urlsafe(32)
    data.update(_treasury_secrets())
    _write_secrets(data, replace=False)
    return data
