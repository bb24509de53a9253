"""What the service holds while it runs: the ledger, its projections, the highest
position this server wrote (read-your-writes), and a gate that knows whether the store
answers — so that, while PostgreSQL is away, requests get a 503 at once instead of each
waiting out the library's connection retries (EVENTSOURCING-NOTES: pools)."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import date, datetime
from typing import Any, Protocol
from urllib.parse import urlparse

import psycopg

from adapters.pgstore import ReplicaUnavailable
from adapters.settings import conninfo
from adapters.sql import TRACKING_TABLE, UPSTREAM
from api.problems import Problem, unavailable
from projections.lists import OrganisationQuery, PaymentQuery, ReconciliationQuery, WorkerQuery
from service.import_jobs import ImportJobs
from service.ledger import Ledger

log = logging.getLogger("jobaid.api")
REPLICA_REST = 5.0  # seconds reads leave a failed replica alone
# The projections' tracking row (adapters/sql.py), as the gate reads it on its connection.
TRACKING_SQL = f"SELECT notification_id FROM {TRACKING_TABLE} WHERE application_name = '{UPSTREAM}'"


class Projections(Protocol):
    """The read side (projections/), as the API uses it."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...
    def position(self) -> int: ...
    def wait_for(self, position: int, timeout: float = 5.0) -> bool: ...
    @property
    def has_replica(self) -> bool: ...
    def on_replica(self) -> Projections: ...
    def replica_positions(self) -> tuple[int, int]: ...
    def accounts(
        self,
        as_of: date | None = None,
        known_at: datetime | None = None,
        within: Callable[[str], bool] | None = None,
    ) -> list[dict[str, Any]]: ...
    def statement(
        self,
        source: str,
        division: str,
        from_: date | None,
        to: date | None,
        as_of: date | None = None,
        known_at: datetime | None = None,
        *,
        after: int | None = None,
        limit: int | None = None,
    ) -> dict[str, Any] | None: ...
    def statement_file(
        self,
        source: str,
        division: str,
        from_: date | None,
        to: date | None,
        as_of: date | None = None,
        known_at: datetime | None = None,
    ) -> tuple[dict[str, Any], Iterator[dict[str, Any]]] | None: ...
    def year_end(
        self, source: str, division: str, year: int, known_at: datetime | None = None
    ) -> dict[str, Any] | None: ...
    def statement_screen(
        self,
        source: str,
        division: str,
        from_: date | None,
        to: date | None,
        as_of: date | None,
        known_at: datetime | None,
        *,
        after: int | None,
        limit: int,
    ) -> dict[str, Any] | None: ...
    def monthly(
        self,
        as_of: date | None = None,
        known_at: datetime | None = None,
        within: Callable[[str], bool] | None = None,
    ) -> list[dict[str, Any]]: ...
    def worker(self, worker_id: str, as_of: date | None = None) -> dict[str, Any] | None: ...
    def organisation(
        self, org_id: str, as_of: date | None = None, most: int | None = None
    ) -> dict[str, Any] | None: ...
    def targets(self, within: Callable[[str], bool] | None = None) -> dict[str, Any]: ...
    def workers(self, query: WorkerQuery, after: int, limit: int) -> list[dict[str, Any]]: ...
    def organisations(
        self, query: OrganisationQuery, after: int, limit: int
    ) -> list[dict[str, Any]]: ...
    def payments(self, query: PaymentQuery, after: int, limit: int) -> list[dict[str, Any]]: ...
    def payment(self, payment_id: str) -> dict[str, Any] | None: ...
    def reconciliations(
        self, query: ReconciliationQuery, after: int, limit: int
    ) -> list[dict[str, Any]]: ...
    def payment_requests(
        self,
        after: int,
        limit: int,
        status: str | None = None,
        division: str | None = None,
        within: Callable[[str], bool] | None = None,
    ) -> list[dict[str, Any]]: ...
    def run_candidates(self, rules: tuple[str, ...], paid_on: date) -> list[dict[str, Any]]: ...
    def period_closes(self, within: str | None) -> list[dict[str, Any]]: ...
    def names(self, wanted: list[str]) -> dict[str, str]: ...


class Background(Protocol):
    """Work that runs beside the service while it serves (e.g. sealing the history)."""

    def start(self) -> None: ...
    def stop(self) -> None: ...


class StoreGate:
    """Probes PostgreSQL's leader on its own connection: every `interval` seconds while
    up, and at once after a request saw the store fail. SQLite is a file: always open.

    The connection names the same nodes as the pool and asks, like it, for one that takes
    writes: given several hosts (a cluster), a failover shows here as the old leader's
    connection lost, then a connection to the new one. The probe also notes the log's
    head and the projections' position for readiness (`/v1/health/ready`), so that a
    load balancer's checks cost the store nothing more.

    Every request after the gate noticed (within `interval`) is answered 503 in
    milliseconds, and one already inside the library stops at its next connection
    attempt (adapters/pgstore.py's GatedDatastore asks `up`) instead of waiting out ten
    retries. When the gate sees the store fail or come back, it has
    the ledger's pool check its idle connections (`on_change`), so that none left from
    the old leader fails a request."""

    def __init__(self, database_url: str, interval: float = 0.5) -> None:
        postgres = urlparse(database_url).scheme.startswith("postgres")
        self.conninfo = conninfo(database_url) if postgres else None
        self.interval = interval
        self.up = True
        self.reason = ""
        self.head: int | None = None  # the log's last position, as last probed
        self.tracking: int | None = None  # the projections' position, as last probed
        self.moved_at = time.monotonic()  # when the projections' position last moved
        self.head_sql: str | None = None  # set once the ledger is open
        self.tracking_sql: str | None = None  # set once the projections are
        self.on_change: list[Callable[[], None]] = []
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None

    def start(self) -> None:
        if self.conninfo is not None and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="jobaid-store-gate", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        else:
            self._close()

    def failed(self) -> None:
        if self.conninfo is not None:
            self.up = False
            self.reason = self.reason or "a request found the store unavailable"
            self._wake.set()

    def check(self) -> bool:
        """Whether the leader answers now: a read-write node (libpq picks it among the
        hosts), still read-write, on the gate's own connection, opened again (per-host
        connect timeout) after a failure. A lost connection is how an outage shows first."""
        if self.conninfo is None:
            return True
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self.conninfo, autocommit=True)
            row = self._conn.execute("SHOW transaction_read_only").fetchone()
            if row is None or row[0] != "off":
                # A leader demoted under its connection: a standby now.
                self._close()
                self.reason = "the database node is read-only (no leader yet)"
                return False
            self._probe_positions(self._conn)
        except psycopg.Error as error:
            self._close()
            self.reason = f"the leader is not reachable ({type(error).__name__})"
            return False
        self.reason = ""
        return True

    def _probe_positions(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        """The positions readiness shows; a query that fails for any reason but the
        connection (a table not there yet) leaves them unknown, the leader up."""
        head = tracking = None
        try:
            if self.head_sql is not None:
                row = conn.execute(self.head_sql).fetchone()
                head = int(str(row[0] or 0)) if row else 0
            if self.tracking_sql is not None:
                row = conn.execute(self.tracking_sql).fetchone()
                tracking = int(str(row[0] or 0)) if row else 0
        except (psycopg.OperationalError, psycopg.InterfaceError):
            raise
        except psycopg.Error as error:
            log.debug("positions not probed: %s", type(error).__name__)
        self.note(head, tracking)

    def note(self, head: int | None, tracking: int | None) -> None:
        """The log's head and the projections' position as just read."""
        self.head = head
        if tracking != self.tracking:
            self.tracking, self.moved_at = tracking, time.monotonic()

    def _close(self) -> None:
        if self._conn is not None:
            with suppress(psycopg.Error):
                self._conn.close()
        self._conn = None

    def _run(self) -> None:
        while not self._stopping.is_set():
            was_up, self.up = self.up, self.check()
            if was_up != self.up:
                if self.up:
                    log.warning("store is back")
                else:
                    log.warning("store is unavailable: %s", self.reason)
                for call in self.on_change:
                    try:
                        call()
                    except Exception as error:  # the pool is as broken as the store
                        log.warning("pool check failed: %s", type(error).__name__)
            self._wake.wait(self.interval if self.up else self.interval / 2)
            self._wake.clear()
        self._close()


class Runtime:
    """The ledger and projections, opened on first need (the store may be away at
    start), and the highest position written through this server."""

    def __init__(
        self,
        open_ledger: Callable[[], Ledger],
        open_projections: Callable[[Ledger], Projections | None],
        database_url: str,
        *,
        run_projections: bool = False,
        read_wait: float = 5.0,
        background: Callable[[Ledger], list[Background]] | None = None,
        ready_max_lag: int = 10000,
        ready_stall: float = 10.0,
        replica_wait: float = 2.0,
    ) -> None:
        self._open_ledger = open_ledger
        self._open_projections = open_projections
        self.gate = StoreGate(database_url)
        self.run_projections = run_projections
        self.read_wait = read_wait
        self.ready_max_lag = ready_max_lag
        self.ready_stall = ready_stall
        self.replica_wait = replica_wait
        self.replica_down_until = 0.0  # monotonic: reads go to the leader until then
        self.reads: Counter[str] = Counter()  # reads answered from "replica" / "leader"
        self.last_written = 0
        self._ledger: Ledger | None = None
        self._projections: Projections | None = None
        self._projections_opened = False
        self._projections_started = False
        self._open_background = background
        self._background: list[Background] = []
        self.owned = True
        self._lock = threading.Lock()
        self._imports: ImportJobs | None = None

    @classmethod
    def injected(
        cls, ledger: Ledger, projections: Projections | None, read_wait: float = 5.0
    ) -> Runtime:
        runtime = cls(
            lambda: ledger, lambda _: projections, ledger.settings.database_url, read_wait=read_wait
        )
        runtime._ledger, runtime._projections, runtime._projections_opened = (
            ledger,
            projections,
            True,
        )
        runtime._watch(ledger, projections)
        runtime.owned = False  # the caller (a test) closes what it made
        return runtime

    @property
    def ledger_open(self) -> bool:
        """Whether `ledger()` answers without opening the store (or refusing at once)."""
        return self._ledger is not None or not self.gate.up

    def ledger(self) -> Ledger:
        if not self.gate.up:
            why = self.gate.reason or "the leader is not reachable"
            raise unavailable(f"the ledger's store is unavailable ({why}); retry shortly")
        if self._ledger is None:
            with self._lock:
                if self._ledger is None:
                    ledger = self._open_ledger()
                    self._watch(ledger, None)
                    self._ledger = ledger
        return self._ledger

    def _watch(self, ledger: Ledger, projections: Projections | None) -> None:
        """What the gate probes besides the leader (the log's head, the projections'
        position), and the pool it has check when the store fails or comes back."""
        from adapters.eventstore import events_table
        from adapters.pgstore import GatedDatastore, drop_broken

        if self.gate.conninfo is None:
            return
        datastore = getattr(ledger.recorder, "datastore", None)
        if datastore is not None and not self.gate.on_change:
            self.gate.on_change.append(lambda: drop_broken(datastore))
        if isinstance(datastore, GatedDatastore):
            gate = self.gate
            datastore.available = lambda: gate.up
        table, position = events_table(ledger.recorder)
        self.gate.head_sql = f"SELECT max({position}) FROM {table}"
        if projections is not None:
            self.gate.tracking_sql = TRACKING_SQL

    def fresh(self, projections: Projections, target: int) -> Projections:
        """The projections to answer a read from, once they include position `target`
        (this server's own writes, or `X-Jobaid-After-Position`): a replica's when it
        has one that has replayed that far — waiting up to `replica_wait` for it — else
        the leader's, once its projections have got there (503 if not within
        `read_wait`). A replica that fails is left alone for a few seconds."""
        if projections.has_replica and time.monotonic() >= self.replica_down_until:
            try:
                if self._replica_reached(projections, target):
                    self.reads["replica"] += 1
                    return projections.on_replica()
            except ReplicaUnavailable as error:
                self.replica_failed(error)
        if (
            target
            and projections.position() < target
            and not projections.wait_for(target, self.read_wait)
        ):
            raise Problem(
                503,
                f"the projections have not reached position {target} yet",
                {"Retry-After": "1"},
            )
        self.reads["leader"] += 1
        return projections

    def _replica_reached(self, projections: Projections, target: int) -> bool:
        """Whether the replica's projections include `target` and everything committed
        with it (the replica's head once it holds `target`: a command's other events
        may lie after the position it answered), polled until `replica_wait` is up."""
        if not target:
            return True
        deadline = time.monotonic() + self.replica_wait
        goal: int | None = None
        pause = 0.01
        while True:
            head, tracking = projections.replica_positions()
            if goal is None and head >= target:
                goal = head
            if goal is not None and tracking >= goal:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)  # replication takes milliseconds; a paused replica, longer
            pause = min(0.2, pause * 1.5)

    def replica_failed(self, error: BaseException) -> None:
        if time.monotonic() >= self.replica_down_until:
            log.warning("read replica unavailable, reading from the leader: %s", type(error).__name__)  # fmt: skip
        self.replica_down_until = time.monotonic() + REPLICA_REST

    def readiness(self) -> tuple[bool, dict[str, object]]:
        """Whether this server should be sent traffic: the leader answers, and the
        projections do not trail the log by more than `ready_max_lag` positions while
        standing still for `ready_stall` seconds (a backlog that moves is catching up: a
        large import must not take every server out of the balancer at once)."""
        gate = self.gate
        if gate.conninfo is not None and not gate.up:
            return False, {"status": "unavailable", "reason": gate.reason or "the leader is not reachable"}  # fmt: skip
        if gate.conninfo is None:  # SQLite: a file, read here and now
            ledger = self.ledger()
            projections = self.projections()
            gate.note(ledger.store.head(), None if projections is None else projections.position())
        answer: dict[str, object] = {"status": "ready", "position": gate.head}
        if gate.tracking is None:
            return True, answer
        answer["projections_position"] = gate.tracking
        lag = (gate.head or 0) - gate.tracking
        still = time.monotonic() - gate.moved_at
        if lag > self.ready_max_lag and still > self.ready_stall:
            answer["status"] = "unavailable"
            answer["reason"] = (
                f"the projections trail the log by {lag} positions"
                f" and have not moved for {still:.0f} s"
            )
            return False, answer
        return True, answer

    def projections(self) -> Projections | None:
        ledger = self.ledger()
        if not self._projections_opened:
            with self._lock:
                if not self._projections_opened:
                    self._projections = self._open_projections(ledger)
                    self._watch(ledger, self._projections)
                    self._projections_opened = True
                    if self._projections is not None and self.run_projections:
                        self._projections.start()
                        self._projections_started = True
                    if self._open_background is not None:
                        self._background = self._open_background(ledger)
                        for work in self._background:
                            work.start()
        return self._projections

    def imports(self) -> ImportJobs:
        """The import jobs and their runner, started on first need: at start, so that a
        job a stopped server left unfinished is resumed (service.import_jobs)."""
        ledger = self.ledger()
        if self._imports is None:
            with self._lock:
                if self._imports is None:
                    self._imports = ImportJobs(ledger, wrote=self.wrote)
                    self._imports.start()
        return self._imports

    def wrote(self, position: int) -> None:
        # A lost update here only makes a read wait less; max() keeps it monotonic.
        self.last_written = max(self.last_written, position)

    def store_failed(self) -> None:
        self.gate.failed()

    def start(self) -> None:
        self.gate.start()
        try:
            self.projections()
            self.imports()
        except Exception as error:  # the store may be away at start: open on first need
            log.warning("store not ready at start: %s", type(error).__name__)
            self.gate.failed()

    def close(self) -> None:
        """Stop following the log and close what this runtime opened."""
        self.gate.stop()
        if self._imports is not None:
            self._imports.stop()  # after the chunk in hand; its lease is given back
        for work in self._background:
            work.stop()
        if self._projections is not None and self._projections_started:
            self._projections.stop()
        if not self.owned:
            return
        if self._projections is not None:
            self._projections.close()
        if self._ledger is not None:
            self._ledger.close()
