"""The API's documentation pages, served by the app itself: no CDN, no web fonts, no inline script.

Swagger UI (``/api/v1/docs``) and ReDoc (``/api/v1/redoc``) come from the ``fastapi-offline``
distribution's copies of their bundles; each page's start-up script is a file beside this module
(``docs_assets/``). Every response here carries ``Content-Security-Policy: default-src 'self'``: the pages
load nothing from elsewhere and run no script written into the page. ReDoc alone also needs
``style-src 'unsafe-inline'``: it styles itself by writing ``<style>`` elements (styled-components), which
``default-src 'self'`` blocks, and it then shows nothing (checked in a browser); scripts stay ``'self'``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Final

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from api.http import API_PREFIX
from api.http.routing import KaopingRoute
from rules.messages import message

CSP: Final = "default-src 'self'"
REDOC_CSP: Final = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
_HEADERS: Final = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"}
_VENDOR = Path(fastapi_offline.__file__).with_name("static")
_OURS = Path(__file__).with_name("docs_assets")
ASSETS: Final[dict[str, tuple[Path, str]]] = {
    "swagger-ui-bundle.js": (_VENDOR / "swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": (_VENDOR / "swagger-ui.css", "text/css"),
    "redoc.standalone.js": (_VENDOR / "redoc.standalone.js", "text/javascript"),
    "favicon.png": (_VENDOR / "favicon.png", "image/png"),
    "swagger-init.js": (_OURS / "swagger-init.js", "text/javascript"),
    "redoc-init.js": (_OURS / "redoc-init.js", "text/javascript"),
}
"""Every file the pages load, by the name in its address (nothing else is served from there)."""
ASSET_PREFIX: Final = f"{API_PREFIX}/docs/assets"

router = APIRouter(tags=["docs"], route_class=KaopingRoute, include_in_schema=False)


def _page(title: str, head: str, body: str, *, csp: str = CSP) -> HTMLResponse:
    text = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="icon" type="image/png" href="{ASSET_PREFIX}/favicon.png">\n{head}</head>\n'
        f"<body>\n{body}</body>\n</html>\n"
    )
    return HTMLResponse(text, headers={**_HEADERS, "Content-Security-Policy": csp})


def _title(request: Request, key: str) -> str:
    return message(key, "zh", app=request.app.title)


@router.get(f"{API_PREFIX}/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI on the OpenAPI document: try the API from the browser."""
    openapi = html.escape(str(request.app.openapi_url), quote=True)
    return _page(
        _title(request, "docs.swagger_title"),
        f'<link rel="stylesheet" href="{ASSET_PREFIX}/swagger-ui.css">\n',
        f'<div id="swagger-ui" data-url="{openapi}"></div>\n'
        f'<script src="{ASSET_PREFIX}/swagger-ui-bundle.js"></script>\n'
        f'<script src="{ASSET_PREFIX}/swagger-init.js"></script>\n',
    )


@router.get(f"{API_PREFIX}/redoc")
def redoc(request: Request) -> HTMLResponse:
    """ReDoc on the OpenAPI document: the reference to read."""
    openapi = html.escape(str(request.app.openapi_url), quote=True)
    return _page(
        _title(request, "docs.redoc_title"),
        "",
        f'<div id="redoc" data-url="{openapi}"></div>\n'
        f'<script src="{ASSET_PREFIX}/redoc.standalone.js"></script>\n'
        f'<script src="{ASSET_PREFIX}/redoc-init.js"></script>\n',
        csp=REDOC_CSP,
    )


@router.get(ASSET_PREFIX + "/{name}")
def asset(name: str) -> FileResponse:
    """One of the pages' files (404 for any other name)."""
    from api.errors import NotFoundError  # noqa: PLC0415 - only for a wrong name

    found = ASSETS.get(name)
    if found is None:
        raise NotFoundError("api.not_found")
    path, media_type = found
    return FileResponse(
        path, media_type=media_type, headers={**_HEADERS, "Cache-Control": "public, max-age=86400"}
    )
