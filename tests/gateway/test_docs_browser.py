"""``/docs`` and ``/redoc`` in a real headless chromium, with no way out of the machine: each page
renders every operation of ``/openapi.json``, and no request of the page leaves the machine."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from tests.gateway.conftest import GatewayAppFactory
from tests.support.chromium import Browser, Rendered, browser
from tests.support.servers import serve_in_thread

# the pages do not depend on the database: one backend is enough
pytestmark = pytest.mark.parametrize("databases", ["sqlite"], indirect=True)


class _Elements(HTMLParser):
    """Each element's attributes, and the text of each ``h2``."""

    def __init__(self, dom: str) -> None:
        super().__init__()
        self.attributes: list[dict[str, str]] = []
        self.headings: list[str] = []
        self._in_h2 = False
        self.feed(dom)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.append({k: v or "" for k, v in attrs})
        if tag == "h2":
            self._in_h2 = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.headings[-1] += data


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with browser() as opened:
        yield opened


@pytest.fixture
def served(make_gateway_app: GatewayAppFactory) -> Iterator[str]:
    with serve_in_thread(make_gateway_app()) as url:
        yield url


def _operations(base: str) -> list[tuple[str, str, dict[str, Any]]]:
    spec = httpx.get(f"{base}/openapi.json", timeout=10).json()
    return [(m, path, op) for path, ops in spec["paths"].items() for m, op in ops.items()]


def _stayed_home(page: Rendered, base: str) -> None:
    """No request went out, and the page logged no error but its own CSP refusing a request
    (ReDoc shows its maker's logo from their CDN; the page's policy refuses it unsent)."""
    assert page.left_the_machine(base) == [], "these requests would have left the machine"
    refused = [url for url, reason in page.requests.items() if reason == "csp"]
    assert [e for e in page.errors if not any(url in e for url in refused)] == []


def test_swagger_ui_renders_every_operation_offline(chromium: Browser, served: str) -> None:
    expected = _operations(served)
    assert len(expected) > 10
    ready = f"document.querySelectorAll('.opblock').length >= {len(expected)}"
    page = chromium.render(f"{served}/docs", ready)

    _stayed_home(page, served)
    assert f"{served}/openapi.json" in page.requests
    elements = _Elements(page.dom).attributes
    # an operation's block: class "opblock opblock-<method>", id "operations-<tag>-<operationId>"
    # (the id's dots escaped with a backslash)
    blocks = {
        (a["class"].split("opblock-", 1)[1].split()[0], a.get("id", "").replace("\\", ""))
        for a in elements
        if "opblock" in a.get("class", "").split()
    }
    for method, path, op in expected:
        assert any(m == method and i.endswith(f"-{op['operationId']}") for m, i in blocks), path
    paths = {a["data-path"] for a in elements if "data-path" in a}
    assert paths == {path for _, path, _ in expected}
    assert {"/auth/token", "/api/admin/users/{user_id}"} <= paths


def test_redoc_renders_every_operation_offline(chromium: Browser, served: str) -> None:
    expected = _operations(served)
    query = "document.querySelectorAll('[data-section-id^=\"operation/\"]')"
    page = chromium.render(f"{served}/redoc", f"{query}.length >= {len(expected)}")

    _stayed_home(page, served)
    elements = _Elements(page.dom)
    sections = {a["data-section-id"] for a in elements.attributes if "data-section-id" in a}
    assert {f"operation/{op['operationId']}" for _, _, op in expected} <= sections
    headings = {h.strip() for h in elements.headings}
    assert {op["summary"] for _, _, op in expected} <= headings
    assert "Issue Token" in headings
