"""Logs as one JSON object per line on stderr (python-json-logger), for `jobaid serve` and
the projector it runs beside it (api/projector.py), so that one stream is parsed one way;
`JOBAID_LOG_FORMAT=text` for a person reading a terminal."""

from __future__ import annotations

import logging
import sys
import time
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter

# The id of the HTTP request being served (api/middleware.py sets it), so that every
# record logged while serving it — the access line, a warning deep in the ledger, a
# traceback — carries the same `request_id`. None outside a request.
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


class RequestContext(logging.Filter):
    """Stamps each record with the request it was logged in (a handler filter, so that
    records propagated from any logger get it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id.get()
        return True


def formatter(kind: str = "json") -> logging.Formatter:
    """`json`: one object per line — timestamp (RFC 3339, UTC), level, logger, message,
    request_id and every `extra` field; a traceback is the `exc_info` string of the same
    line. `text`: one line a person reads, the access fields in its message."""
    if kind == "text":
        text = logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            datefmt="%Y-%m-%dT%H:%M:%SZ",
        )
        text.converter = time.gmtime
        return text
    # orjson: the access line is written on every request, and it encodes the timestamp
    # (RFC 3339) and Chinese text natively, without a Python callback.
    return OrjsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp=True,
        # uvicorn's copy of its message with terminal colour codes: noise in a JSON line.
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],
    )


def configure_logging(
    level: str = "INFO", kind: str = "json", stream: TextIO | None = None
) -> logging.Handler:
    """Send every record to stderr (or `stream`) as `kind` lines; the handler it installs."""
    installed = handler(kind, stream)
    root = logging.getLogger()
    root.handlers[:] = [installed]
    root.setLevel(level)
    return installed


def handler(kind: str = "json", stream: TextIO | None = None) -> logging.Handler:
    """A handler writing `kind` lines to `stream` (stderr), each stamped with its request."""
    made = logging.StreamHandler(stream if stream is not None else sys.stderr)
    made.setFormatter(formatter(kind))
    made.addFilter(RequestContext())
    return made


# A store that is busy (another process writing, SQLite's lock) or away for a moment:
# the work is retried, nothing is lost, so it is no error — until it lasts.
TRANSIENT_ATTEMPTS = 10  # at the back-off below, about 10 s of trying


def is_transient(error: BaseException) -> bool:
    """The store is busy or unreachable, as opposed to a fault in the work itself."""
    import sqlite3

    import psycopg
    import psycopg_pool
    from eventsourcing import persistence

    from adapters.pgstore import StoreUnavailable

    return isinstance(
        error,
        StoreUnavailable
        | persistence.OperationalError
        | persistence.InterfaceError
        | psycopg.OperationalError
        | psycopg_pool.PoolTimeout
        | sqlite3.OperationalError,
    )


def log_retry(log: logging.Logger, what: str, attempt: int, error: BaseException) -> None:
    """A background step failed and will be retried: debug while the store is only busy,
    a warning once that lasts, an error with its traceback for any other failure (the
    step cannot succeed on its own, so its work is held up until someone acts)."""
    if not is_transient(error):
        log.error("%s failed (attempt %d)", what, attempt, exc_info=error)
    elif attempt < TRANSIENT_ATTEMPTS:
        log.debug("%s waits for the store (attempt %d): %s", what, attempt, error)
    elif attempt == TRANSIENT_ATTEMPTS or attempt % 100 == 0:
        log.warning("%s still waits for the store (attempt %d): %s", what, attempt, error)
