"""Following the ledger's log, exactly once, on both stores.

One step: read the tracked position P, select the next notifications after P, decode
the ones a read model needs, then in ONE transaction advance tracking from P to the last
position selected (compare-and-set, the first statement) and write the rows. If another
process advanced first, the compare-and-set finds nothing and the whole transaction
rolls back — its rows included — so no event is ever counted twice; a crash anywhere
leaves either the whole batch or none of it. The log is read outside the transaction:
decoding is the slow part and PostgreSQL cuts transactions idle for long."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import IntegrityError, Notification

from jobaid.application import Ledger
from projections.changes import HANDLERS, Batch, Caches
from projections.sqlstore import ViewStore
from projections.writer import write

DEFAULT_BATCH = 1000


class Runner:
    def __init__(self, ledger: Ledger, store: ViewStore, batch_size: int = DEFAULT_BATCH) -> None:
        self.ledger = ledger
        self.store = store
        self.batch_size = batch_size
        self.caches = Caches()
        # Called with each event's position before it is applied: lets a test inject a
        # crash in the middle of a batch.
        self.before_event: Callable[[int], None] | None = None
        self.advanced = threading.Condition()
        self._lock = threading.Lock()  # one step at a time in this process

    def step(self) -> int:
        """Process the next batch; the number of notifications passed over (0: none new)."""
        with self._lock:
            while True:
                start = self.store.position()
                notifications = self.ledger.recorder.select_notifications(
                    start=start + 1, limit=self.batch_size
                )
                if not notifications:
                    return 0
                decoded = [
                    (n.id, n.topic, self._decode(n)) for n in notifications if n.topic in HANDLERS
                ]
                if self._commit(start, notifications[-1].id, decoded):
                    with self.advanced:
                        self.advanced.notify_all()
                    return len(notifications)
                # Another process projected this stretch first: start again from where it got to.

    def _decode(self, notification: Notification) -> Any:
        return self.ledger.mapper.to_domain_event(notification)

    def _commit(self, start: int, end: int, decoded: list[tuple[int, str, Any]]) -> bool:
        try:
            with self.store.transaction() as cur:
                if not self.store.advance(cur, start, end):
                    raise _Lost
                batch = Batch(cur, self.caches)
                for position, topic, event in decoded:
                    if self.before_event is not None:
                        self.before_event(position)
                    HANDLERS[topic](batch, position, event)
                write(batch)
        except _Lost:
            return False
        except IntegrityError:
            # Only a competing process can make a row's key collide with ours (its batch
            # overlapping this one committed meanwhile): it is the same fact, already counted.
            if self.store.position() >= end:
                return False
            raise
        return True

    def catch_up(self) -> int:
        """Process everything recorded so far; the position reached."""
        target = self.store.head()
        while self.store.position() < target and self.step():
            pass
        return self.store.position()


class _Lost(Exception):
    """The tracking row had moved on: roll this batch back."""
