"""What the service holds while it runs: the ledger, its projections, the highest
position this server wrote (read-your-writes), and a gate that knows whether the store
answers — so that, while PostgreSQL is away, requests get a 503 at once instead of each
waiting out the library's connection retries (EVENTSOURCING-NOTES: pools)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, Protocol
from urllib.parse import urlparse

import psycopg

from api.problems import unavailable
from projections.lists import OrganisationQuery, PaymentQuery, ReconciliationQuery, WorkerQuery
from service.import_jobs import ImportJobs
from service.ledger import Ledger

log = logging.getLogger("jobaid.api")


class Projections(Protocol):
    """The read side (projections/), as the API uses it."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...
    def position(self) -> int: ...
    def wait_for(self, position: int, timeout: float = 5.0) -> bool: ...
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
    def statement_page(
        self,
        source: str,
        division: str,
        from_: date | None,
        to: date | None,
        as_of: date | None,
        known_at: datetime | None,
        page: tuple[int, int],
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
    """Probes PostgreSQL on its own connection: every `interval` seconds while up, and
    at once after a request saw the store fail. SQLite is a file: always open.

    A request that is already inside the library when the store goes away still waits
    out its retries (ten, each bounded by the pool timeout: ~12 s at 1 s); every request
    after the gate noticed (within `interval`) is answered 503 in milliseconds."""

    def __init__(self, database_url: str, interval: float = 0.5) -> None:
        parsed = urlparse(database_url)
        self.url = database_url.split("?", 1)[0] if parsed.scheme.startswith("postgres") else None
        self.interval = interval
        self.up = True
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None

    def start(self) -> None:
        if self.url is not None and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="jobaid-store-gate", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def failed(self) -> None:
        if self.url is not None:
            self.up = False
            self._wake.set()

    def check(self) -> bool:
        """Whether the store answers now: SELECT 1 on the gate's own connection, opened
        again (1 s timeout) after a failure. A lost connection is how an outage shows first."""
        if self.url is None:
            return True
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self.url, connect_timeout=1, autocommit=True)
            self._conn.execute("SELECT 1")
        except psycopg.Error:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            return False
        return True

    def _run(self) -> None:
        while not self._stopping.is_set():
            was_up, self.up = self.up, self.check()
            if was_up != self.up:
                log.warning("store %s", "is back" if self.up else "is unavailable")
            self._wake.wait(self.interval if self.up else self.interval / 2)
            self._wake.clear()
        if self._conn is not None:
            self._conn.close()


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
    ) -> None:
        self._open_ledger = open_ledger
        self._open_projections = open_projections
        self.gate = StoreGate(database_url)
        self.run_projections = run_projections
        self.read_wait = read_wait
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
        runtime.owned = False  # the caller (a test) closes what it made
        return runtime

    @property
    def ledger_open(self) -> bool:
        """Whether `ledger()` answers without opening the store (or refusing at once)."""
        return self._ledger is not None or not self.gate.up

    def ledger(self) -> Ledger:
        if not self.gate.up:
            raise unavailable("the ledger's store is unavailable; retry shortly")
        if self._ledger is None:
            with self._lock:
                if self._ledger is None:
                    self._ledger = self._open_ledger()
        return self._ledger

    def projections(self) -> Projections | None:
        ledger = self.ledger()
        if not self._projections_opened:
            with self._lock:
                if not self._projections_opened:
                    self._projections = self._open_projections(ledger)
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
