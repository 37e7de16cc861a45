"""``make run``: the whole suite on this machine, on SQLite under ``var/``, with demo users.

First start: generates secrets (``var/secrets.json``, mode 0600), migrates every database,
creates ``admin`` and one demo user per role, seeds each service's demo data, starts the five
processes and the treasury sandbox and prints where to sign in. Later starts reuse all of it
(a secrets file from before the sandbox gets the sandbox's secrets added). Ctrl-C or SIGTERM
stops every child.

The parts: ``suite_secrets`` (the secrets file), ``environment`` (what each process gets),
``demo`` (the seeding steps), ``supervisor`` (the processes).
"""

from __future__ import annotations

import os

from deploy import var
from deploy.components import GATEWAY, TREASURY, port
from deploy.demo import seed_demo
from deploy.environment import suite_environment
from deploy.suite_secrets import load_or_create_secrets
from deploy.supervisor import Stop, supervise
from gateway.identity.demo import DEMO_ROLES, demo_username


def run_suite(host: str) -> int:
    from deploy.cli import ensure_admin, migrate

    Stop.install()
    secret = load_or_create_secrets()
    os.environ.update(suite_environment(host, secret))
    admin_password = os.environ.get("GATEWAY_ADMIN_PASSWORD") or secret["admin_password"]
    migrate("all")
    admin_created = ensure_admin(admin_password)
    seed_demo(secret["demo_password"])
    gateway = f"http://{host}:{port(GATEWAY)}"
    treasury = f"http://{host}:{port(TREASURY)}"
    new_admin = admin_password if admin_created else None
    return supervise(host, _banner(gateway, treasury, new_admin, secret["demo_password"]))


def _banner(gateway: str, treasury: str, new_admin_password: str | None, demo_password: str) -> str:
    admin = new_admin_password or (
        f"as set on its first run (GATEWAY_ADMIN_PASSWORD then, else in {var.SECRETS_FILE})"
    )
    demo = ", ".join(demo_username(r) for r in DEMO_ROLES)
    return f"""
Agency Affairs Suite is up.
  Gateway:   {gateway}
  API docs:  {gateway}/docs
  Sign in:   user admin, password {admin}
             curl -d grant_type=password -d username=admin -d 'password=...' {gateway}/auth/token
  Demo users (one per role, password {demo_password}): {demo}
             (unit.liaison speaks for the bureau's own unit, AAB; staff is one of its staff)
  Treasury:  {treasury} (sandbox of the treasury payment system: {treasury}/docs,
             control at {treasury}/control; see deploy/treasury/README.md)
  Logs:      {var.LOGS}/<component>.log (JSON lines)
Stop with Ctrl-C.
"""
