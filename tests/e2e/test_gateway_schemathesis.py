"""Schemathesis, every check on, over the gateway's merged OpenAPI on a live suite.

A throwaway suite of its own (never one a person uses): the admin and identity routes are
fuzzed too, as a caller holding every role a person can hold. A fuzzed logout revokes that
caller's token, so the caller signs in again whenever its token stops working.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis

from gateway.identity.models import ALL_ROLES, Role
from tests.e2e.conftest import ADMIN_PASSWORD, Suite, running_suite
from tests.support.databases import Databases
from tests.support.fuzz import assert_conforms

pytestmark = pytest.mark.e2e

EXAMPLES_PER_OPERATION = 4
# every role a person can hold but the two scoped to one unit or one member of staff
EVERY_PERSON_ROLE = sorted(ALL_ROLES - {Role.SERVICE, Role.TREASURY, Role.UNIT_LIAISON, Role.STAFF})


@pytest.fixture(scope="module")
def throwaway(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    if databases.backend != "sqlite":
        pytest.skip("the merged document is the same on both databases; fuzzed once")
    # generated sign-ins must not throttle the fuzzing caller's own
    extra = {"GATEWAY_LOGIN_ATTEMPTS_PER_ADDRESS": "100000"}
    with running_suite(databases, Path(tmp_path_factory.mktemp("fuzz")), extra) as suite:
        yield suite


class Caller:
    """A user with every person's role, signing in again when a fuzzed logout or a fuzzed
    admin change revoked its token."""

    def __init__(self, suite: Suite) -> None:
        self.suite = suite
        admin = {"Authorization": f"Bearer {suite.token('admin', ADMIN_PASSWORD)}"}
        created = httpx.post(
            f"{suite.gateway}/api/admin/users",
            headers=admin,
            json={
                "username": "fuzzer",
                "display_name": "Fuzzer",
                "password": ADMIN_PASSWORD,
                "roles": EVERY_PERSON_ROLE,
            },
        )
        assert created.status_code == 201, created.text
        self._token = ""
        self.sign_ins = 0

    def headers(self) -> dict[str, str]:
        if not self._token or self._revoked():
            self._token = self.suite.token("fuzzer", ADMIN_PASSWORD)
            self.sign_ins += 1
        return {"Authorization": f"Bearer {self._token}"}

    def _revoked(self) -> bool:
        me = httpx.get(
            f"{self.suite.gateway}/auth/me", headers={"Authorization": f"Bearer {self._token}"}
        )
        return me.status_code == 401


def _whole_document(gateway: str, seconds: float = 60) -> dict[str, Any]:
    """The merged document once it includes every service (a service still building its own
    document on a loaded machine is left out of one, and asked again five seconds later)."""
    deadline = time.monotonic() + seconds
    while True:
        doc: dict[str, Any] = httpx.get(f"{gateway}/openapi.json", timeout=30).json()
        if "Not included" not in doc["info"].get("description", ""):
            return doc
        assert time.monotonic() < deadline, doc["info"]["description"]
        time.sleep(1)


def test_the_merged_document_tells_the_truth(throwaway: Suite) -> None:
    api: Any = schemathesis.openapi.from_dict(_whole_document(throwaway.gateway))
    caller = Caller(throwaway)
    statuses = assert_conforms(
        api,
        caller.headers,
        examples=EXAMPLES_PER_OPERATION,
        min_operations=140,
        base_url=throwaway.gateway,
    )
    assert statuses[401] < sum(statuses.values()) / 4, "the caller stayed signed in"
