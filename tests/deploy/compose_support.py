"""Reading docker-compose.yml the way Compose does, for the deployment tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from deploy.components import ALL

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / "deploy" / "env.example"
INIT_SCRIPT = ROOT / "deploy" / "postgres" / "init.sh"
COMPONENTS = [c.name for c in ALL]
LONG_RUNNING_RESTART = {"always", "unless-stopped"}
ONE_SHOT_RESTART = re.compile(r"^(no|on-failure(:\d+)?)$")
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?err}, ${NAME?err}, ${NAME:+alt}
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")


def _depends_on(service: dict[str, Any]) -> dict[str, str]:
    """``depends_on`` as target -> condition (short syntax means ``service_started``)."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def _is_one_shot(service: dict[str, Any]) -> bool:
    command = service.get("command") or []
    return bool(command) and command[0] in {"migrate", "bootstrap", "check"}


def _long_running(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services.items() if not _is_one_shot(s)}


def _strings(node: Any) -> list[str]:
    """Every string of the parsed file (Compose interpolates values, never comments)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return []


def _interpolations(compose: dict[str, Any]) -> list[re.Match[str]]:
    return [m for text in _strings(compose) for m in INTERPOLATION.finditer(text)]


def _interpolate(text: str, values: dict[str, str]) -> str:
    """Compose's interpolation, enough for this file: defaults, required values, ``$$``."""

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        value = values.get(name)
        if op in (":-", "-") and (value is None or (op == ":-" and not value)):
            return arg
        if op in (":?", "?") and (value is None or (op == ":?" and not value)):
            raise AssertionError(f"{name} is required: {arg}")
        return value or ""

    return INTERPOLATION.sub(replace, text).replace("$$", "$")
