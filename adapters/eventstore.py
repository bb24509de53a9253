"""The ledger's store as its readers see it — the read models and the audit, which must
not depend on the service that writes it — and the few reads the library's recorders do
not offer, on either store."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent

if TYPE_CHECKING:
    from eventsourcing.sqlite import SQLiteApplicationRecorder

CHUNK = 500  # ids per IN (…) list: SQLite's bound-parameter limit
T = TypeVar("T")


@dataclass(frozen=True)
class EventStore:
    """The events table (`recorder`), how stored events map to domain events (`mapper`,
    with every transcoding and upcaster the ledger registers) and aggregates read from
    them (`repository`, cached and fast-forwarded) — the Ledger's own, shared."""

    recorder: ApplicationRecorder
    mapper: Mapper[UUID]
    repository: Repository[UUID]

    def get(self, aggregate_id: UUID, cls: type[T]) -> T | None:
        """The aggregate as recorded now, or None when nothing of that kind is."""
        try:
            found: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None

    def head(self) -> int:
        """The last position recorded in the log (0 when it is empty)."""
        return int(self.recorder.max_notification_id() or 0)


def events_table(recorder: ApplicationRecorder) -> tuple[str, str]:
    """The library's events table as SQL names it, and its position column, on either store."""
    from eventsourcing.postgres import PostgresApplicationRecorder

    if _is_sqlite(recorder):
        return recorder.events_table_name, "rowid"
    if isinstance(recorder, PostgresApplicationRecorder):
        schema, table = (
            name.replace('"', '""')
            for name in (recorder.datastore.schema, recorder.events_table_name)
        )
        return f'"{schema}"."{table}"', "notification_id"
    raise TypeError(f"no reads for {type(recorder).__name__}")


def _query(recorder: ApplicationRecorder, template: str, params: Sequence[Any]) -> list[Any]:
    """Run a read on the events table; `template` names it `{table}`, the position column
    `{position}`, and takes `?` placeholders on both stores."""
    table, position = events_table(recorder)
    sql = template.format(table=table, position=position)
    if _is_sqlite(recorder):
        args = [p.hex if isinstance(p, UUID) else p for p in params]
    else:
        sql, args = sql.replace("?", "%s"), list(params)
    datastore: Any = getattr(recorder, "datastore")  # noqa: B009 - both recorders have one
    if _is_sqlite(recorder):
        with datastore.transaction(commit=False) as cursor:
            cursor.execute(sql, args)
            return list(cursor.fetchall())
    # One statement in autocommit (the library's connections are): one round trip, where a
    # transaction costs three — and no ROLLBACK, after which psycopg deallocates every
    # prepared statement of the connection and the next save prepares them again.
    with datastore.get_connection() as conn, conn.cursor() as cursor:
        cursor.execute(sql, args)
        return list(cursor.fetchall())


def _query_ids(
    recorder: ApplicationRecorder, template: str, aggregate_ids: Collection[UUID]
) -> list[Any]:
    """`_query` over `originator_id IN ({ids})`: on PostgreSQL one query with the ids as a
    binary array (a batch names thousands: 500-parameter texts cost more to build and parse
    than to run), on SQLite a chunk of ids at a time (its bound-parameter limit)."""
    wanted = list(aggregate_ids)
    if not wanted:
        return []
    if not _is_sqlite(recorder):
        return _query(recorder, template.replace("IN ({ids})", "= ANY(%b)"), [wanted])
    rows: list[Any] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows += _query(recorder, template.replace("{ids}", ",".join("?" * len(chunk))), chunk)
    return rows


def _is_sqlite(recorder: ApplicationRecorder) -> TypeGuard[SQLiteApplicationRecorder]:
    from eventsourcing.sqlite import SQLiteApplicationRecorder

    return isinstance(recorder, SQLiteApplicationRecorder)


def _stored(row: Any) -> StoredEvent:
    """A row of the events table (originator_id, originator_version, topic, state) as the
    library's stored event, whichever store it came from."""
    return StoredEvent(
        UUID(str(row["originator_id"])),
        row["originator_version"],
        row["topic"],
        bytes(row["state"]),
    )


def position_of(recorder: ApplicationRecorder, aggregate_id: UUID, version: int) -> int:
    """The notification id (global position) of one stored event."""
    (row,) = _query(
        recorder,
        "SELECT {position} AS position FROM {table} WHERE originator_id = ? AND originator_version = ?",
        (aggregate_id, version),
    )
    return int(row["position"])


def events_of_many(
    recorder: ApplicationRecorder, aggregate_ids: Collection[UUID]
) -> list[tuple[StoredEvent, int]]:
    """Every stored event of these aggregates, each with its position, in version order —
    one query for a batch instead of one per aggregate."""
    rows = _query_ids(
        recorder,
        "SELECT {position} AS position, originator_id, originator_version, topic, state "
        "FROM {table} WHERE originator_id IN ({ids})",
        aggregate_ids,
    )
    found = [(_stored(r), int(r["position"])) for r in rows]
    return sorted(found, key=lambda pair: (pair[0].originator_id, pair[0].originator_version))


def existing_ids(recorder: ApplicationRecorder, aggregate_ids: Collection[UUID]) -> set[UUID]:
    """Which of these aggregates have anything recorded — read fresh, not from a cache."""
    rows = _query_ids(
        recorder,
        "SELECT DISTINCT originator_id FROM {table} WHERE originator_id IN ({ids})",
        aggregate_ids,
    )
    return {UUID(str(row["originator_id"])) for row in rows}


def first_events(recorder: ApplicationRecorder, aggregate_ids: Collection[UUID]) -> dict[UUID, StoredEvent]:  # fmt: skip
    """The creating event (version 1) of each of these aggregates that exists, in one
    query: what a registration or a key says from the start (a name, an owner), without
    replaying each aggregate."""
    rows = _query_ids(
        recorder,
        "SELECT originator_id, originator_version, topic, state "
        "FROM {table} WHERE originator_version = 1 AND originator_id IN ({ids})",
        aggregate_ids,
    )
    return {UUID(str(r["originator_id"])): _stored(r) for r in rows}
