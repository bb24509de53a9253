"""The projection tables live in the ledger's own database, written through the ledger's
own datastore (one pool per process). This module hides the two dialects' differences:
placeholders, column types, the tracking table, and DDL races between processes.

Tracking keeps the library's shape — one row per upstream application name with the last
notification id processed — and on PostgreSQL it is the library's own table, created by
`PostgresTrackingRecorder`. It is advanced by compare-and-set in the same transaction as
the rows: the first statement of every projection transaction, so that it also takes the
row lock (PostgreSQL) or the write lock (SQLite) that serialises competing processes."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteTransaction

TRACKING_TABLE = "projection_tracking"
UPSTREAM = "jobaid"  # the Ledger application's name: what the tracking row follows


Row = tuple[Any, ...]


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...
    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> Any: ...
    def fetchall(self) -> Any: ...
    def fetchone(self) -> Any: ...


class SqlCursor:
    """A cursor that takes `?` placeholders on both stores."""

    def __init__(self, raw: Any, postgres: bool) -> None:
        self.raw = raw
        self.postgres = postgres

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> SqlCursor:
        self.raw.execute(self._sql(sql), tuple(params))
        return self

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        if params:
            self.raw.executemany(self._sql(sql), [tuple(p) for p in params])

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Plain INSERTs of whole rows into these columns — a key seen twice fails loudly on
        both stores. PostgreSQL takes them by COPY: one statement, not a round of messages
        per row."""
        if not rows:
            return
        named = ", ".join(columns)
        if self.postgres:
            with self.raw.copy(f"COPY {table} ({named}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        self.raw.executemany(f"INSERT INTO {table} ({named}) VALUES ({marks})", rows)

    def add_to_rows(
        self, table: str, keys: Sequence[str], amounts: Sequence[str], rows: Sequence[Row]
    ) -> None:
        """Add integer `amounts` to the rows of `table` with these text `keys`, creating
        those not there yet; each key at most once in `rows`. PostgreSQL takes them all
        as one JSON parameter: a single statement, and cheaper to send than arrays."""
        if not rows:
            return
        columns = ", ".join((*keys, *amounts))
        added = ", ".join(f"{a} = {table}.{a} + excluded.{a}" for a in amounts)
        upsert = f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}"
        if self.postgres:
            fields = [f"r->>{n}" for n in range(len(keys))]
            fields += [f"(r->>{n})::bigint" for n in range(len(keys), len(keys) + len(amounts))]
            self.raw.execute(
                f"INSERT INTO {table} ({columns}) SELECT {', '.join(fields)}"
                f" FROM json_array_elements(%s::json) AS r{upsert}",
                (json.dumps(rows),),
            )
            return
        marks = ", ".join("?" * (len(keys) + len(amounts)))
        self.raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks}){upsert}", rows)

    def fetchall(self) -> list[Any]:
        return list(self.raw.fetchall())

    def fetchone(self) -> Any:
        return self.raw.fetchone()


class _Immediate(SQLiteTransaction):
    """The library's SQLite transaction (its error mapping on exit), begun IMMEDIATE."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        return cursor


class ViewStore:
    """Transactions, DDL and tracking on the ledger's database."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        from eventsourcing.postgres import PostgresApplicationRecorder

        self.recorder = recorder
        self.datastore: Any = getattr(recorder, "datastore")  # noqa: B009 - both recorders have one
        self.postgres = isinstance(recorder, PostgresApplicationRecorder)
        self.channel: str | None = getattr(recorder, "channel_name", None)

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[SqlCursor]:
        """One transaction. On SQLite one that writes takes the write lock as it begins
        (BEGIN IMMEDIATE), so that another process writing meanwhile — `jobaid import`
        beside `jobaid serve` — makes it wait out the busy timeout: a deferred transaction
        that read first and then writes fails at once with `database is locked`, because
        waiting could not help it (its snapshot is already stale)."""
        if commit and not self.postgres:
            with (
                self.datastore.get_connection(commit=True) as conn,
                _Immediate(conn, commit=True) as raw,
                raw,
            ):
                yield SqlCursor(raw, postgres=False)
            return
        # A read ends in COMMIT on PostgreSQL, as a write does: after a ROLLBACK psycopg
        # deallocates the connection's prepared statements (adapters/eventstore.py).
        with self.datastore.transaction(commit=commit or self.postgres) as raw:
            yield SqlCursor(raw, self.postgres)

    def create(
        self, statements: Sequence[str], retired: Sequence[str] = (), tables: Sequence[str] = ()
    ) -> None:
        """Create the tables once, however many processes start at the same moment.

        A table named in `retired` marks read models written by older code: it is dropped,
        `tables` are emptied and tracking goes back to 0 — all in the transaction that
        creates the new tables, so the next catch-up rebuilds them from the log and no
        process ever reads a new table beside a tracking position it never reached.
        So does a table of `tables` new to a database whose other read models exist: it
        would otherwise miss every event recorded before it was made."""
        if self.postgres:
            self._create_library_tracking_table()
        with self.transaction() as cur:
            if self.postgres:
                # Concurrent CREATE TABLE IF NOT EXISTS can still collide in pg_type.
                cur.execute("SELECT pg_advisory_xact_lock(7106117301)")
            else:
                cur.execute(
                    f"CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} ("
                    "application_name TEXT PRIMARY KEY, notification_id INTEGER) WITHOUT ROWID"
                )
            outdated = [table for table in retired if self.exists(cur, table)]
            missing = [table for table in tables if not self.exists(cur, table)]
            for statement in statements:
                cur.execute(statement)
            self._seed(cur)
            if outdated or 0 < len(missing) < len(tables):
                for table in outdated:
                    cur.execute(f"DROP TABLE {table}")
                self.empty(cur, tables)

    def _create_library_tracking_table(self) -> None:
        from eventsourcing.persistence import PersistenceError
        from eventsourcing.postgres import PostgresTrackingRecorder

        for attempt in range(3):
            tracking = PostgresTrackingRecorder(self.datastore, tracking_table_name=TRACKING_TABLE)
            try:
                tracking.create_table()
                return
            except PersistenceError:
                # Two processes creating it at once: the loser finds it made on retry.
                if attempt == 2:
                    raise

    def _seed(self, cur: SqlCursor) -> None:
        # A row from the start, so that compare-and-set always has something to lock.
        cur.execute(
            f"INSERT INTO {TRACKING_TABLE} (application_name, notification_id) VALUES (?, 0) "
            "ON CONFLICT (application_name) DO NOTHING",
            (UPSTREAM,),
        )

    def position(self, cur: SqlCursor | None = None) -> int:
        if cur is None:
            with self.transaction(commit=False) as reader:
                return self.position(reader)
        row = cur.execute(
            f"SELECT notification_id FROM {TRACKING_TABLE} WHERE application_name = ?",
            (UPSTREAM,),
        ).fetchone()
        return int(row["notification_id"]) if row else 0

    def advance(self, cur: SqlCursor, from_: int, to: int) -> bool:
        """Move tracking from `from_` to `to`; False when another process got there first
        (then the caller's transaction must roll back: its rows would double count)."""
        row = cur.execute(
            f"UPDATE {TRACKING_TABLE} SET notification_id = ? "
            "WHERE application_name = ? AND notification_id = ? RETURNING notification_id",
            (to, UPSTREAM, from_),
        ).fetchone()
        return row is not None

    def empty(self, cur: SqlCursor, tables: Sequence[str]) -> None:
        """Tracking back to 0 (first: it takes the tracking lock, as every batch does),
        then every row of `tables` gone: the read models start again from the log."""
        cur.execute(
            f"UPDATE {TRACKING_TABLE} SET notification_id = 0 WHERE application_name = ?",
            (UPSTREAM,),
        )
        for table in tables:
            cur.execute(f"DELETE FROM {table}")

    def exists(self, cur: SqlCursor, table: str) -> bool:
        if self.postgres:
            row = cur.execute("SELECT to_regclass(?) IS NOT NULL AS found", (table,)).fetchone()
            return bool(row["found"])
        row = cur.execute(
            "SELECT COUNT(*) AS found FROM sqlite_master WHERE type = 'table' AND name = ?",
            (table,),
        ).fetchone()
        return bool(row["found"])

    def replayed(self, cur: SqlCursor) -> tuple[int, int]:
        """The log's last position and the tracking position, read together (on a
        replica: as far as it has replayed both)."""
        from adapters.eventstore import events_table

        table, position = events_table(self.recorder)
        row = cur.execute(
            f"SELECT (SELECT max({position}) FROM {table}) AS head,"
            f" (SELECT notification_id FROM {TRACKING_TABLE} WHERE application_name = ?)"
            " AS tracking",
            (UPSTREAM,),
        ).fetchone()
        return int(row["head"] or 0), int(row["tracking"] or 0)

    def head(self) -> int:
        """The last position recorded in the ledger's log."""
        return int(self.recorder.max_notification_id() or 0)
