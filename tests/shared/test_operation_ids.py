"""Operation ids are stable, unique and readable: ``<service>.<domain>.<handler>``, what
generated clients name their methods by."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI

from services.assets.main import create_app as assets
from services.facilities.main import create_app as facilities
from services.finance.main import create_app as finance
from services.personnel.main import create_app as personnel
from tests.support.tokens import verifier

READABLE = re.compile(r"^[a-z]+\.[a-z_]+\.[a-z][a-z0-9_]*$")


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("finance", finance),
        ("personnel", personnel),
        ("assets", assets),
        ("facilities", facilities),
    ],
)
def test_every_operation_id_is_readable_and_unique(name: str, make: Callable[..., Any]) -> None:
    app: FastAPI = make(verifier=verifier(), run_relay=False, access_log=False)
    ids = [op["operationId"] for item in app.openapi()["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert all(READABLE.match(i) and i.startswith(f"{name}.") for i in ids), ids
    if name == "finance":
        assert "finance.payments.approve_payment" in ids


def test_file_downloads_declare_their_real_media_types() -> None:
    doc = finance(verifier=verifier(), run_relay=False, access_log=False).openapi()
    exported = doc["paths"]["/ledger/export"]["get"]["responses"]["200"]["content"]
    assert "application/json" not in exported
    assert any(kind.startswith("text/csv") for kind in exported)
    problems = doc["paths"]["/ledger/export"]["get"]["responses"]["422"]["content"]
    assert list(problems) == ["application/problem+json"]
