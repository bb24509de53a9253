"""The FastAPI application: routers, error mapping, middleware, and the runtime that
holds the ledger and projections (injected by tests, opened from the environment by
`jobaid serve`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from api import console, docs, openapi, problems
from api.middleware import MAX_BODY_BYTES, BodyLimit, RequestLog, prefixed
from api.responses import FastJSON
from api.routes import (
    accounts,
    approvals,
    audit,
    events,
    files,
    health,
    imports,
    instructions,
    lists,
    organisations,
    payments,
    reports,
    runs,
    tokens,
    workers,
)
from api.runtime import Projections, Runtime
from service.ledger import Ledger

DESCRIPTION = """Jobaid Ledger: 湖南省就业扶贫 facts, subsidies and fund accounts as immutable events.

Every request but `/v1/health` (and `/v1/health/live`, `/v1/health/ready` for load
balancers) carries `Authorization: Bearer <token>`; get the first admin
token with `jobaid token create --role admin --division 430000`. Errors are RFC 9457
`application/problem+json`."""


ROUTERS = (
    lists,
    events,
    payments,
    approvals,
    runs,
    instructions,
    accounts,
    workers,
    organisations,
    reports,
    audit,
    files,
    imports,
    tokens,
    health,
)


def create_app(
    ledger: Ledger | None = None,
    projections: Projections | None = None,
    *,
    runtime: Runtime | None = None,
    read_wait: float = 5.0,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """The service over an injected ledger and projections, or over a runtime that opens them."""
    if runtime is None:
        if ledger is None:
            raise ValueError("create_app needs a ledger or a runtime")
        runtime = Runtime.injected(ledger, projections, read_wait=read_wait)
    app = FastAPI(
        title="Jobaid Ledger",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan_of(runtime),
        default_response_class=FastJSON,
        docs_url=None,  # served by api/docs.py, offline
        redoc_url=None,
    )
    app.state.runtime = runtime
    problems.install(app)
    for module in ROUTERS:
        app.include_router(module.router, prefix="/v1")
    console.install(app)
    app.openapi = lambda: openapi.build(app)  # type: ignore[method-assign]
    docs.install(app)
    # Outermost first: the log line covers a refused oversized body too.
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    templates = {k: v for m in ROUTERS for k, v in prefixed("/v1", m.router.routes).items()}
    app.add_middleware(RequestLog, templates=templates)
    return app


def lifespan_of(runtime: Runtime) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Open what the service holds as it starts; close it as it stops."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runtime.start()
        try:
            yield
        finally:
            runtime.close()

    return lifespan
