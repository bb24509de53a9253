"""Following the ledger's log, exactly once, on both stores.

One step: read the tracked position P and the log's head H, select the next events a
read model needs after P (by topic, in SQL) up to at most P + span, decode them, then in
ONE transaction advance tracking from P to the last position the selection covered
(compare-and-set, the first statement) and write the rows. If another process advanced
first, the compare-and-set finds nothing and the whole transaction rolls back — its rows
included — so no event is ever counted twice; a crash anywhere leaves either the whole
batch or none of it. The log is read outside the transaction: decoding is the slow part
and PostgreSQL cuts transactions idle for long.

What a selection covers: a topic filter leaves out positions, so a section shorter than
its limit does not end at its last row. It covers every position up to its `stop`, and
that is sound only because `stop` ≤ H, the highest position committed when the step
began: the library writes one transaction at a time (SQLite has one writer; on
PostgreSQL each insert takes an EXCLUSIVE table lock until commit), so every position
below H is committed or will never be (a gap) — none can appear there later."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from eventsourcing.persistence import IntegrityError

from adapters.eventstore import EventStore
from adapters.progress import Progress, ignored
from adapters.sql import ViewStore
from projections import closes, listed, requests
from projections.changes import HANDLERS as MONEY_AND_TARGETS
from projections.changes import Batch, Caches, Fields
from projections.decoding import Decoder
from projections.eventlog import select_events
from projections.writer import write

DEFAULT_BATCH = 3000  # events a read model needs, at most, per transaction
SPAN = 4  # positions read per section, at most, as a multiple of the batch
HANDLERS = {**MONEY_AND_TARGETS, **listed.HANDLERS, **requests.HANDLERS, **closes.HANDLERS}
TOPICS = tuple(HANDLERS)


@dataclass(frozen=True)
class Section:
    """The decoded events after `start` that a read model needs, through `end`."""

    start: int
    end: int
    events: list[tuple[int, str, Fields]]


class Runner:
    def __init__(
        self, events: EventStore, store: ViewStore, batch_size: int = DEFAULT_BATCH
    ) -> None:
        self.store = store
        self.batch_size = batch_size
        self.caches = Caches()
        self.decoder = Decoder(events.mapper, TOPICS)
        # Called with each event's position before it is applied: lets a test inject a
        # crash in the middle of a batch.
        self.before_event: Callable[[int], None] | None = None
        self.advanced = threading.Condition()
        self._lock = threading.Lock()  # one step at a time in this process
        self.reached = 0  # where this runner's last step left tracking

    def step(self) -> int:
        """Process the next section; the number of log positions passed over (0: none new)."""
        with self._lock:
            while True:
                start, head = self.store.position(), self.store.head()
                if head <= start:
                    return 0
                section = self.read(start, head)
                if self._commit(section):
                    self.reached = section.end
                    with self.advanced:
                        self.advanced.notify_all()
                    return section.end - start
                # Another process projected this stretch first: start again from where it got to.

    def read(self, start: int, head: int) -> Section:
        """The events the read models need after `start`, decoded, and the last position
        they cover: their last when the batch is full, else the section's `stop` (see
        above). Bounding the section keeps each read an index range, not the rest of the log."""
        stop = min(head, start + SPAN * self.batch_size)
        found = select_events(self.store, start, stop, TOPICS, self.batch_size)
        end = found[-1][0] if len(found) == self.batch_size else stop
        return Section(start, end, [(e[0], e[3], self.decoder.fields(e)) for e in found])

    def _commit(self, section: Section) -> bool:
        try:
            with self.store.transaction() as cur:
                if not self.store.advance(cur, section.start, section.end):
                    raise _Lost
                batch = Batch(cur, self.caches)
                for position, topic, fields in section.events:
                    if self.before_event is not None:
                        self.before_event(position)
                    HANDLERS[topic](batch, position, fields)
                write(batch)
        except _Lost:
            return False
        except IntegrityError:
            # Only a competing process can make a row's key collide with ours (its batch
            # overlapping this one committed meanwhile): it is the same fact, already counted.
            if self.store.position() >= section.end:
                return False
            raise
        return True

    def catch_up(self, progress: Progress = ignored) -> int:
        """Process everything recorded so far; the position reached, reported as it goes."""
        target = self.store.head()
        reached = self.store.position()
        progress(reached, target)
        while reached < target and self.step():
            reached = self.reached
            progress(min(reached, target), target)
        return self.store.position()


class _Lost(Exception):
    """The tracking row had moved on: roll this batch back."""
