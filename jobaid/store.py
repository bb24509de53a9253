"""The few reads the library's recorders do not offer, per store."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent


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


def events_of_many(
    recorder: ApplicationRecorder, aggregate_ids: Collection[UUID]
) -> list[tuple[StoredEvent, int]]:
    """Every stored event of these aggregates, each with its position, in version order —
    one query for a batch instead of one per aggregate."""
    if not aggregate_ids:
        return []
    from eventsourcing.sqlite import SQLiteApplicationRecorder

    if isinstance(recorder, SQLiteApplicationRecorder):
        found: list[tuple[StoredEvent, int]] = []
        wanted = [aggregate_id.hex for aggregate_id in aggregate_ids]
        with recorder.datastore.transaction(commit=False) as cursor:
            for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
                chunk = wanted[start : start + 500]
                cursor.execute(
                    f"SELECT rowid, * FROM {recorder.events_table_name} "
                    f"WHERE originator_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                found.extend(
                    (
                        StoredEvent(
                            UUID(r["originator_id"]),
                            r["originator_version"],
                            r["topic"],
                            r["state"],
                        ),
                        r[0],
                    )
                    for r in cursor.fetchall()
                )
        return sorted(found, key=lambda pair: (pair[0].originator_id, pair[0].originator_version))
    from eventsourcing.postgres import PostgresApplicationRecorder
    from psycopg.sql import SQL, Identifier

    if isinstance(recorder, PostgresApplicationRecorder):
        query = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{} "
            "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
        ).format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (list(aggregate_ids),))
            return [
                (
                    StoredEvent(
                        UUID(str(r["originator_id"])),
                        r["originator_version"],
                        r["topic"],
                        bytes(r["state"]),
                    ),
                    int(r["notification_id"]),
                )
                for r in cursor.fetchall()
            ]
    raise TypeError(f"no batch read for {type(recorder).__name__}")


def existing_ids(recorder: ApplicationRecorder, aggregate_ids: Collection[UUID]) -> set[UUID]:
    """Which of these aggregates have anything recorded — one query, read fresh."""
    if not aggregate_ids:
        return set()
    from eventsourcing.sqlite import SQLiteApplicationRecorder

    if isinstance(recorder, SQLiteApplicationRecorder):
        wanted = [aggregate_id.hex for aggregate_id in aggregate_ids][:500]
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT DISTINCT originator_id FROM {recorder.events_table_name} "
                f"WHERE originator_id IN ({','.join('?' * len(wanted))})",
                wanted,
            )
            return {UUID(row[0]) for row in cursor.fetchall()}
    from eventsourcing.postgres import PostgresApplicationRecorder
    from psycopg.sql import SQL, Identifier

    if isinstance(recorder, PostgresApplicationRecorder):
        query = SQL(
            "SELECT DISTINCT originator_id FROM {}.{} WHERE originator_id = ANY(%s)"
        ).format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (list(aggregate_ids),))
            return {UUID(str(row["originator_id"])) for row in cursor.fetchall()}
    raise TypeError(f"no look-up for {type(recorder).__name__}")
