"""The typed TypeScript client (``clients/typescript``): generated from the gateway's merged
OpenAPI, its example flow type-checks; and a breaking change to the API fails that check,
with a diagnostic naming what broke."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.support.merged_openapi import merged_document
from tests.support.typescript import Project


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return merged_document()


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error TS" in line]


def test_the_flow_typechecks_against_the_merged_openapi(
    document: dict[str, Any], tmp_path: Path
) -> None:
    project = Project.copy_to(tmp_path)
    project.generate(document)
    checked = project.typecheck()
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _rename(schema: dict[str, Any], old: str, new: str) -> None:
    schema["properties"][new] = schema["properties"].pop(old)
    schema["required"] = [new if name == old else name for name in schema["required"]]


def test_a_breaking_change_to_the_api_fails_the_check(
    document: dict[str, Any], tmp_path: Path
) -> None:
    broken = copy.deepcopy(document)
    schemas = broken["components"]["schemas"]
    del broken["paths"]["/api/personnel/staff"]  # an operation the flow calls is gone
    _rename(schemas["Finance_PaymentPublic"], "settled_on", "settled_day")  # a field it reads
    _rename(schemas["Finance_PaymentCreate"], "payee_name", "payee")  # a field it must send
    project = Project.copy_to(tmp_path)
    project.generate(broken)
    checked = project.typecheck()
    assert checked.returncode != 0
    errors = _errors(checked.stdout)
    assert errors and all(e.startswith("src/flow.ts(") for e in errors), checked.stdout
    for named in ('"/api/personnel/staff"', "'settled_on'", "'payee_name'"):
        assert any(named in e for e in errors), (named, errors)
