"""The HTTP stack's own ceiling here: an empty FastAPI endpoint, `POST /v1/events`, that
parses the JSON body and answers 201 with an answer shaped like the ledger's — no auth,
no middleware, no ledger, no store. Served like `jobaid serve`, in a process of its own:
`python -m bench.empty_app --port N`."""

from __future__ import annotations

import argparse
import itertools
import json
import uuid
from datetime import UTC, datetime

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI(title="Empty endpoint (benchmark baseline)")
_positions = itertools.count(1)


@app.post("/v1/events", status_code=201)
async def post_events(request: Request) -> JSONResponse:
    """Parse the fact, record nothing, answer as the ledger would (service.ledger.Recorded)."""
    fact = json.loads(await request.body())
    answer = {
        "event_id": fact["event_id"],
        "type": fact["type"],
        "aggregate_id": str(uuid.uuid4()),
        "version": 1,
        "position": next(_positions),
        "recorded_at": datetime.now(UTC).isoformat(),
    }
    return JSONResponse(answer, status_code=201)


def serve(host: str, port: int) -> None:
    """uvicorn configured as api/server.py configures it for `jobaid serve` (keep the two
    alike): one process, default loop and HTTP implementation (uvloop, httptools)."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=30,
        lifespan="on",
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.empty_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    serve(args.host, args.port)
