"""Fixtures: every ledger test runs on SQLite and on PostgreSQL, each in a database of its
own that is created for the test and dropped after it. PostgreSQL being away fails the
suite; it is never skipped."""

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


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each store."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/ledger.db"
        return
    with new_postgres_database() as url:
        yield url


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


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database, for the tests that are about PostgreSQL alone."""
    with new_postgres_database() as url:
        yield url


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
