"""The docs pages name nothing outside the gateway, and the gateway serves all they name."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from gateway.config import SERVICES
from gateway.docs import load_assets
from gateway.fastpath import short_way_services
from gateway.proxy import ROUTE_PATH

# the pages do not depend on the database: one backend is enough
pytestmark = pytest.mark.parametrize("databases", ["sqlite"], indirect=True)

MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


class _Page(HTMLParser):
    """Every ``src`` and ``href``, ReDoc's ``spec-url``, and the inline scripts of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.spec_urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._script: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href")]
        if "spec-url" in found:
            self.spec_urls.append(found["spec-url"] or "")
        if tag == "script" and "src" not in found:
            self._script = ""

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.inline_scripts.append(self._script)
            self._script = None


def _script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_a_docs_page_loads_everything_from_the_gateway(gateway: TestClient, path: str) -> None:
    response = gateway.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?:|//", response.text), (
        "no URL with a scheme or a host anywhere in the page"
    )
    page = _Page(response.text)
    assert len(page.urls) >= 2
    for url in page.urls:
        assert url.startswith("/docs/assets/"), url
        asset = gateway.get(url)
        assert asset.status_code == 200, url
        suffix = url[url.rindex(".") :]
        assert asset.headers["content-type"].split(";")[0] == MEDIA_TYPES[suffix], url
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert asset.headers["x-content-type-options"] == "nosniff"
    spec_urls = page.spec_urls or re.findall(r'"url": "([^"]+)"', "".join(page.inline_scripts))
    assert spec_urls == ["/openapi.json"]
    assert gateway.get(spec_urls[0]).status_code == 200


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_a_docs_page_allows_only_the_gateway_and_its_own_init(
    gateway: TestClient, path: str
) -> None:
    response = gateway.get(path)
    policy = dict(
        d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["connect-src"] == "'self'", "Swagger UI's try-it-out calls the gateway only"
    sources = policy["script-src"].split()
    inline = _Page(response.text).inline_scripts
    assert sources == ["'self'", *map(_script_hash, inline)]
    assert len(inline) == (1 if path == "/docs" else 0)
    assert response.headers["cache-control"] == "no-store"


def test_assets_are_the_pinned_packages_files_under_their_digest(gateway: TestClient) -> None:
    assets = load_assets()
    assert {a.name for a in assets.values()} == {
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "redoc.standalone.js",
        "favicon.png",
    }
    bundle = assets["swagger-ui-bundle.js"]
    assert b'PACKAGE_VERSION:"5.' in bundle.body, "Swagger UI 5"
    assert b'ReDoc Version: ","2.' in assets["redoc.standalone.js"].body, "ReDoc 2"
    assert bundle.digest == hashlib.sha256(bundle.body).hexdigest()[:16]
    response = gateway.get(bundle.url)
    assert response.content == bundle.body
    assert gateway.head(bundle.url).status_code == 200
    other = "0" * 16
    for url in (f"/docs/assets/{other}/{bundle.name}", f"/docs/assets/{bundle.digest}/x.js"):
        missing = gateway.get(url)
        assert missing.status_code == 404
        assert missing.json()["code"] == "ASSET_NOT_FOUND"


def test_the_docs_routes_leave_the_proxy_fast_path_on(gateway: TestClient) -> None:
    routes = gateway.app.routes  # type: ignore[attr-defined]
    proxy_route = next(r for r in routes if getattr(r, "path", None) == ROUTE_PATH)
    assert short_way_services(routes, proxy_route, list(SERVICES)) == frozenset(SERVICES)
