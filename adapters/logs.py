"""Logs as one JSON object per line on stderr, for `jobaid serve` and the projector it
runs beside it (api/projector.py), so that one stream is parsed one way."""

from __future__ import annotations

import json
import logging
import sys


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        if record.name == "jobaid.access":
            return record.getMessage()  # already a JSON object
        line = {
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


# A store that is busy (another process writing, SQLite's lock) or away for a moment:
# the work is retried, nothing is lost, so it is no error — until it lasts.
TRANSIENT_ATTEMPTS = 10  # at the back-off below, about 10 s of trying


def is_transient(error: BaseException) -> bool:
    """The store is busy or unreachable, as opposed to a fault in the work itself."""
    import sqlite3

    import psycopg
    import psycopg_pool
    from eventsourcing import persistence

    return isinstance(
        error,
        persistence.OperationalError
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
