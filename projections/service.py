"""`Projections`: the read side the HTTP layer and the command line use."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from adapters.eventstore import EventStore
from adapters.progress import Progress, ignored
from adapters.sql import ViewStore
from projections import accounts as account_queries
from projections import closes as close_queries
from projections import lists, names, schema, statements, targets, views
from projections import requests as request_queries
from projections.follower import Follower
from projections.runner import DEFAULT_BATCH, Runner
from projections.year_end import year_end


class Projections:
    """Balances, statements, worker and organisation views and the targets report, kept
    in the ledger's own database and advanced exactly once (see runner.py).

    `known_at` answers are final once the instant is a few seconds old: an event's
    timestamp is taken just before its transaction commits, so an event stamped before
    a very recent instant may still be on its way into the log."""

    def __init__(
        self,
        events: EventStore,
        batch_size: int = DEFAULT_BATCH,
        replica: ViewStore | None = None,
    ) -> None:
        self.events = events
        self.store = ViewStore(events.recorder)
        self.store.create(schema.STATEMENTS, schema.RETIRED, schema.TABLES)
        self.runner = Runner(events, self.store, batch_size)
        self.follower = Follower(self.runner, self.store)
        # Where the queries below read: the leader's tables, or (`on_replica()`) the same
        # tables on a streaming replica — written by the projector on the leader, there
        # by replication, with the tracking row that says how far they have got.
        self.reads = self.store
        self.replica = replica

    @property
    def has_replica(self) -> bool:
        return self.replica is not None

    def on_replica(self) -> Projections:
        """These projections, read from the replica (the caller knows it has replayed
        far enough: `replica_positions`)."""
        assert self.replica is not None
        reading = copy.copy(self)
        reading.reads = self.replica
        return reading

    def replica_positions(self) -> tuple[int, int]:
        """The log's head and the projections' position as the replica has replayed
        them, in one statement."""
        assert self.replica is not None
        with self.replica.transaction(commit=False) as cur:
            return self.replica.replayed(cur)

    # Following the log.

    def start(self) -> None:
        self.follower.start()

    def stop(self) -> None:
        self.follower.stop()

    def close(self) -> None:
        self.stop()
        if self.replica is not None:
            self.replica.datastore.close()

    def catch_up(self, progress: Progress = ignored) -> int:
        return self.runner.catch_up(progress)

    def position(self) -> int:
        return self.store.position()

    def wait_for(self, position: int, timeout: float = 5.0) -> bool:
        """Read-your-writes, bounded: wait until the projections have passed `position`
        and everything committed before this call. A command's other events in the same
        transaction may lie after the position it answered (a reversal's credit follows
        it), and they are all committed by now, so the log's head covers them."""
        target = max(position, self.store.head())
        deadline = time.monotonic() + timeout
        while self.position() < target:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.follower.wake.set()
            with self.runner.advanced:
                self.runner.advanced.wait(min(remaining, 0.02))
        return True

    def rebuild(self, progress: Progress = ignored) -> None:
        """Empty every table and reset tracking in one transaction, then replay the log
        (reporting the position reached to `progress`)."""
        with self.store.transaction() as cur:
            self.store.empty(cur, schema.TABLES)
        self.runner.caches.accounts.clear()
        self.runner.caches.workers.clear()
        self.catch_up(progress)

    # Queries: JSON-ready dicts; money "0.00", dates ISO.

    def accounts(
        self,
        as_of: date | None = None,
        known_at: datetime | None = None,
        within: Callable[[str], bool] | None = None,
    ) -> list[dict[str, Any]]:
        with self.reads.transaction(commit=False) as cur:
            return account_queries.accounts(cur, as_of, known_at, within)

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
    ) -> dict[str, Any] | None:
        """The statement, or its page of `limit` lines after line `after` (see statements.py)."""
        span = statements.span_of(source, division, from_, to, as_of, known_at)
        with self.reads.transaction(commit=False) as cur:
            return statements.statement_page(cur, span, after, limit)

    def statement_file(
        self,
        source: str,
        division: str,
        from_: date | None,
        to: date | None,
        as_of: date | None = None,
        known_at: datetime | None = None,
    ) -> tuple[dict[str, Any], Iterator[dict[str, Any]]] | None:
        """A whole statement for a file: its head now, its lines as they are read, in
        chunks of short transactions, all at the snapshot the head was read at."""
        span = statements.span_of(source, division, from_, to, as_of, known_at)
        with self.reads.transaction(commit=False) as cur:
            head = statements.statement_start(cur, span, self.reads.position(cur))
        if head is None:
            return None
        lines = statements.chunked_lines(self._read, head.pop("span"), head.pop("opening"))
        return head, lines

    def _read(self, query: Callable[..., Any], *args: Any) -> Any:
        with self.reads.transaction(commit=False) as cur:
            return query(cur, *args)

    def year_end(
        self, source: str, division: str, year: int, known_at: datetime | None = None
    ) -> dict[str, Any] | None:
        with self.reads.transaction(commit=False) as cur:
            return year_end(cur, source, division, year, known_at)

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
    ) -> dict[str, Any] | None:
        """The console's statement page: the API's cursor page of `limit` lines after line
        `after`, with the statement's balances, its count and the previous page's cursor."""
        span = statements.span_of(source, division, from_, to, as_of, known_at)
        with self.reads.transaction(commit=False) as cur:
            return statements.screen(cur, span, after, limit)

    def monthly(
        self,
        as_of: date | None = None,
        known_at: datetime | None = None,
        within: Callable[[str], bool] | None = None,
    ) -> list[dict[str, Any]]:
        with self.reads.transaction(commit=False) as cur:
            return account_queries.monthly(cur, as_of, known_at, within)

    def worker(self, worker_id: str, as_of: date | None = None) -> dict[str, Any] | None:
        with self.reads.transaction(commit=False) as cur:
            return views.worker(self.events, cur, worker_id, as_of)

    def organisation(
        self, org_id: str, as_of: date | None = None, most: int | None = None
    ) -> dict[str, Any] | None:
        with self.reads.transaction(commit=False) as cur:
            return views.organisation(self.events, cur, org_id, as_of, most)

    def targets(self, within: Callable[[str], bool] | None = None) -> dict[str, Any]:
        with self.reads.transaction(commit=False) as cur:
            return targets.targets(cur, within)

    # Lists: up to `limit` items recorded after position `after` (projections/lists.py).

    def workers(self, query: lists.WorkerQuery, after: int, limit: int) -> list[dict[str, Any]]:
        with self.reads.transaction(commit=False) as cur:
            return lists.workers(cur, query, after, limit)

    def organisations(
        self, query: lists.OrganisationQuery, after: int, limit: int
    ) -> list[dict[str, Any]]:
        with self.reads.transaction(commit=False) as cur:
            return lists.organisations(cur, query, after, limit)

    def payments(self, query: lists.PaymentQuery, after: int, limit: int) -> list[dict[str, Any]]:
        with self.reads.transaction(commit=False) as cur:
            return lists.payments(cur, query, after, limit)

    def payment(self, payment_id: str) -> dict[str, Any] | None:
        with self.reads.transaction(commit=False) as cur:
            return lists.payment(cur, payment_id)

    def reconciliations(
        self, query: lists.ReconciliationQuery, after: int, limit: int
    ) -> list[dict[str, Any]]:
        with self.reads.transaction(commit=False) as cur:
            return lists.reconciliations(cur, query, after, limit)

    def payment_requests(
        self,
        after: int,
        limit: int,
        status: str | None = None,
        division: str | None = None,
        within: Callable[[str], bool] | None = None,
    ) -> list[dict[str, Any]]:
        with self.reads.transaction(commit=False) as cur:
            return request_queries.requests(cur, after, limit, status, division, within)

    def period_closes(self, within: str | None) -> list[dict[str, Any]]:
        """R23: every period closed on the accounts in `within` (None: all), in order."""
        with self.reads.transaction(commit=False) as cur:
            return close_queries.closes(cur, within)

    def names(self, wanted: list[str]) -> dict[str, str]:
        """The registered names of these organisations and workers, by id (a payee)."""
        with self.reads.transaction(commit=False) as cur:
            return names.names(cur, wanted)

    def run_candidates(self, rules: tuple[str, ...], paid_on: date) -> list[dict[str, Any]]:
        with self.reads.transaction(commit=False) as cur:
            return request_queries.run_candidates(cur, rules, paid_on.isoformat())
