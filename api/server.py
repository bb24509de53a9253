"""`jobaid serve`: uvicorn over the app, configured from the environment. Logs are one
JSON object per line on stderr; SIGTERM finishes in-flight requests before it exits."""

from __future__ import annotations

import logging
from urllib.parse import urlparse

import uvicorn

from adapters.logs import configure_logging
from adapters.settings import ConfigurationError, Settings
from api.app import create_app
from api.projector import LeasedProjector, ProjectorProcess, runs_apart
from api.runtime import Background, Projections, Runtime
from service.ledger import Ledger

log = logging.getLogger("jobaid.api")
FIRST_TOKEN_HINT = "no token yet? run: jobaid token create --role admin --division 430000"


def open_projections(ledger: Ledger) -> Projections | None:
    """The read side; on the read replicas too when JOBAID_READ_DATABASE_URL names them."""
    from adapters.pgstore import replica_recorder
    from adapters.sql import ViewStore
    from projections import Projections as ReadSide

    settings = ledger.settings
    replica = None
    if settings.read_database_url:
        table: str = getattr(ledger.recorder, "events_table_name")  # noqa: B009 - PostgreSQL's
        recorder = replica_recorder(settings.read_database_url, settings.postgres, table)
        replica = ViewStore(recorder)
    read_side: Projections = ReadSide(ledger.store, settings.projection_batch, replica)
    return read_side


def open_sealer(ledger: Ledger) -> list[Background]:
    from audit.chain import SealingThread

    return [SealingThread(ledger.store)]


def open_projector(ledger: Ledger) -> list[Background]:
    return [ProjectorProcess(ledger.settings)]


def open_leased(ledger: Ledger) -> list[Background]:
    """Projections and sealer as threads here, while this process holds the lease."""
    return [LeasedProjector(ledger)]


def runtime_for(settings: Settings, projections: bool) -> Runtime:
    """What the service holds: the ledger, and the projections and sealer here (SQLite),
    in a child process (PostgreSQL), or nowhere (`--no-projections`)."""
    apart = projections and runs_apart(settings)
    here = projections and not apart
    # On PostgreSQL several servers may share the database: threads here take turns
    # with every other server's projector by the lease (api/projector.py).
    leased = here and settings.postgres_store
    background = open_leased if leased else open_sealer if here else None
    return Runtime(
        open_ledger=lambda: Ledger(settings),
        open_projections=open_projections,
        database_url=settings.database_url,
        run_projections=here and not leased,
        # The process that keeps the projections also seals the history (audit/chain.py).
        background=open_projector if apart else background,
        ready_max_lag=settings.ready_max_lag,
        ready_stall=settings.ready_stall,
        replica_wait=settings.replica_wait,
    )


def serve(host: str, port: int, projections: bool = True) -> int:
    """Run the HTTP service until SIGINT/SIGTERM. Projections follow the log, and the
    sealer seals it, in a child process on PostgreSQL (api/projector.py), in this one on
    SQLite, or in another process the operator runs (`--no-projections`, `jobaid project`)."""
    try:
        settings = Settings.from_env()
    except (ConfigurationError, ValueError) as error:
        configure_logging()
        log.error("%s", error)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    runtime = runtime_for(settings, projections)
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
