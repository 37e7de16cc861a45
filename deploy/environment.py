"""The environment ``make run`` gives its processes: databases under ``var/``, each
component's URL and client secret, and the treasury sandbox wired to finance and the
gateway."""

from __future__ import annotations

import json
import os

from deploy import var
from deploy.components import GATEWAY, SERVICES, TREASURY, port


def suite_environment(host: str, secret: dict[str, str]) -> dict[str, str]:
    """Environment variables that wire the five processes and the treasury sandbox to each
    other. A ``<NAME>_DATABASE_URL`` already in the environment is kept (the soak runs the
    suite on PostgreSQL so); else each database is a SQLite file under ``var/``."""
    urls = {c.name: f"http://{host}:{port(c)}" for c in SERVICES}
    gateway_url = f"http://{host}:{port(GATEWAY)}"
    env = {
        "GATEWAY_DATABASE_URL": _database("gateway"),
        "GATEWAY_SIGNING_KEY_FILE": str(var.VAR / "gateway-signing-key.pem"),
        # the supervisor's account of its children, included in the gateway's /healthz
        "GATEWAY_SUPERVISOR_STATUS_FILE": str(var.VAR / "supervisor.json"),
        "GATEWAY_SERVICE_URLS": json.dumps(urls),
        "GATEWAY_SERVICE_CLIENT_SECRETS": json.dumps(
            {c.name: secret[f"client_secret_{c.name}"] for c in SERVICES}
        ),
        "GATEWAY_TREASURY_CLIENT_SECRETS": json.dumps(
            {"treasury": secret["client_secret_treasury"]}
        ),
        # finance and the treasury sandbox: instructions one way, callbacks via the gateway
        "FINANCE_TREASURY_URL": f"http://{host}:{port(TREASURY)}",
        "FINANCE_TREASURY_INSTRUCTION_SECRET": secret["treasury_instruction_secret"],
        "FINANCE_TREASURY_CALLBACK_SECRET": secret["treasury_callback_secret"],
        "TREASURY_DATABASE_URL": _database("treasury"),
        "TREASURY_INSTRUCTION_SECRET": secret["treasury_instruction_secret"],
        "TREASURY_CALLBACK_SECRET": secret["treasury_callback_secret"],
        "TREASURY_CALLBACK_URL": f"{gateway_url}/api/finance/treasury/callbacks",
        "TREASURY_TOKEN_URL": f"{gateway_url}/auth/token",
        "TREASURY_CLIENT_ID": "treasury",
        "TREASURY_CLIENT_SECRET": secret["client_secret_treasury"],
    }
    if "personnel_id_secret" in secret:
        env["PERSONNEL_ID_SECRET"] = secret["personnel_id_secret"]
    for c in SERVICES:
        env[f"{c.env_prefix}DATABASE_URL"] = _database(c.name)
        env[f"{c.env_prefix}GATEWAY_URL"] = gateway_url
        env[f"{c.env_prefix}CLIENT_SECRET"] = secret[f"client_secret_{c.name}"]
        env[f"{c.env_prefix}PEER_URLS"] = json.dumps({n: u for n, u in urls.items() if n != c.name})
    return env


def _database(name: str) -> str:
    return os.environ.get(f"{name.upper()}_DATABASE_URL") or f"sqlite:///{var.VAR}/{name}.db"
