"""The PostgreSQL events recorder, with a cheaper insert.

A save is one statement: `jobaid_insert_events(ids, versions, topics, states)`, a
function that locks the table (writers serialised, so positions commit in order), notifies
the projections and inserts — run in autocommit, so the statement is the transaction. The
library's save takes three round trips (its pipeline's start, the insert's sync, the
COMMIT), and under load the leader of a group commit then waits for the interpreter lock
after each of them.

eventsourcing 9.5.6 inserts a save's events as one array of a composite type,
`unnest(%s::stored_event[])`, which psycopg dumps as text field by field in Python
(the JSON state hex-escaped): the largest single cost of a batch of facts. This recorder
sends four parallel arrays in binary instead — `unnest(uuid[], bigint[], text[],
bytea[])` — an order of magnitude cheaper (bench/RESULTS.md), into the same table, in the
same order (RETURNING gives the notification ids in insert order, as the library
expects), under the same table lock and NOTIFY. Selected by `APPLICATION_RECORDER_TOPIC`
(service/ledger.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode

from eventsourcing.persistence import (
    InterfaceError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from eventsourcing.utils import retry
from psycopg import Connection, Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Identifier

from adapters.settings import PostgresTuning, libpq_extras, parse_postgres_url

TOPIC = "adapters.pgstore:ArrayInsertRecorder"
LIBPQ = "POSTGRES_LIBPQ"  # what else the pool's connections tell libpq (adapters/settings.py)


class StoreUnavailable(PersistenceError):
    """The service's store gate knows the leader is away: refused at once, not retried
    (api/runtime.py answers it 503)."""


class GatedDatastore(PostgresDatastore):
    """The library's datastore, which asks `available` (the service's store gate)
    before it hands out a connection. A request already inside the library when the
    leader goes would otherwise wait out ten connection attempts (~12 s); with the gate
    it fails at the next attempt once the gate has seen the outage (within 0.5 s)."""

    available: Callable[[], bool] | None = None

    @contextmanager
    def get_connection(self) -> Iterator[Connection[DictRow]]:
        if self.available is not None and not self.available():
            raise StoreUnavailable("the leader is not reachable")
        with super().get_connection() as conn:
            yield conn


class Factory(PostgresFactory):
    """The library's PostgreSQL factory, whose pool also tells libpq what the library
    has no setting for: `target_session_attrs=read-write` (so that, given several hosts,
    every connection — new ones after a failover too — goes to the current leader), a
    per-host connect timeout and TCP keepalives. Set before the pool opens: the library
    opens it on first use. Its datastore is a `GatedDatastore` (same state, one more
    check)."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self.datastore.__class__ = GatedDatastore
        add_libpq(self.datastore, self.env.get(LIBPQ) or "")


def add_libpq(datastore: PostgresDatastore, extras: str) -> None:
    kwargs = datastore.pool.kwargs
    assert isinstance(kwargs, dict)
    kwargs.update(parse_qsl(extras, strict_parsing=bool(extras)))


class ReplicaUnavailable(StoreUnavailable):
    """A read replica failed to answer: the read is answered 503 (retry), the replica
    is left alone for a few seconds and reads go to the leader — the leader's gate is
    not told, since the leader may well be fine."""


class ReplicaDatastore(PostgresDatastore):
    """The library's datastore on the read nodes: a failure to reach them is a
    `ReplicaUnavailable`, told apart from the leader's."""

    @contextmanager
    def get_connection(self) -> Iterator[Connection[DictRow]]:
        try:
            with super().get_connection() as conn:
                yield conn
        except (OperationalError, InterfaceError) as error:
            raise ReplicaUnavailable(str(error)) from error


def replica_recorder(
    read_url: str, tuning: PostgresTuning, events_table_name: str
) -> PostgresApplicationRecorder:
    """A recorder (for its datastore and table names: nothing is written through it) on
    the nodes of `JOBAID_READ_DATABASE_URL`, which libpq picks by their
    `target_session_attrs` (`prefer-standby` unless the URL says otherwise)."""
    target = parse_postgres_url(read_url, writes=False)
    datastore = ReplicaDatastore(
        dbname=target.dbname,
        host=target.host_list,
        port=target.port_list,
        user=target.user,
        password=target.password,
        connect_timeout=tuning.connect_timeout,
        idle_in_transaction_session_timeout=5,
        pool_size=max(1, tuning.pool_size // 2),
        max_overflow=tuning.max_overflow,
        max_waiting=64,
        pre_ping=tuning.pre_ping,
        schema=target.schema or "",
    )
    add_libpq(datastore, urlencode(libpq_extras(target, tuning)))
    return PostgresApplicationRecorder(datastore, events_table_name=events_table_name)


def drop_broken(datastore: Any) -> None:
    """Have a PostgreSQL pool test its idle connections now, and replace those that
    fail: after the leader went away, each would otherwise fail one request's attempt."""
    pool = getattr(datastore, "pool", None)
    check = getattr(pool, "check", None)
    if check is not None and not getattr(pool, "closed", True):
        check()


INSERT_FUNCTION = "jobaid_insert_events"
DDL_LOCK = 7106117303  # one process at a time (re)creates the function (ids: adapters/sql.py)


class ArrayInsertRecorder(PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        names = {
            "schema": Identifier(datastore.schema),
            "table": Identifier(events_table_name),
            "function": Identifier(INSERT_FUNCTION),
            "id_type": SQL(datastore.originator_id_type),
            "channel": Identifier(self.channel_name),
            "lock_timeout": SQL(str(int(datastore.lock_timeout))),
        }
        self.create_function_statement = SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{function}("
            "ids {id_type}[], versions bigint[], topics text[], states bytea[]) "
            "RETURNS SETOF bigint LANGUAGE plpgsql AS $body$ BEGIN "
            "SET LOCAL lock_timeout = '{lock_timeout}s'; "
            "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
            "NOTIFY {channel}; "
            "RETURN QUERY INSERT INTO {schema}.{table} "
            "(originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(ids, versions, topics, states) RETURNING notification_id; "
            "END $body$"
        ).format(**names)
        self.call_function = SQL("SELECT * FROM {schema}.{function}(%b, %b, %b, %b)").format(
            **names
        )
        self.call_function_sql: str | None = None
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

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("SELECT pg_advisory_xact_lock({0})").format(DDL_LOCK))
            curs.execute(self.create_function_statement)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The events saved by one statement (see above); their positions, in order."""
        if kwargs.get("tracking") is not None:  # the ledger records no tracking with events
            positions: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return positions
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            if self.call_function_sql is None:  # rendered once: psycopg caches plain strings
                self.call_function_sql = self.call_function.as_string(conn)
            curs.execute(
                self.call_function_sql,
                (
                    [e.originator_id for e in stored_events],
                    [e.originator_version for e in stored_events],
                    [e.topic for e in stored_events],
                    [e.state for e in stored_events],
                ),
            )
            ids = [row[0] for row in curs.fetchall()]
        if len(ids) != len(stored_events):
            msg = f"got {len(ids)} notification ids, expected {len(stored_events)}"
            raise ProgrammingError(msg)
        return ids

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
