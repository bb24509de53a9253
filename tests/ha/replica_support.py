"""Helpers for the service-side HA tests (ha-service): real `jobaid serve` processes on
one database, who holds the projector lease, the read models as rows; and (from
bench/instances.py) PostgreSQL servers of our own, a primary with a streaming replica —
no Patroni needed."""

from __future__ import annotations

from typing import Any

import psycopg

from bench.instances import (
    Instance,
    kill_hard,
    lease_holder,
    one_instance,
    parent_of,
    primary_and_replica,
    wait_for,
)
from projections import schema

__all__ = [
    "Instance",
    "kill_hard",
    "lease_holder",
    "one_instance",
    "parent_of",
    "primary_and_replica",
    "read_models",
    "wait_for",
]


def read_models(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model table's rows, sorted: what the projections made of the log."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table in schema.TABLES:
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()
            tables[table] = sorted(rows, key=repr)
    return tables
