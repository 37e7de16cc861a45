"""The compose wiring against the settings classes, and what deploy/env.example documents."""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any
from urllib.parse import urlsplit

import pytest

from deploy.components import SERVED, SERVICES, load_object
from tests.deploy.compose_support import (
    COMPONENTS,
    DOCKERIGNORE,
    ENV_EXAMPLE,
    ROOT,
    _environment,
    _interpolate,
    _interpolations,
    _strings,
)

# -- the wiring, checked against the settings classes ------------------------------------------

DUMMY = "x" * 8
READ_BY_UVICORN = {"FORWARDED_ALLOW_IPS"}


def _values(compose: dict[str, Any]) -> dict[str, str]:
    """A distinct dummy value for every required variable (the others keep their default)."""
    names = {m.group(1) for m in _interpolations(compose) if m.group(2) not in (":-", "-")}
    return {name: f"{name.lower().replace('_', '-')}-{DUMMY}" for name in names}


def _settings(
    name: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Any:  # the component's settings object
    component = SERVED[name]
    with monkeypatch.context() as patch:
        for key in list(os.environ):
            if key.startswith(component.env_prefix):
                patch.delenv(key)
        for key, value in env.items():
            patch.setenv(key, value)
        return load_object(component.settings_class)()  # type: ignore[operator]


def _resolved_env(service: dict[str, Any], values: dict[str, str]) -> dict[str, str]:
    return {k: _interpolate(v, values) for k, v in _environment(service).items()}


@pytest.mark.parametrize("name", COMPONENTS)
def test_component_environment_names_real_settings(
    name: str,
    compose: dict[str, Any],
    services: dict[str, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pydantic-settings ignores unknown variables, so a misspelt name would go unnoticed."""
    component = SERVED[name]
    fields = set(load_object(component.settings_class).model_fields)  # type: ignore[attr-defined]
    values = _values(compose)
    for service_name in (name, f"{name}-migrate"):
        env = _resolved_env(services[service_name], values)
        for key in env.keys() - READ_BY_UVICORN:
            assert key.startswith(component.env_prefix), f"{service_name}: {key}"
            assert key.removeprefix(component.env_prefix).lower() in fields, (
                f"{service_name}: {key} is not a setting of {component.settings_class}"
            )
        # the settings validate in production (no development defaults left)
        settings = _settings(name, env, monkeypatch)
        assert settings.environment == "production"
        url = urlsplit(settings.resolved_database_url)
        assert (url.scheme, url.hostname, url.port) == ("postgresql", "postgres", 5432)
        assert (url.username, url.path) == (name, f"/{name}")
        assert url.password == values[f"{name.upper()}_DB_PASSWORD"]


def test_gateway_and_services_agree_on_urls_and_client_secrets(
    compose: dict[str, Any],
    services: dict[str, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = _values(compose)
    gateway = _settings("gateway", _resolved_env(services["gateway"], values), monkeypatch)
    names = {s.name for s in SERVICES}
    assert gateway.service_urls == {n: f"http://{n}:8000" for n in names}
    assert set(gateway.service_client_secrets) == names
    assert gateway.signing_key_file.startswith("/run/secrets/")
    (secret,) = services["gateway"]["secrets"]
    secret_name = secret if isinstance(secret, str) else secret.get("target", secret["source"])
    assert gateway.signing_key_file == f"/run/secrets/{secret_name}"
    assert isinstance(gateway.cors_origins, list)
    for service in SERVICES:
        settings = _settings(
            service.name, _resolved_env(services[service.name], values), monkeypatch
        )
        assert settings.client_secret == gateway.service_client_secrets[service.name]
        assert settings.client_secret == values[f"{service.name.upper()}_CLIENT_SECRET"]
        assert settings.gateway_url == "http://gateway:8000"
        assert settings.peer_urls == {n: f"http://{n}:8000" for n in names - {service.name}}
    secrets = list(gateway.service_client_secrets.values())
    assert len(set(secrets)) == len(secrets), "each service needs its own client secret"


def test_uvicorn_reads_the_forwarded_allow_ips_variable(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    for name, service in services.items():
        if name != "gateway":
            assert not READ_BY_UVICORN & _environment(service).keys(), name
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.9.8.7")
    assert uvicorn.Config(app="gateway.main:create_app").forwarded_allow_ips == "10.9.8.7"


def test_postgres_receives_every_component_database_password(
    services: dict[str, dict[str, Any]],
) -> None:
    env = _environment(services["postgres"])
    assert env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    for name in COMPONENTS:
        key = f"{name.upper()}_DB_PASSWORD"
        assert env[key].startswith("${" + key), key
    mounts = [v for v in services["postgres"]["volumes"] if isinstance(v, str)]
    assert any(
        m.startswith("./deploy/postgres/init.sh:/docker-entrypoint-initdb.d/") for m in mounts
    )
    assert services["postgres"]["image"].split(":")[1].startswith("16")
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]


# -- env.example ------------------------------------------------------------------------------


def _env_example() -> tuple[dict[str, str], set[str]]:
    """(variables set, variables only shown in comments) of deploy/env.example."""
    assigned: dict[str, str] = {}
    commented: set[str] = set()
    for line in ENV_EXAMPLE.read_text().splitlines():
        if m := re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line):
            assigned[m.group(1)] = m.group(2)
        elif m := re.match(r"^#\s*([A-Z][A-Z0-9_]*)=", line):
            commented.add(m.group(1))
    return assigned, commented


def test_every_interpolated_variable_is_documented_in_env_example(
    compose: dict[str, Any],
) -> None:
    for text in _strings(compose):
        assert not re.search(r"(?<!\$)\$[A-Za-z_]", text), f"use ${{VAR}}, not $VAR: {text}"
    assigned, commented = _env_example()
    required = set()
    for match in _interpolations(compose):
        name, op = match.group(1), match.group(2)
        if op in (":-", "-"):
            assert name in assigned or name in commented, f"{name} is not explained"
        else:
            required.add(name)
            assert name in assigned, f"{name} is used in docker-compose.yml, not in env.example"
    assert required, "the compose file should take its secrets from deploy/.env"


def test_env_example_holds_no_secret_values() -> None:
    assigned, _ = _env_example()
    for name, value in assigned.items():
        if re.search(r"PASSWORD|SECRET", name):
            assert value == "", f"{name}: leave secrets empty in the committed example"


def test_secrets_are_kept_out_of_git_and_out_of_the_image() -> None:
    def ignored(path: str) -> bool:
        result = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT, check=False
        )
        return result.returncode == 0

    assert ignored("deploy/.env")
    assert ignored("deploy/secrets/gateway-signing-key.pem")
    assert not ignored("deploy/secrets/.gitkeep")
    assert not ignored("deploy/env.example")
    patterns = {
        line.strip().rstrip("/")
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for required in (".git", ".venv", "var", "bench", "deploy/.env", "deploy/secrets"):
        assert required in patterns, f".dockerignore should exclude {required}"
    for kept in ("requirements.lock", "shared", "gateway", "services", "deploy"):
        assert kept not in patterns
