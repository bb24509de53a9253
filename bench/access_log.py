"""`python -m bench.access_log`: what the request id and the access line cost one request,
in µs — api/middleware.py's RequestLog around an ASGI app that answers at once, against
that app bare, with the line formatted as JSON (python-json-logger) or text and written
to /dev/null, and with the access logger switched off (the request id alone).

Each figure is the median of ROUNDS rounds of CALLS requests, so that another process on
the machine moves the median little."""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from adapters.logs import handler
from api.middleware import RequestLog

CALLS = 20_000  # requests per round
ROUNDS = 7  # rounds per figure; the median is reported
SCOPE: dict[str, Any] = {
    "type": "http",
    "method": "GET",
    "path": "/v1/workers/w-430102-0001",
    "headers": [(b"x-request-id", b"bench-1"), (b"authorization", b"Bearer x")],
    "state": {"subject": "clerk.zhang", "token_id": "9f1c2a7b3e4d5f60"},
}
App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def answer(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def discard(message: Any) -> None:
    return None


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b""}


async def per_request(app: App) -> float:
    """µs per request, the median of the rounds."""
    rounds = []
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(CALLS):
            await app(dict(SCOPE), receive, discard)
        rounds.append((time.process_time() - started) / CALLS * 1e6)
    return statistics.median(rounds)


def logging_to_null(kind: str | None) -> None:
    """The access logger writing `kind` lines to /dev/null, or switched off (None)."""
    access = logging.getLogger("jobaid.access")
    access.handlers.clear()
    access.propagate = False
    if kind is None:
        access.setLevel(logging.WARNING)
        return
    access.setLevel(logging.INFO)
    access.addHandler(handler(kind, open(os.devnull, "w")))  # noqa: SIM115 (lives as long as the run)


async def main() -> None:
    bare = await per_request(answer)
    figures = {}
    for kind in (None, "json", "text"):
        logging_to_null(kind)
        figures[kind or "request id only"] = await per_request(RequestLog(answer))  # type: ignore[arg-type]
    print(f"bare app: {bare:.1f} µs/request")
    for name, cost in figures.items():
        print(f"RequestLog, {name}: {cost:.1f} µs/request (+{cost - bare:.1f} µs)")


if __name__ == "__main__":
    asyncio.run(main())
