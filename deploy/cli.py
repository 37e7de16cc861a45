"""Command line of the suite: ``python -m deploy.cli {run,migrate,serve,bootstrap,check}``."""

from __future__ import annotations

import argparse
import os
import sys

from deploy.components import ALL, BY_NAME, GATEWAY, SERVED, Component


def _components(name: str) -> list[Component]:
    return list(ALL) if name == "all" else [BY_NAME[name]]


def migrate(name: str) -> None:
    """Upgrade the database(s) of ``name`` (or ``all``) to the latest migration."""
    from shared.migrations import upgrade

    for component in _components(name):
        upgrade(component.migrations_dir, component.database_url(), component.name)
        print(f"{component.name}: migrated", file=sys.stderr)


def check(name: str) -> int:
    """Exit non-zero when a component's models and its migrated database disagree."""
    from deploy.components import load_object
    from shared.db import make_engine
    from shared.migrations import model_diff

    failed = 0
    for component in _components(name):
        load_object(component.app_factory)  # imports the models
        diff = model_diff(make_engine(component.database_url()), component.name)
        if diff:
            failed += 1
            print(f"{component.name}: models differ from migrations: {diff}", file=sys.stderr)
    return 1 if failed else 0


def serve(name: str, host: str, port: int) -> None:
    import uvicorn

    component = SERVED[name]
    # Trust X-Forwarded-* only from proxies named in FORWARDED_ALLOW_IPS; by default nobody,
    # so a client cannot pick the address that sign-in throttling counts.
    uvicorn.run(
        component.app_factory,
        proxy_headers="FORWARDED_ALLOW_IPS" in os.environ,
        factory=True,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_config=None,
        server_header=False,
        timeout_graceful_shutdown=10,
    )


def ensure_admin(password: str) -> bool:
    """Create the gateway's ``admin`` user unless it exists; whether it was created."""
    from deploy.components import unit_of_work
    from gateway.identity.service import ensure_user

    with unit_of_work(GATEWAY) as session:
        return ensure_user(
            session,
            username="admin",
            password=password,
            roles=["admin"],
            display_name="Administrator",
        )


def bootstrap() -> None:
    """Create the ``admin`` user from ``GATEWAY_ADMIN_PASSWORD`` unless it exists."""
    password = os.environ.get("GATEWAY_ADMIN_PASSWORD")
    if not password:
        sys.exit("GATEWAY_ADMIN_PASSWORD must be set to bootstrap the admin user")
    created = ensure_admin(password)
    print("admin user created" if created else "admin user exists", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="the whole suite on this machine (SQLite, demo data)")
    run_p.add_argument("--host", default=os.environ.get("SUITE_HOST", "127.0.0.1"))
    names = ["all", *BY_NAME]
    sub.add_parser("migrate", help="upgrade databases").add_argument("name", choices=names)
    sub.add_parser("check", help="models agree with migrations").add_argument("name", choices=names)
    serve_p = sub.add_parser("serve", help="serve one component or sandbox (treasury)")
    serve_p.add_argument("name", choices=list(SERVED))
    serve_p.add_argument("--host", default="127.0.0.1")
    serve_p.add_argument("--port", type=int)
    sub.add_parser("bootstrap", help="create the admin user")
    args = parser.parse_args(argv)

    if args.command == "run":
        from deploy.local import run_suite

        return run_suite(args.host)
    if args.command == "migrate":
        migrate(args.name)
    elif args.command == "check":
        return check(args.name)
    elif args.command == "serve":
        serve(args.name, args.host, args.port or SERVED[args.name].default_port)
    elif args.command == "bootstrap":
        bootstrap()
    return 0


if __name__ == "__main__":
    sys.exit(main())
