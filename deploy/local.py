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
    var.keep_private()  # databases (password hashes), logs and secrets: the owner's alone
    secret = load_or_create_secrets()
    os.environ.update(suite_environment(host, secret))
    operator_password = os.environ.get("GATEWAY_ADMIN_PASSWORD")
    migrate("all")
    admin_created = ensure_admin(operator_password or secret["admin_password"])
    seed_demo(secret["demo_password"])
    gateway = f"http://{host}:{port(GATEWAY)}"
    treasury = f"http://{host}:{port(TREASURY)}"
    shown = shown_admin_password(admin_created, operator_password, secret["admin_password"])
    return supervise(
        host,
        lambda given_up: _banner(gateway, treasury, shown, secret["demo_password"], given_up),
    )


def shown_admin_password(
    created: bool, operator_password: str | None, generated: str
) -> str | None:
    """The admin password the banner may print: the one the suite generated, on the run that
    created the admin with it; never one the operator supplied (GATEWAY_ADMIN_PASSWORD)."""
    return generated if created and not operator_password else None


def _banner(
    gateway: str,
    treasury: str,
    new_admin_password: str | None,
    demo_password: str,
    given_up: list[str] | None = None,
) -> str:
    admin = new_admin_password or (
        "as set on its first run (from GATEWAY_ADMIN_PASSWORD, which is never shown, "
        f"else the one generated into {var.SECRETS_FILE})"
    )
    demo = ", ".join(demo_username(r) for r in DEMO_ROLES)
    not_running = (
        f"  NOT RUNNING: {', '.join(given_up)} (crash-looping, given up; see "
        f"{var.LOGS}/<component>.log and {var.LOGS}/supervisor.log)\n"
        if given_up
        else ""
    )
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
  Logs:      {var.LOGS}/<component>.log (JSON lines); restarts in {var.LOGS}/supervisor.log
  Status:    {var.VAR}/supervisor.json (also in {gateway}/healthz)
{not_running}Stop with Ctrl-C.
"""
