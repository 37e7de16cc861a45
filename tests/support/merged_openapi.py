"""The gateway's merged OpenAPI document, built in-process: each service's document from its
own app, merged by the gateway's own ``merge``, exactly as ``GET /openapi.json`` answers when
every service is up, with no process started and no port opened. (The end-to-end client test
checks it against the live gateway's.)"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from sqlalchemy import create_engine

from deploy.components import SERVICES, load_object
from gateway.config import GatewaySettings
from gateway.main import create_app as create_gateway
from gateway.openapi import merge
from gateway.policy import POLICY, PolicyTable
from tests.support.tokens import signing_key_for_tests, verifier


def merged_document() -> dict[str, Any]:
    """The merged document of the gateway and every service (apps built, never started); a
    copy of one built once per test process."""
    return copy.deepcopy(_merged())


@cache
def _merged() -> dict[str, Any]:
    documents: dict[str, dict[str, Any]] = {}
    for component in SERVICES:
        factory = load_object(component.app_factory)
        assert callable(factory), component.app_factory
        app = factory(
            engine=create_engine("sqlite://"),
            verifier=verifier(),
            run_relay=False,
            access_log=False,
        )
        documents[component.name] = app.openapi()
    gateway = create_gateway(
        GatewaySettings(),
        engine=create_engine("sqlite://"),
        signing_key=signing_key_for_tests(),
        access_log=False,
    )
    return merge(gateway.openapi(), documents, PolicyTable(POLICY), [])
