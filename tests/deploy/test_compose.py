"""docker-compose.yml: valid, consistent with itself, each component served after its migration.

No Docker engine is needed: the files are checked against the Compose schema, against each
other and against the code.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from deploy.components import SERVICES
from tests.deploy.compose_support import (
    COMPONENTS,
    COMPOSE_FILE,
    LONG_RUNNING_RESTART,
    ONE_SHOT_RESTART,
    ROOT,
    _depends_on,
    _environment,
    _is_one_shot,
    _long_running,
)

# -- the file as a whole ----------------------------------------------------------------------


def test_compose_file_is_valid_against_the_compose_spec_schema() -> None:
    binary = Path(sys.executable).parent / "check-jsonschema"
    assert binary.exists(), f"{binary} missing (pip install -r requirements.lock)"
    result = subprocess.run(
        [str(binary), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_depends_on_names_defined_services(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for target, condition in _depends_on(service).items():
            assert target in services, f"{name} depends on undefined service {target}"
            assert target != name
            assert condition in {
                "service_started",
                "service_healthy",
                "service_completed_successfully",
            }


def test_depends_on_has_no_cycle(services: dict[str, dict[str, Any]]) -> None:
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"dependency cycle: {' -> '.join((*path, name))}"
        if name in done:
            return
        for target in _depends_on(services[name]):
            visit(target, (*path, name))
        done.add(name)

    for name in services:
        visit(name, ())


def test_referenced_secrets_and_volumes_are_declared(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    declared_secrets = set(compose.get("secrets") or {})
    declared_volumes = set(compose.get("volumes") or {})
    used_volumes: set[str] = set()
    for name, service in services.items():
        for secret in service.get("secrets") or []:
            source = secret if isinstance(secret, str) else secret["source"]
            assert source in declared_secrets, f"{name} uses undeclared secret {source}"
        for volume in service.get("volumes") or []:
            if isinstance(volume, str):
                source = volume.split(":", 1)[0]
                kind = "bind" if source.startswith((".", "/", "~", "$")) else "volume"
            else:
                source, kind = volume.get("source", ""), volume["type"]
            if kind == "volume" and source:
                assert source in declared_volumes, f"{name} uses undeclared volume {source}"
                used_volumes.add(source)
            if kind == "bind" and source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
    assert used_volumes == declared_volumes, "declared but unused volumes"
    for secret_name, spec in (compose.get("secrets") or {}).items():
        assert "file" in spec, f"secret {secret_name} should come from a file"
        path = ROOT / spec["file"]
        assert path.parent.is_dir(), f"{path.parent} (for secret {secret_name}) is missing"


def test_only_the_gateway_publishes_a_port(services: dict[str, dict[str, Any]]) -> None:
    publishing = {name for name, s in services.items() if s.get("ports")}
    assert publishing == {"gateway"}
    (port,) = services["gateway"]["ports"]
    published = port if isinstance(port, str) else f"{port['published']}:{port['target']}"
    assert published.endswith(":8000"), published
    assert published == "${GATEWAY_PUBLISH_PORT:-8000}:8000"


def test_long_running_services_have_a_healthcheck_and_a_restart_policy(
    services: dict[str, dict[str, Any]],
) -> None:
    long_running = _long_running(services)
    assert set(COMPONENTS) | {"postgres"} <= set(long_running)
    for name, service in long_running.items():
        check = service.get("healthcheck") or {}
        test = check.get("test")
        assert test, f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} has its healthcheck disabled"
        assert test[0] in {"CMD", "CMD-SHELL"}, name
        assert service.get("restart") in LONG_RUNNING_RESTART, f"{name}: restart policy"


def test_one_shot_services_do_not_restart_forever(services: dict[str, dict[str, Any]]) -> None:
    one_shots = {name: s for name, s in services.items() if _is_one_shot(s)}
    assert one_shots
    for name, service in one_shots.items():
        assert ONE_SHOT_RESTART.match(str(service.get("restart", "no"))), name
        assert "healthcheck" not in service or service["healthcheck"].get("disable"), name
        assert not service.get("ports"), name


def test_component_healthchecks_probe_healthz_on_the_served_port(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in COMPONENTS:
        test = services[name]["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python", "-c"], f"{name}: the slim image has no curl"
        code = test[3]
        compile(code, f"<{name} healthcheck>", "exec")
        assert "http://127.0.0.1:8000/healthz" in code
        command = services[name]["command"]
        assert command[command.index("--port") + 1] == "8000"


# -- the components ---------------------------------------------------------------------------


def test_all_components_run_from_one_image(services: dict[str, dict[str, Any]]) -> None:
    built = {name: s for name, s in services.items() if "build" in s}
    assert set(built) >= set(COMPONENTS)
    images = {s.get("image") for s in built.values()}
    assert len(images) == 1, images
    assert None not in images
    for name, service in built.items():
        assert service["build"] == {"context": ".", "dockerfile": "deploy/Dockerfile"}, name


@pytest.mark.parametrize("name", COMPONENTS)
def test_component_is_served_after_its_migration(
    name: str, services: dict[str, dict[str, Any]]
) -> None:
    service = services[name]
    all_interfaces = "0.0.0.0"  # noqa: S104 - inside the container, behind the compose network
    assert service["command"] == ["serve", name, "--host", all_interfaces, "--port", "8000"]
    migrate_steps = {
        target
        for target, condition in _depends_on(service).items()
        if condition == "service_completed_successfully"
        and services[target].get("command") == ["migrate", name]
    }
    assert migrate_steps == {f"{name}-migrate"}
    assert _depends_on(service).get("postgres") == "service_healthy"
    assert _depends_on(services[f"{name}-migrate"]).get("postgres") == "service_healthy"


def test_gateway_bootstraps_the_admin_after_migrating_and_waits_for_the_services(
    services: dict[str, dict[str, Any]],
) -> None:
    bootstrap = [n for n, s in services.items() if s.get("command") == ["bootstrap"]]
    assert bootstrap == ["gateway-bootstrap"]
    step = services["gateway-bootstrap"]
    assert _depends_on(step).get("gateway-migrate") == "service_completed_successfully"
    assert "GATEWAY_ADMIN_PASSWORD" in _environment(step)
    gateway = _depends_on(services["gateway"])
    assert gateway.get("gateway-bootstrap") == "service_completed_successfully"
    for service in SERVICES:
        assert gateway.get(service.name) == "service_healthy", service.name
        # services fetch the JWKS lazily, so they must not wait for the gateway (no cycle)
        assert "gateway" not in _depends_on(services[service.name])


def test_admin_password_and_signing_key_reach_only_where_needed(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        env = _environment(service)
        if name != "gateway-bootstrap":
            assert "GATEWAY_ADMIN_PASSWORD" not in env, name
        if name != "gateway":
            assert not service.get("secrets"), name
        assert "env_file" not in service, f"{name} would receive every secret of the file"
