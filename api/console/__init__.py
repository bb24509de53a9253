"""The web console at /console: server-rendered pages (Jinja2) over the same ledger,
projections and authorisation as the API, with its own vendored scripts and styles
(static/vendor/README.md) served by the service itself: no CDN, no build step."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.console import (
    approvals,
    audit,
    closes,
    imports,
    organisations,
    overview,
    payments,
    reconciliations,
    signin,
    statement,
    targets,
    workers,
)

ROUTERS = (
    *(signin, overview, statement, workers, audit, targets, reconciliations, imports),
    *(organisations, payments, approvals, closes),  # console-lists
)


def install(app: FastAPI) -> None:
    """The console's pages and its static files, beside the API."""
    for module in ROUTERS:
        app.include_router(module.router)
    app.mount(
        "/console/static", StaticFiles(packages=[("api.console", "static")]), name="console-static"
    )
