"""`jobaid serve`: uvicorn over the app, configured from the environment. Logs are one
JSON object per line on stderr; SIGTERM finishes in-flight requests before it exits."""

from __future__ import annotations

import logging
import os
from urllib.parse import urlparse

import uvicorn

from adapters.logs import configure_logging
from adapters.settings import ConfigurationError, Settings
from api.app import create_app
from api.projector import ProjectorProcess, runs_apart
from api.runtime import Background, Projections, Runtime
from service.ledger import Ledger

log = logging.getLogger("jobaid.api")
FIRST_TOKEN_HINT = "no token yet? run: jobaid token create --role admin --division 430000"


def store_overrides(database_url: str) -> dict[str, str]:
    """A short pool timeout: the library retries a failed connection ten times, so this
    bounds how long a request already in flight waits when PostgreSQL goes away."""
    if not urlparse(database_url).scheme.startswith("postgres"):
        return {}
    return {"POSTGRES_CONNECT_TIMEOUT": os.environ.get("JOBAID_PG_CONNECT_TIMEOUT", "1")}


def open_projections(ledger: Ledger) -> Projections | None:
    from projections import Projections as ReadSide

    read_side: Projections = ReadSide(ledger.store)
    return read_side


def open_sealer(ledger: Ledger) -> list[Background]:
    from audit.chain import SealingThread

    return [SealingThread(ledger.store)]


def open_projector(ledger: Ledger) -> list[Background]:
    return [ProjectorProcess()]


def serve(host: str, port: int, projections: bool = True) -> int:
    """Run the HTTP service until SIGINT/SIGTERM. Projections follow the log, and the
    sealer seals it, in a child process on PostgreSQL (api/projector.py), in this one on
    SQLite, or in another process the operator runs (`--no-projections`, `jobaid project`)."""
    configure_logging()
    try:
        settings = Settings.from_env()
        overrides = store_overrides(settings.database_url)
        apart = projections and runs_apart(settings.database_url)
    except (ConfigurationError, ValueError) as error:
        log.error("%s", error)
        return 2
    here = projections and not apart
    runtime = Runtime(
        open_ledger=lambda: Ledger(settings, env=overrides),
        open_projections=open_projections,
        database_url=settings.database_url,
        run_projections=here,
        # The process that keeps the projections also seals the history (jobaid/chain.py).
        background=open_sealer if here else open_projector if apart else None,
    )
    config = uvicorn.Config(
        create_app(runtime=runtime),
        host=host,
        port=port,
        log_config=None,
        access_log=False,  # RequestLog writes the one line per request
        timeout_graceful_shutdown=30,
        lifespan="on",
    )
    log.info(
        "serving on http://%s:%d (store %s); %s",
        host,
        port,
        urlparse(settings.database_url).scheme,
        FIRST_TOKEN_HINT,
    )
    uvicorn.Server(config).run()
    return 0
