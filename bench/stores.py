"""Fresh databases for a benchmark: a PostgreSQL database of its own (created, then
dropped WITH (FORCE)) or an SQLite file in a temporary directory."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from adapters.settings import Settings
from service.ledger import Ledger

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PII_KEY = b"bench-pii-key"
STORES = ("sqlite", "postgres")


@contextmanager
def fresh_database(store: str) -> Iterator[str]:
    """The URL of a new, empty database on `store`; removed on exit."""
    if store == "sqlite":
        directory = tempfile.mkdtemp(prefix="jobaid_bench_")
        try:
            yield f"sqlite:///{directory}/ledger.db"
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    name = f"jobaid_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = POSTGRES_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def analysed(url: str) -> None:
    """PostgreSQL's planner statistics for a history built in one go, as autovacuum keeps
    them on a running server (the test server runs without it): a query planned with
    none can sort a whole account's lines for one page. SQLite plans without them."""
    if url.startswith("postgresql"):
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            conn.execute("ANALYZE")


def open_ledger(url: str) -> Ledger:
    return Ledger(Settings(database_url=url, pii_key=PII_KEY))


def store_env(url: str) -> dict[str, str]:
    """The environment a `jobaid` subprocess needs to open the same ledger."""
    return {
        **os.environ,
        "JOBAID_DATABASE_URL": url,
        "JOBAID_PII_KEY": PII_KEY.decode(),
        "JOBAID_LOG_LEVEL": "WARNING",
    }


def stored_events(ledger: Ledger) -> int:
    return ledger.recorder.max_notification_id() or 0
