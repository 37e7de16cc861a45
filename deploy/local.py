"""``make run``: the whole suite on this machine, on SQLite under ``var/``, with demo users.

First start: generates secrets (``var/secrets.json``, mode 0600), migrates every database,
creates ``admin`` and one demo user per role, starts the five processes and the treasury
sandbox and prints where to sign in. Later starts reuse all of it (a secrets file from before
the sandbox gets the sandbox's secrets added). Ctrl-C or SIGTERM stops every child.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

from deploy.components import GATEWAY, ROOT, SERVED, SERVICES, TREASURY, Component, Sandbox
from shared.webhooks import new_secret

VAR = Path(os.environ.get("SUITE_VAR_DIR") or ROOT / "var").resolve()
SECRETS_FILE = VAR / "secrets.json"
LOGS = VAR / "log"
# the processes ``make run`` starts: the five components and the treasury sandbox
PROCESSES: tuple[Component | Sandbox, ...] = tuple(SERVED.values())
DEMO_ROLES = (
    "director",
    "finance_officer",
    "finance_approver",
    "asset_officer",
    "facilities_officer",
    "security_officer",
    "guard",
    "hr_officer",
    "unit_liaison",
    "staff",
    "auditor",
)


def _port(component: Component | Sandbox) -> int:
    return int(os.environ.get(f"{component.env_prefix}PORT", component.default_port))


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
    target = SECRETS_FILE.with_suffix(".tmp") if replace else SECRETS_FILE
    if replace:
        target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=2)
    if replace:
        os.replace(target, SECRETS_FILE)


def load_or_create_secrets() -> dict[str, str]:
    """The development secrets of this checkout; generated once, then reused.

    A file written before the treasury sandbox existed gets its secrets added; every secret
    already in the file is kept as it is."""
    if SECRETS_FILE.exists():
        data: dict[str, str] = json.loads(SECRETS_FILE.read_text())
        missing = {k: v for k, v in _treasury_secrets().items() if k not in data}
        if missing:
            data.update(missing)
            _write_secrets(data, replace=True)
        return data
    VAR.mkdir(parents=True, exist_ok=True)
    data = {
        "admin_password": secrets.token_urlsafe(12),
        "demo_password": secrets.token_urlsafe(12),
    }
    data.update({f"client_secret_{c.name}": secrets.token_urlsafe(32) for c in SERVICES})
    data["personnel_id_secret"] = secrets.token_urlsafe(32)
    data.update(_treasury_secrets())
    _write_secrets(data, replace=False)
    return data


def suite_environment(host: str, secret: dict[str, str]) -> dict[str, str]:
    """Environment variables that wire the five processes and the treasury sandbox to each
    other."""
    urls = {c.name: f"http://{host}:{_port(c)}" for c in SERVICES}
    gateway_url = f"http://{host}:{_port(GATEWAY)}"
    env = {
        "GATEWAY_DATABASE_URL": f"sqlite:///{VAR}/gateway.db",
        "GATEWAY_SIGNING_KEY_FILE": str(VAR / "gateway-signing-key.pem"),
        "GATEWAY_SERVICE_URLS": json.dumps(urls),
        "GATEWAY_SERVICE_CLIENT_SECRETS": json.dumps(
            {c.name: secret[f"client_secret_{c.name}"] for c in SERVICES}
        ),
        "GATEWAY_TREASURY_CLIENT_SECRETS": json.dumps(
            {"treasury": secret["client_secret_treasury"]}
        ),
        # finance and the treasury sandbox: instructions one way, callbacks via the gateway
        "FINANCE_TREASURY_URL": f"http://{host}:{_port(TREASURY)}",
        "FINANCE_TREASURY_INSTRUCTION_SECRET": secret["treasury_instruction_secret"],
        "FINANCE_TREASURY_CALLBACK_SECRET": secret["treasury_callback_secret"],
        "TREASURY_DATABASE_URL": f"sqlite:///{VAR}/treasury.db",
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
        env[f"{c.env_prefix}DATABASE_URL"] = f"sqlite:///{VAR}/{c.name}.db"
        env[f"{c.env_prefix}GATEWAY_URL"] = gateway_url
        env[f"{c.env_prefix}CLIENT_SECRET"] = secret[f"client_secret_{c.name}"]
        env[f"{c.env_prefix}PEER_URLS"] = json.dumps({n: u for n, u in urls.items() if n != c.name})
    return env


def ensure_admin(password: str) -> bool:
    from sqlmodel import Session

    from gateway.config import GatewaySettings
    from gateway.identity.service import ensure_user
    from shared.db import make_engine

    engine = make_engine(GatewaySettings().resolved_database_url)
    with Session(engine) as session:
        return ensure_user(
            session,
            username="admin",
            password=password,
            roles=["admin"],
            display_name="Administrator",
        )


def ensure_demo_users(password: str) -> None:
    from sqlmodel import Session

    from gateway.config import GatewaySettings
    from gateway.identity.service import ensure_user
    from shared.db import make_engine

    engine = make_engine(GatewaySettings().resolved_database_url)
    with Session(engine) as session:
        for role in DEMO_ROLES:
            ensure_user(
                session,
                username=role.replace("_", "."),
                password=password,
                roles=[role],
                display_name=f"Demo {role.replace('_', ' ')}",
            )


class _Stop:
    """Set by SIGINT/SIGTERM; every wait below looks at it."""

    requested = False

    @classmethod
    def install(cls) -> None:
        def on_signal(_signum: int, _frame: FrameType | None) -> None:
            cls.requested = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)


def _wait_healthy(url: str, children: dict[str, subprocess.Popen[bytes]], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not _Stop.requested:
        if any(p.poll() is not None for p in children.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our own URL
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


def seed_demo_data() -> bool:
    """Fill the personnel database with demo units, positions and staff if it is empty."""
    from sqlmodel import Session

    from services.personnel import demo
    from services.personnel.config import PersonnelSettings
    from services.personnel.staff.identity_numbers import IdVault
    from shared.db import make_engine

    settings = PersonnelSettings()
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as session:
        seeded = demo.seed(session, IdVault(settings.id_secret), settings.grade_subscribers)
    engine.dispose()
    return seeded


def seed_finance_demo() -> bool:
    """Open demo books for personnel's budget units (same ids) if finance has none yet."""
    from sqlmodel import Session, select

    from services.finance import demo
    from services.finance.config import FinanceSettings
    from services.personnel.config import PersonnelSettings
    from services.personnel.organisation.models import Unit, UnitKind
    from shared.db import make_engine

    people = make_engine(PersonnelSettings().resolved_database_url)
    with Session(people) as session:
        units = [
            (u.id, u.code, u.name_zh)
            for u in session.exec(
                select(Unit).where(Unit.kind == UnitKind.BUDGET_UNIT).order_by(Unit.code)
            )
        ]
    people.dispose()
    books = make_engine(FinanceSettings().resolved_database_url)
    with Session(books) as session:
        seeded = demo.seed(session, units or None)
    books.dispose()
    return seeded


def seed_assets_demo() -> bool:
    """Lay out the six compounds' buildings and rooms; office floors go to personnel's budget
    units, whose ids are read here and handed over (assets never reads personnel's tables)."""
    from sqlmodel import Session, col, select

    from services.assets import demo
    from services.personnel.config import PersonnelSettings
    from services.personnel.organisation.models import Unit, UnitKind
    from shared.db import make_engine

    people = make_engine(PersonnelSettings().resolved_database_url)
    with Session(people) as session:
        budget_units = select(Unit.id).where(Unit.kind == UnitKind.BUDGET_UNIT)
        units = list(session.exec(budget_units.order_by(col(Unit.code))))
    people.dispose()
    return demo.seed_configured(units)


def link_demo_users() -> None:
    """Give the demo liaison the bureau's unit and the demo staff user a staff record there,
    so that unit scope and self-service can be tried at once."""
    from sqlmodel import Session, col, select

    from gateway.config import GatewaySettings
    from gateway.identity.models import User
    from services.personnel.config import PersonnelSettings
    from services.personnel.organisation.models import Unit
    from services.personnel.staff.models import StaffPeriod
    from shared.db import make_engine

    people = make_engine(PersonnelSettings().resolved_database_url)
    with Session(people) as session:
        unit = session.exec(select(Unit).where(Unit.code == "AAB")).first()
        member = session.exec(
            select(StaffPeriod).where(
                col(StaffPeriod.valid_to).is_(None),
                StaffPeriod.status == "serving",
                StaffPeriod.unit_id == (unit.id if unit else None),
            )
        ).first()
    people.dispose()
    if unit is None or member is None:
        return
    accounts = make_engine(GatewaySettings().resolved_database_url)
    with Session(accounts) as session:
        for user in session.exec(
            select(User).where(col(User.username).in_(["unit.liaison", "staff"]))
        ):
            if user.unit_id is None:
                user.unit_id = str(unit.id)
                if user.username == "staff":
                    user.staff_id = str(member.staff_id)
                session.add(user)
        session.commit()
    accounts.dispose()


def _stop(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in children.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 10
    for process in children.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def _start(host: str) -> dict[str, subprocess.Popen[bytes]]:
    LOGS.mkdir(parents=True, exist_ok=True)
    children = {}
    for component in PROCESSES:
        command = [sys.executable, "-m", "deploy.cli", "serve", component.name]
        command += ["--host", host, "--port", str(_port(component))]
        with (LOGS / f"{component.name}.log").open("ab") as log:
            children[component.name] = subprocess.Popen(  # noqa: S603 - our interpreter
                command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
    return children


def run_suite(host: str) -> int:
    from deploy.cli import migrate

    _Stop.install()
    secret = load_or_create_secrets()
    os.environ.update(suite_environment(host, secret))
    admin_password = os.environ.get("GATEWAY_ADMIN_PASSWORD") or secret["admin_password"]
    migrate("all")
    admin_created = ensure_admin(admin_password)
    ensure_demo_users(secret["demo_password"])
    if seed_demo_data():
        print("personnel: demo units, positions and staff created", file=sys.stderr)
    if seed_finance_demo():
        print("finance: demo budget lines, plans, quotas and requests created", file=sys.stderr)
    if seed_assets_demo():
        print("assets: demo compounds, buildings, floors and rooms created", file=sys.stderr)
    link_demo_users()

    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        children = _start(host)
        for component in PROCESSES:
            url = f"http://{host}:{_port(component)}/healthz"
            if not _wait_healthy(url, children, 60):
                if _Stop.requested:
                    return 0
                log = LOGS / f"{component.name}.log"
                print(
                    f"{component.name} did not become healthy at {url}; see {log}", file=sys.stderr
                )
                return 1
        gateway = f"http://{host}:{_port(GATEWAY)}"
        treasury = f"http://{host}:{_port(TREASURY)}"
        new_admin = admin_password if admin_created else None
        print(_banner(gateway, treasury, new_admin, secret["demo_password"]), flush=True)
        while not _Stop.requested:
            for name, process in children.items():
                if process.poll() is not None:
                    print(
                        f"{name} exited with {process.returncode}; stopping the suite (see "
                        f"{LOGS / (name + '.log')})",
                        file=sys.stderr,
                    )
                    return 1
            time.sleep(0.2)
        return 0
    finally:
        _stop(children)
        print("Stopped.", file=sys.stderr)


def _banner(gateway: str, treasury: str, new_admin_password: str | None, demo_password: str) -> str:
    admin = new_admin_password or (
        f"as set on its first run (GATEWAY_ADMIN_PASSWORD then, else in {SECRETS_FILE})"
    )
    demo = ", ".join(r.replace("_", ".") for r in DEMO_ROLES)
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
  Logs:      {LOGS}/<component>.log (JSON lines)
Stop with Ctrl-C.
"""
