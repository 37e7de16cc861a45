"""The treasury sandbox in docker-compose.yml, against its settings and those of its peers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from deploy.components import TREASURY, load_object
from tests.deploy.compose_support import LONG_RUNNING_RESTART, _depends_on, _environment
from tests.deploy.test_compose_env import _resolved_env, _settings, _values

PORT = str(TREASURY.default_port)


def test_treasury_is_served_on_its_own_port_with_a_healthcheck_there(
    services: dict[str, dict[str, Any]],
) -> None:
    treasury = services["treasury"]
    all_interfaces = "0.0.0.0"  # noqa: S104 - inside the container, behind the compose network
    assert treasury["command"] == ["serve", "treasury", "--host", all_interfaces, "--port", PORT]
    assert treasury["image"] == services["finance"]["image"]
    assert treasury.get("restart") in LONG_RUNNING_RESTART
    assert not treasury.get("ports"), "the sandbox is reached on the compose network only"
    test = treasury["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    compile(test[3], "<treasury healthcheck>", "exec")
    assert f"http://127.0.0.1:{PORT}/healthz" in test[3]
    # no migrations and no database server: it creates its SQLite tables at start
    assert not _depends_on(treasury)
    assert "treasury-migrate" not in services


def test_treasury_environment_names_real_settings_that_validate_in_production(
    compose: dict[str, Any],
    services: dict[str, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fields = set(load_object(TREASURY.settings_class).model_fields)  # type: ignore[attr-defined]
    env = _resolved_env(services["treasury"], _values(compose))
    for key in env:
        assert key.startswith("TREASURY_"), key
        assert key.removeprefix("TREASURY_").lower() in fields, key
    settings = _settings("treasury", env, monkeypatch)
    assert settings.environment == "production"
    assert settings.static_token is None, "compose signs in at the gateway for its token"


def test_treasury_database_lives_in_its_volume(services: dict[str, dict[str, Any]]) -> None:
    treasury = services["treasury"]
    url = _environment(treasury)["TREASURY_DATABASE_URL"]
    assert url.startswith("sqlite:////")
    path = url.removeprefix("sqlite:///")
    mounts = {v.split(":")[1]: v.split(":")[0] for v in treasury["volumes"]}
    (directory,) = [d for d in mounts if path.startswith(d.rstrip("/") + "/")]
    assert mounts[directory] == "treasury-data"
    assert directory == "/var/lib/treasury", "the image creates this directory for uid 10001"


def test_finance_gateway_and_treasury_agree(
    compose: dict[str, Any],
    services: dict[str, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = _values(compose)
    treasury = _settings("treasury", _resolved_env(services["treasury"], values), monkeypatch)
    finance = _settings("finance", _resolved_env(services["finance"], values), monkeypatch)
    gateway = _settings("gateway", _resolved_env(services["gateway"], values), monkeypatch)

    assert finance.treasury_url == f"http://treasury:{PORT}"
    assert finance.treasury_instruction_secret == treasury.instruction_secret
    assert finance.treasury_callback_secret == treasury.callback_secret
    assert treasury.instruction_secret != treasury.callback_secret

    # callbacks go through the gateway, which knows the sandbox as a treasury client
    callback = urlsplit(treasury.callback_url)
    assert (callback.scheme, callback.netloc) == ("http", "gateway:8000")
    assert callback.path == "/api/finance/treasury/callbacks"
    assert treasury.token_url == "http://gateway:8000/auth/token"
    assert gateway.treasury_client_secrets == {treasury.client_id: treasury.client_secret}
    assert treasury.client_secret == values["TREASURY_CLIENT_SECRET"]
    assert treasury.client_secret not in gateway.service_client_secrets.values()
