"""The image (deploy/Dockerfile), the PostgreSQL init script and the CLI compose calls."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from typing import Any

from deploy.components import BY_NAME, SERVED
from tests.deploy.compose_support import (
    COMPONENTS,
    DOCKERFILE,
    INIT_SCRIPT,
    ROOT,
)

# -- the PostgreSQL init script ----------------------------------------------------------------


def test_init_script_creates_one_database_and_role_per_component() -> None:
    text = INIT_SCRIPT.read_text()
    assert text.startswith("#!"), "init scripts need a shebang"
    assert subprocess.run(["bash", "-n", str(INIT_SCRIPT)], check=False).returncode == 0
    loop = re.search(r"^for (\w+) in ([^;\n]+); do$", text, re.M)
    assert loop, "expected `for <var> in <components>; do`"
    var, words = loop.group(1), shlex.split(loop.group(2))
    assert sorted(words) == sorted(COMPONENTS)
    assert re.search(r"\$\{" + var + r"\^\^\}_DB_PASSWORD", text), "password per component"
    assert f'-v name="${var}"' in text
    sql = " ".join(text.split())
    assert "ON_ERROR_STOP=1" in sql
    assert """CREATE ROLE :"name" LOGIN PASSWORD :'password'""" in sql
    assert "NOSUPERUSER NOCREATEDB NOCREATEROLE" in sql
    assert """CREATE DATABASE :"name" OWNER :"name";""" in sql
    assert re.search(r'REVOKE (ALL|CONNECT[^;]*) ON DATABASE :"name" FROM PUBLIC;', sql)


# -- the image --------------------------------------------------------------------------------


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), " ".join(rest.split())))
    return result


def test_dockerfile_runs_the_cli_as_a_non_root_user() -> None:
    instructions = _instructions()
    keywords = [k for k, _ in instructions]
    assert instructions[0] == ("FROM", "python:3.11-slim")
    users = [arg for k, arg in instructions if k == "USER"]
    assert users, "no USER: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k in {"RUN", "COPY"})
    (entrypoint,) = [arg for k, arg in instructions if k == "ENTRYPOINT"]
    assert json.loads(entrypoint) == ["python", "-m", "deploy.cli"]
    assert ("WORKDIR", "/app") in instructions
    env = " ".join(arg for k, arg in instructions if k == "ENV")
    assert "PYTHONUNBUFFERED=1" in env
    assert "PYTHONDONTWRITEBYTECODE=1" in env


def test_dockerfile_installs_the_lock_before_copying_code() -> None:
    instructions = _instructions()
    copies = [(i, arg) for i, (k, arg) in enumerate(instructions) if k == "COPY"]
    lock_at, lock_copy = copies[0]
    assert lock_copy.startswith("requirements.lock ")
    install_at = next(
        i
        for i, (k, arg) in enumerate(instructions)
        if k == "RUN" and "pip install" in arg and "-r requirements.lock" in arg
    )
    assert lock_at < install_at < copies[1][0]
    copied = {arg.split()[0].rstrip("/") for _, arg in copies[1:]}
    assert copied == {"shared", "gateway", "services", "deploy"}


def test_dockerfile_gives_the_treasury_sandbox_a_writable_data_directory() -> None:
    """A new named volume copies the owner of the directory it is mounted on."""
    runs = " ".join(arg for k, arg in _instructions() if k == "RUN")
    assert "install -d -o 10001 -g 10001 -m 0700 /var/lib/treasury" in runs


# -- the CLI the compose file calls ------------------------------------------------------------


def test_cli_help_lists_the_subcommands_compose_uses(
    services: dict[str, dict[str, Any]],
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "deploy.cli", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    listed = re.search(r"\{([a-z,]+)\}", result.stdout)
    assert listed, result.stdout
    subcommands = set(listed.group(1).split(","))
    assert {"run", "migrate", "serve", "bootstrap"} <= subcommands
    used = {s["command"][0] for s in services.values() if "build" in s}
    assert used <= subcommands
    for service in services.values():
        command = service.get("command")
        if command and command[0] == "migrate":
            assert command[1] in BY_NAME
        if command and command[0] == "serve":
            assert command[1] in SERVED
