"""Pure ASGI middleware: a request body size limit (413 before the body is read into
memory), and the request's id and its one access log line."""

from __future__ import annotations

import html
import logging
import re
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.logs import current_request_id
from adapters.tables import MAX_FILE_BYTES  # the bound every upload reader keeps too
from api.problems import Problem, problem

MAX_BODY_BYTES = 2 * 1024 * 1024
# The console's upload forms (api/console/uploads.py) take files as the API's routes do.
CONSOLE_FILE_PATHS = ("/console/imports", "/console/reconciliations")
FILE_PATHS = ("/v1/imports/", "/v1/reconciliations", *CONSOLE_FILE_PATHS)
access_log = logging.getLogger("jobaid.access")
fault_log = logging.getLogger("jobaid.api")
# A client's own request id is kept when it is a plain token of this length (a uuid, a
# trace id, a load balancer's id); anything else is replaced, never echoed or logged.
REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
PATH_SHOWN = 256  # characters of a raw path a log line keeps: every route of ours fits


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
            detail, path = f"the body may be at most {limit} bytes", str(scope.get("path", ""))
            refused = too_large_page(status, detail, path) if path.startswith("/console/") else problem(status, detail)  # fmt: skip
            await refused(scope, receive, send)
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


def too_large_page(status: int, detail: str, path: str) -> HTMLResponse:
    """The console's refusal of a body too large, as a page a person reads (in both of the
    console's languages) rather than a problem document, with a way back to the form
    (the upload's own path, whose GET is the page with the form)."""
    words = "文件过大 · The file is too large" if status == 413 else "请求无效 · Bad request"
    body = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{words}</title>"
        '<link rel="stylesheet" href="/console/static/console.css"></head><body><main>'
        f'<h1>{words}</h1><p class="problem" role="alert">{html.escape(detail)}</p>'
        f'<p><a href="{html.escape(path)}">返回 Back</a></p></main></body></html>'
    )
    headers = {
        "Content-Security-Policy": "default-src 'none'; style-src 'self'; base-uri 'none'",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    return HTMLResponse(body, status_code=status, headers=headers)


class RequestLog:
    """The request's id — its `X-Request-ID` when that is a plain token, else a fresh
    uuid4 — set for every record logged while serving it, echoed in the response header
    and in any problem body; then one access line. An exception nothing else answered is
    logged here, with its traceback, as one record, and answered as a 500 problem."""

    def __init__(self, app: ASGIApp, templates: Mapping[int, str] | None = None) -> None:
        self.app = app
        self.templates = templates or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        header = (b"x-request-id", request_id.encode())
        context = current_request_id.set(request_id)
        status = 0  # no answer begun yet

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        try:
            await self.app(scope, receive, noting)
        except Exception as error:
            fault_log.error("unhandled error on %s %s", scope["method"], shown(scope["path"]), exc_info=error)  # fmt: skip
            if status:
                raise  # the answer is half sent: the server must cut the connection
            await problem(500, "the server failed; the failure is logged")(scope, receive, noting)
        finally:
            log_access(scope, self.template(scope), status or 500, started)
            current_request_id.reset(context)

    def template(self, scope: Scope) -> str | None:
        """The matched route's path template with its router's prefix; None if none matched."""
        route = scope.get("route")
        return self.templates.get(id(route)) or getattr(route, "path", None)


def request_id_of(scope: Scope) -> str:
    """The client's `X-Request-ID` if it is a plain token, else a new one: a hostile value
    (a newline, 10 KB, non-ASCII) is never echoed or logged."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            if REQUEST_ID.fullmatch(value):
                return str(value.decode("ascii"))
            break
    return str(uuid.uuid4())


def shown(path: str) -> str:
    """The raw path as a log shows it: at most PATH_SHOWN characters, control characters
    escaped so that a text log line stays one line."""
    cut = path[:PATH_SHOWN]
    return cut if cut.isprintable() else cut.encode("unicode_escape").decode("ascii")


def prefixed(prefix: str, routes: Iterable[Any]) -> dict[int, str]:
    """Each route of a router included under `prefix` and its full path template: FastAPI
    answers the route as its router declared it, without the prefix."""
    return {id(route): prefix + route.path for route in routes if hasattr(route, "path")}


def log_access(scope: Scope, route: str | None, status: int, started: float) -> None:
    """The access line: route template (a few values to count by), raw path, status,
    duration, and who asked (subject and token id, None before authentication)."""
    state: dict[str, Any] = scope.get("state", {})
    fields = {
        "method": scope["method"],
        "route": route,
        "path": shown(scope["path"]),
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        "subject": state.get("subject"),
        "token_id": state.get("token_id"),
    }
    access_log.info("%s %s %d", fields["method"], route or fields["path"], status, extra=fields)
