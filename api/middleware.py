"""Pure ASGI middleware: a request body size limit (413 before the body is read into
memory) and one structured JSON log line per request."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.tables import MAX_FILE_BYTES  # the bound every upload reader keeps too
from api.problems import Problem, problem

MAX_BODY_BYTES = 2 * 1024 * 1024
FILE_PATHS = ("/v1/imports/", "/v1/reconciliations")
access_log = logging.getLogger("jobaid.access")


class BodyLimit:
    """Refuses a body over `limit` bytes: by its Content-Length at once, or while it streams."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_FILE_BYTES if str(scope.get("path", "")).startswith(FILE_PATHS) else self.limit
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            status = 413 if length.isdigit() else 400
            await problem(status, f"the body may be at most {limit} bytes")(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise Problem(413, f"the body may be at most {limit} bytes")
            return message

        await self.app(scope, limited, send)


class RequestLog:
    """One JSON line per request: method, path, status, duration_ms, subject."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app fails before it answers

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            state: dict[str, Any] = scope.get("state", {})
            line = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "subject": state.get("subject"),
                "token_id": state.get("token_id"),
            }
            access_log.info(json.dumps(line, ensure_ascii=False))
