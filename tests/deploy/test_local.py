"""``make run``'s wiring (deploy/local.py and its parts): secrets and environment of the
treasury sandbox."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

import deploy.local as local
from deploy import var as var_dir
from deploy.components import SERVED, TREASURY
from deploy.environment import suite_environment
from deploy.suite_secrets import load_or_create_secrets
from deploy.supervisor import PROCESSES
from shared.webhooks import secret_key

TREASURY_KEYS = (
    "treasury_instruction_secret",
    "treasury_callback_secret",
    "client_secret_treasury",
)


@pytest.fixture
def var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(var_dir, "VAR", tmp_path)
    monkeypatch.setattr(var_dir, "SECRETS_FILE", tmp_path / "secrets.json")
    return tmp_path


def test_a_first_start_generates_the_treasury_secrets(var: Path) -> None:
    data = load_or_create_secrets()
    for key in TREASURY_KEYS:
        assert data[key]
    for key in TREASURY_KEYS[:2]:
        assert data[key].startswith("whsec_") and len(secret_key(data[key])) == 32
    assert (var / "secrets.json").stat().st_mode & 0o077 == 0
    assert load_or_create_secrets() == data, "reused, not regenerated"


def test_an_older_secrets_file_gets_them_added_and_keeps_the_rest(var: Path) -> None:
    older = {
        "admin_password": "kept-admin",
        "demo_password": "kept-demo",
        "client_secret_finance": "kept-finance",
    }
    path = var / "secrets.json"
    path.write_text(json.dumps(older))
    os.chmod(path, 0o600)
    data = load_or_create_secrets()
    assert {k: data[k] for k in older} == older
    assert set(data) == set(older) | set(TREASURY_KEYS), "personnel_id_secret is not invented"
    assert json.loads(path.read_text()) == data
    assert path.stat().st_mode & 0o077 == 0
    assert not (var / "secrets.tmp").exists()


def test_the_environment_wires_finance_gateway_and_sandbox_together(
    var: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in SERVED.values():
        monkeypatch.delenv(f"{name.env_prefix}PORT", raising=False)
    monkeypatch.setenv("TREASURY_PORT", "18009")
    monkeypatch.setenv("GATEWAY_PORT", "18000")
    secret = load_or_create_secrets()
    env = suite_environment("127.0.0.1", secret)
    assert env["FINANCE_TREASURY_URL"] == "http://127.0.0.1:18009"
    assert env["FINANCE_TREASURY_INSTRUCTION_SECRET"] == env["TREASURY_INSTRUCTION_SECRET"]
    assert env["FINANCE_TREASURY_CALLBACK_SECRET"] == env["TREASURY_CALLBACK_SECRET"]
    assert env["TREASURY_CALLBACK_URL"] == ("http://127.0.0.1:18000/api/finance/treasury/callbacks")
    assert env["TREASURY_TOKEN_URL"] == "http://127.0.0.1:18000/auth/token"
    assert json.loads(env["GATEWAY_TREASURY_CLIENT_SECRETS"]) == {
        env["TREASURY_CLIENT_ID"]: env["TREASURY_CLIENT_SECRET"]
    }
    assert env["TREASURY_DATABASE_URL"] == f"sqlite:///{var}/treasury.db"
    assert TREASURY in PROCESSES


def test_the_banner_shows_the_sandbox() -> None:
    banner = local._banner("http://127.0.0.1:8000", "http://127.0.0.1:8009", None, "demo")
    assert "Treasury:  http://127.0.0.1:8009" in banner
    assert banner.rstrip().endswith("Stop with Ctrl-C.")


def test_an_operator_supplied_admin_password_is_never_shown() -> None:
    assert local.shown_admin_password(True, "operator-secret", "generated") is None
    assert local.shown_admin_password(False, None, "generated") is None
    assert local.shown_admin_password(True, None, "generated") == "generated"
    banner = local._banner("http://g", "http://t", None, "demo")
    assert "GATEWAY_ADMIN_PASSWORD" in banner
    assert "operator-secret" not in banner


def test_var_is_kept_private(var: Path) -> None:
    (var / "log").mkdir(mode=0o755)
    for name in ("gateway.db", "gateway.db-wal", "gateway.db-shm", "log/gateway.log"):
        (var / name).write_text("x")
        (var / name).chmod(0o644)
    (var / "run.sh").write_text("x")
    (var / "run.sh").chmod(0o755)
    var.chmod(0o755)
    previous = os.umask(0o022)
    try:
        var_dir.keep_private()
        assert os.umask(0o022) == 0o077  # what the suite and its children create is private
    finally:
        os.umask(previous)
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "log").stat().st_mode) == 0o700
    for name in ("gateway.db", "gateway.db-wal", "gateway.db-shm", "log/gateway.log"):
        assert stat.S_IMODE((var / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE((var / "run.sh").stat().st_mode) == 0o700


def test_a_database_url_in_the_environment_wins_and_the_gateway_reads_the_supervisor(
    var: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in SERVED:
        monkeypatch.delenv(f"{name.upper()}_DATABASE_URL", raising=False)
    monkeypatch.setenv("FINANCE_DATABASE_URL", "postgresql://postgres@127.0.0.1/soak_finance")
    env = suite_environment("127.0.0.1", load_or_create_secrets())
    assert env["FINANCE_DATABASE_URL"] == "postgresql://postgres@127.0.0.1/soak_finance"
    assert env["ASSETS_DATABASE_URL"] == f"sqlite:///{var}/assets.db"
    assert env["GATEWAY_SUPERVISOR_STATUS_FILE"] == str(var / "supervisor.json")


def test_the_banner_names_what_was_given_up_on() -> None:
    banner = local._banner("http://g", "http://t", None, "demo", ["treasury"])
    assert "NOT RUNNING: treasury (crash-looping, given up" in banner
    assert "NOT RUNNING" not in local._banner("http://g", "http://t", None, "demo", [])
    assert banner.rstrip().endswith("Stop with Ctrl-C.")
