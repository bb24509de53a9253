"""The events a read model needs, read straight from the library's events table.

`recorder.select_notifications(start, limit, stop, topics)` reads the same rows with the
same conditions and order, but builds a Notification and parses a UUID for each one —
more than the database's own work on a catch-up of tens of thousands of events. This
reads plain tuples: (position, originator id as text, version, topic, state). The text
is the id as `str()` gives it, as the read models store it. A test holds the two
readings to the same rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.eventstore import events_table
from adapters.sql import ViewStore

Stored = tuple[int, str, int, str, bytes]  # position, originator, version, topic, state


def select_events(
    store: ViewStore, after: int, stop: int, topics: Sequence[str], limit: int
) -> list[Stored]:
    """At most `limit` events with these topics at positions in (after, stop], in order."""
    recorder: Any = store.recorder
    table, position = events_table(recorder)
    sql = (
        f"SELECT {position}, originator_id{'::text' if store.postgres else ''},"
        f" originator_version, topic, state FROM {table}"
        f" WHERE {position} > ? AND {position} <= ?"
        f" AND topic IN ({', '.join('?' * len(topics))}) ORDER BY {position} LIMIT ?"
    )
    params = (after, stop, *topics, limit)
    if store.postgres:
        from psycopg.rows import tuple_row

        with store.transaction(commit=False) as cur:
            cur.raw.row_factory = tuple_row
            return cur.execute(sql, params).fetchall()
    as_uuid = recorder.datastore.originator_id_type == "uuid"
    with store.transaction(commit=False) as cur:
        rows = cur.execute(sql, params).fetchall()
    return [(r[0], dashed(r[1]) if as_uuid else r[1], r[2], r[3], r[4]) for r in rows]


def dashed(hex_: str) -> str:
    """A UUID stored as 32 hex digits (`UUID.hex`), as `str(UUID)` writes it."""
    return f"{hex_[:8]}-{hex_[8:12]}-{hex_[12:16]}-{hex_[16:20]}-{hex_[20:]}"
