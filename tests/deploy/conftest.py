"""The parsed compose file, shared by the deployment tests."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.deploy.compose_support import COMPOSE_FILE


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    svcs = compose["services"]
    assert isinstance(svcs, dict)
    return svcs
