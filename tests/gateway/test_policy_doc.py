"""docs/api-roles.md says exactly what the gateway's policy enforces."""

from __future__ import annotations

from pathlib import Path

from gateway.policy_doc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "api-roles.md"


def test_the_roles_page_is_the_policy() -> None:
    assert DOC.read_text() == render(), (
        "docs/api-roles.md is out of date: python -m gateway.policy_doc > docs/api-roles.md"
    )
