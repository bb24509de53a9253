"""Fixtures: the `database_url` tests run on SQLite; those marked `both_stores` (guards,
races, the stores themselves, projections, audit, group commit, idempotency) run on SQLite
and on PostgreSQL. PostgreSQL being away fails the suite; it is never skipped.

SQLite gets a file of its own per test. PostgreSQL gets one database per test run (per
xdist worker), created at the start and dropped at the end; each test finds it empty —
every table of the ledger, the read models and the audit chain truncated, positions
restarted — which costs a few milliseconds where CREATE/DROP DATABASE per test cost a
quarter of a second."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from adapters.settings import Settings
from service.ledger import Ledger

POSTGRES_URL = os.environ.get(
    "JOBAID_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
PII_KEY = b"test-pii-key"


class new_postgres_database:
    """CREATE DATABASE on entry, DROP DATABASE … WITH (FORCE) on exit."""

    def __init__(self) -> None:
        self.name = f"jobaid_test_{uuid.uuid4().hex[:12]}"

    def __enter__(self) -> str:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        base, _, _ = POSTGRES_URL.rpartition("/")
        return f"{base}/{self.name}"

    def __exit__(self, *_: object) -> None:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def session_postgres_url() -> Iterator[str]:
    """The run's PostgreSQL database."""
    with new_postgres_database() as url:
        yield url


# The library keeps a migration marker row in its tracking table: a tracking table found
# without one is migrated (renamed away). Only the ledger's own tracking row goes.
TRACKING = "projection_tracking"


def emptied(url: str) -> str:
    """Every table of the database emptied and its sequences restarted, in one statement;
    connections a previous test left open are ended first, so none writes afterwards."""
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        tables = [
            f'"{schema}"."{name}"'
            for schema, name in conn.execute(
                "SELECT schemaname, tablename FROM pg_tables"
                " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                " AND tablename <> %s",
                (TRACKING,),
            ).fetchall()
        ]
        if tables:
            conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        if conn.execute("SELECT to_regclass(%s) IS NOT NULL", (TRACKING,)).fetchone() == (True,):
            conn.execute(f"DELETE FROM {TRACKING} WHERE application_name = 'jobaid'")
    return url


BOTH_STORES = "both_stores"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A command or rule is the same on either store, so SQLite shows it; what a store can
    make differ — its guards under concurrency, its transactions, how it reads events back
    — is marked `both_stores` and proven on PostgreSQL too."""
    if "database_url" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker(BOTH_STORES) is not None
        stores = ["sqlite", "postgres"] if both else ["sqlite"]
        metafunc.parametrize("database_url", stores, indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The unit floor runs without a store: a test there asking for one is a mistake."""
    for item in items:
        if "/tests/unit/" in str(item.path) and "database_url" in getattr(item, "fixturenames", ()):
            raise pytest.UsageError(f"{item.nodeid}: tests/unit/ opens no store")


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL on the store the test was parametrized with."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.db"
    return emptied(request.getfixturevalue("session_postgres_url"))


@pytest.fixture
def postgres_url(session_postgres_url: str) -> str:
    """An empty PostgreSQL database, for the tests that are about PostgreSQL alone."""
    return emptied(session_postgres_url)


@pytest.fixture
def make_ledger(database_url: str) -> Iterator[Callable[[], Ledger]]:
    """Opens ledgers on the test's database (several may share it, as servers do)."""
    opened: list[Ledger] = []

    def make() -> Ledger:
        ledger = Ledger(Settings(database_url=database_url, pii_key=PII_KEY))
        opened.append(ledger)
        return ledger

    yield make
    for ledger in opened:
        ledger.close()


@pytest.fixture
def ledger(make_ledger: Callable[[], Ledger]) -> Ledger:
    return make_ledger()
