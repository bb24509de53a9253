"""`/docs` (Swagger UI) and `/redoc` that work on an intranet without the internet: their
scripts, styles and icon are the ones the `fastapi-offline` package ships, served by the
service itself under `/docs/assets`, and each page carries a Content-Security-Policy
that lets the browser load nothing from any other origin.

The policy allows what the two pages need and no more: scripts from this origin plus the
page's own inline script by its hash (Swagger UI's start-up call); inline styles, because
Redoc's styled-components writes `<style>` elements at run time; `data:` images and
fonts (Swagger UI's icons are data: SVGs in its CSS); `blob:` workers (Redoc's search
runs in a worker it makes from a blob); requests to this origin only (the OpenAPI
document, "Try it out")."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs/assets"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
POLICY = (
    "default-src 'none'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
)
# Swagger UI by default shows a badge fetched from validator.swagger.io: switched off.
SWAGGER_PARAMETERS = {"validatorUrl": None}


def install(app: FastAPI) -> None:
    """Serve the assets and both pages; the app is made with docs_url and redoc_url None."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")
    app.swagger_ui_parameters = {**(app.swagger_ui_parameters or {}), **SWAGGER_PARAMETERS}

    @app.get("/docs", include_in_schema=False)
    async def swagger(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=None,  # bearer tokens: no OAuth2 flow to come back from
            swagger_ui_parameters=app.swagger_ui_parameters,
        )
        return guarded(page)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
        return guarded(page)


def guarded(page: HTMLResponse) -> HTMLResponse:
    """The page with its Content-Security-Policy: its inline scripts allowed by hash."""
    html = bytes(page.body).decode()
    page.headers["Content-Security-Policy"] = policy(INLINE_SCRIPT.findall(html))
    page.headers["X-Content-Type-Options"] = "nosniff"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


def policy(inline_scripts: list[str]) -> str:
    hashes = " ".join(f"'sha256-{digest(script)}'" for script in inline_scripts)
    return "; ".join((*POLICY, f"script-src 'self' {hashes}".rstrip()))


def digest(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
