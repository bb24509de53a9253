"""Payees' names for a page of payments or requests: one indexed look-up per table."""

from __future__ import annotations

from adapters.sql import SqlCursor
from projections import schema


def names(cur: SqlCursor, wanted: list[str]) -> dict[str, str]:
    """Payees' names in two indexed look-ups: an organisation's, else a worker's (a payee
    id is one or the other); an id that is neither is left out."""
    ids = sorted(set(wanted))
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    found: dict[str, str] = {}
    for table, column in ((schema.WORKERS, "worker_id"), (schema.ORGANISATIONS, "org_id")):
        rows = cur.execute(
            f"SELECT {column} AS id, name FROM {table} WHERE {column} IN ({marks})", ids
        ).fetchall()
        found.update((r["id"], r["name"]) for r in rows)
    return found
