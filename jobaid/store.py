"""The few reads the library's recorders do not offer, per store."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder


def position_of(recorder: ApplicationRecorder, aggregate_id: UUID, version: int) -> int:
    """The notification id (global position) of one stored event."""
    from eventsourcing.sqlite import SQLiteApplicationRecorder

    if isinstance(recorder, SQLiteApplicationRecorder):
        statement = (
            f"SELECT rowid FROM {recorder.events_table_name} "
            "WHERE originator_id=? AND originator_version=?"
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (aggregate_id.hex, version))
            row = cursor.fetchone()
        return int(row[0])
    from eventsourcing.postgres import PostgresApplicationRecorder
    from psycopg.sql import SQL, Identifier

    if isinstance(recorder, PostgresApplicationRecorder):
        query = SQL(
            "SELECT notification_id FROM {}.{} WHERE originator_id=%s AND originator_version=%s"
        ).format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (aggregate_id, version))
            found = cursor.fetchone()
        assert found is not None
        return int(found["notification_id"])
    raise TypeError(f"no position look-up for {type(recorder).__name__}")
