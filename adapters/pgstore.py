"""The PostgreSQL events recorder, with a cheaper insert.

eventsourcing 9.5.6 inserts a save's events as one array of a composite type,
`unnest(%s::stored_event[])`, which psycopg dumps as text field by field in Python
(the JSON state hex-escaped): the largest single cost of a batch of facts. This recorder
sends four parallel arrays in binary instead — `unnest(uuid[], bigint[], text[],
bytea[])` — an order of magnitude cheaper (bench/RESULTS.md), into the same table, in the
same order (RETURNING gives the notification ids in insert order, as the library
expects), under the same table lock and NOTIFY. Selected by `APPLICATION_RECORDER_TOPIC`
(service/ledger.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Identifier

TOPIC = "adapters.pgstore:ArrayInsertRecorder"


class ArrayInsertRecorder(PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.insert_arrays_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)"
            " SELECT * FROM unnest(%b::{id_type}[], %b::bigint[], %b::text[], %b::bytea[])"
            " RETURNING notification_id"
        ).format(
            schema=Identifier(datastore.schema),
            table=Identifier(events_table_name),
            id_type=Identifier(datastore.originator_id_type),
        )
        self.insert_arrays_sql: str | None = None

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        if self.insert_arrays_sql is None:  # rendered once: psycopg caches plain strings
            self.insert_arrays_sql = self.insert_arrays_statement.as_string(curs.connection)
        curs.row_factory = tuple_row  # type: ignore[assignment]
        curs.execute(
            self.insert_arrays_sql,
            (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            ),
        )

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The ids as plain tuples: a dict per row cost more than the insert."""
        assert curs.statusmessage and curs.statusmessage.startswith("INSERT")
        rows: list[tuple[int]] = curs.fetchall()  # type: ignore[assignment]
        if len(rows) != len(stored_events):
            msg = f"got {len(rows)} notification ids, expected {len(stored_events)}"
            raise ProgrammingError(msg)
        return [row[0] for row in rows]
