"""The API docs pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served whole by the gateway.

Rules:

- every script, style sheet and icon the pages load comes from the gateway itself: the static
  files of the pinned ``fastapi-offline`` wheel (Swagger UI and ReDoc builds), located through
  the package's metadata; none of that package's code is imported or run;
- an asset's URL carries a digest of its content, ``/docs/assets/<digest>/<name>``, so it is
  cached for a year as immutable; any other name or digest is a 404 problem;
- the pages name no other host: no CDN, no web fonts (ReDoc falls back to the system's fonts)
  and no online validator badge. Their ``Content-Security-Policy`` lets a browser load from
  the gateway only, and run only the gateway's scripts and the pages' own init script: the one
  outside URL these pages were seen to ask for, the logo in ReDoc's "API docs by Redocly"
  footer, is refused by it before any request is sent;
- the assets are a plain route, not a mount: a mount would turn the proxy's fast path off
  (``gateway.fastpath``). Nothing here is under ``/api``, so the policy table never sees it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from dataclasses import dataclass
from importlib.metadata import distribution
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from shared.problems import NotFound

PACKAGE = "fastapi-offline"
STATIC = "fastapi_offline/static"
ASSETS_PATH = "/docs/assets"
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}
IMMUTABLE = "public, max-age=31536000, immutable"
SWAGGER_JS, SWAGGER_CSS = "swagger-ui-bundle.js", "swagger-ui.css"
REDOC_JS, FAVICON = "redoc.standalone.js", "favicon.png"


@dataclass(frozen=True)
class Asset:
    name: str
    body: bytes
    media_type: str
    digest: str

    @property
    def url(self) -> str:
        return f"{ASSETS_PATH}/{self.digest}/{self.name}"


def load_assets(package: str = PACKAGE) -> dict[str, Asset]:
    """The static files the docs pages need, read from the installed ``package``."""
    dist = distribution(package)
    assets = {}
    for name in (SWAGGER_JS, SWAGGER_CSS, REDOC_JS, FAVICON):
        body = Path(str(dist.locate_file(f"{STATIC}/{name}"))).read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:16]
        assets[name] = Asset(name, body, MEDIA_TYPES[Path(name).suffix], digest)
    return assets


def _csp(*inline_scripts: str) -> str:
    """Load from the gateway only; ``inline_scripts`` are allowed by their hash. Styles may be
    inline (both UIs set style attributes and ReDoc writes its own style elements), images may
    be data the page holds (icons, a response shown by "Try it out"), and ReDoc's search runs
    in a worker it makes from a ``blob:``. Anything from another host is refused unsent."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in inline_scripts
    )
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src 'self' {hashes}".rstrip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "connect-src 'self'",
            "worker-src blob:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        )
    )


def _page(title: str, favicon: Asset, head: str, body: str) -> str:
    return (
        "<!doctype html>\n<html>\n<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="icon" type="image/png" href="{favicon.url}">\n'
        f"{head}</head>\n<body>\n{body}</body>\n</html>\n"
    )


def swagger_page(assets: dict[str, Asset], title: str, openapi_url: str) -> HTMLResponse:
    """Swagger UI over ``openapi_url``: the base layout, deep links, the ``x-`` extensions."""
    options = {
        "url": openapi_url,
        "dom_id": "#swagger-ui",
        "layout": "BaseLayout",
        "deepLinking": True,
        "showExtensions": True,
        "showCommonExtensions": True,
        "validatorUrl": None,  # the badge would ask an outside validator about the spec
    }
    init = (
        f"const options = {json.dumps(options)};\n"
        "options.presets = [SwaggerUIBundle.presets.apis];\n"
        "window.ui = SwaggerUIBundle(options);\n"
    )
    page = _page(
        title,
        assets[FAVICON],
        f'<link rel="stylesheet" type="text/css" href="{assets[SWAGGER_CSS].url}">\n',
        '<div id="swagger-ui"></div>\n'
        f'<script src="{assets[SWAGGER_JS].url}"></script>\n'
        f"<script>\n{init}</script>\n",
    )
    return HTMLResponse(page, headers={"Content-Security-Policy": _csp(f"\n{init}")})


def redoc_page(assets: dict[str, Asset], title: str, openapi_url: str) -> HTMLResponse:
    """ReDoc over ``openapi_url``, in the system's fonts."""
    page = _page(
        title,
        assets[FAVICON],
        "<style>body { margin: 0; padding: 0; }</style>\n",
        f'<redoc spec-url="{html.escape(openapi_url)}"></redoc>\n'
        f'<script src="{assets[REDOC_JS].url}"></script>\n',
    )
    return HTMLResponse(page, headers={"Content-Security-Policy": _csp()})


def add_docs_pages(app: FastAPI, title: str, openapi_url: str) -> None:
    """``/docs``, ``/redoc`` and their assets on ``app``."""
    assets = load_assets()
    by_url = {(a.digest, a.name): a for a in assets.values()}

    async def asset(request: Request) -> Response:
        found = by_url.get((request.path_params["digest"], request.path_params["name"]))
        if found is None:
            raise NotFound("asset", request.url.path)
        return Response(
            found.body, media_type=found.media_type, headers={"Cache-Control": IMMUTABLE}
        )

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return swagger_page(assets, f"{title} API", openapi_url)

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return redoc_page(assets, f"{title} API", openapi_url)

    app.add_route(
        f"{ASSETS_PATH}/{{digest}}/{{name}}", asset, methods=["GET"], include_in_schema=False
    )
